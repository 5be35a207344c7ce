# MSTA without the consistency loss (the paper's "MSTA w/o L_cc"),
# synthetic temporal split s3; otherwise msta_synth_temporal_s3.py.
_base_ = [
    '../../../../configs/_base_/models/msta_synth.py',
    '../../../../configs/_base_/datasets/synthetic_temporal_s3.py',
    '../../../../configs/_base_/schedules/synth_12e.py',
    '../../../../configs/_base_/default_runtime.py',
]
randomness = dict(seed=3)
model = dict(vocab_loss=None)
