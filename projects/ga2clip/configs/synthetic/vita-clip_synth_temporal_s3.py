# Vita-CLIP, synthetic temporal split s3 (same schedule as the
# IVLP and GA2 rows: synth_12e, AdamW lr 5e-3; 4 frames).
_base_ = [
    '../../../../configs/_base_/models/vita-clip_synth.py',
    '../../../../configs/_base_/datasets/synthetic_temporal_s3.py',
    '../../../../configs/_base_/schedules/synth_12e.py',
    '../../../../configs/_base_/default_runtime.py',
]
randomness = dict(seed=3)
