# ATPrompt on IVLP, synthetic base-to-novel split s2.
_base_ = [
    '../../../../configs/_base_/models/atprompt-ivlp_synth.py',
    '../../../../configs/_base_/datasets/synthetic_b2n_s2.py',
    '../../../../configs/_base_/schedules/synth_12e.py',
    '../../../../configs/_base_/default_runtime.py',
]
randomness = dict(seed=2)
