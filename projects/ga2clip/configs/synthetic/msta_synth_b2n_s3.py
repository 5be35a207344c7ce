# MSTA, synthetic base-to-novel split s3 (same schedule as the IVLP
# and GA2 rows: synth_12e, AdamW lr 5e-3; 4 frames); consistency loss
# against the world's descriptions.json (alpha = 1).
_base_ = [
    '../../../../configs/_base_/models/msta_synth.py',
    '../../../../configs/_base_/datasets/synthetic_b2n_s3.py',
    '../../../../configs/_base_/schedules/synth_12e.py',
    '../../../../configs/_base_/default_runtime.py',
]
randomness = dict(seed=3)
