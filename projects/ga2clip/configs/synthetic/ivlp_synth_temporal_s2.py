# IVLP baseline, synthetic temporal split s2.
_base_ = [
    '../../../../configs/_base_/models/ivlp_synth.py',
    '../../../../configs/_base_/datasets/synthetic_temporal_s2.py',
    '../../../../configs/_base_/schedules/synth_12e.py',
    '../../../../configs/_base_/default_runtime.py',
]
randomness = dict(seed=2)
