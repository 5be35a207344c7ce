# MSTA without the consistency loss (the paper's "MSTA w/o L_cc"),
# synthetic base-to-novel split s1; otherwise msta_synth_b2n_s1.py.
_base_ = [
    '../../../../configs/_base_/models/msta_synth.py',
    '../../../../configs/_base_/datasets/synthetic_b2n_s1.py',
    '../../../../configs/_base_/schedules/synth_12e.py',
    '../../../../configs/_base_/default_runtime.py',
]
randomness = dict(seed=1)
model = dict(vocab_loss=None)
