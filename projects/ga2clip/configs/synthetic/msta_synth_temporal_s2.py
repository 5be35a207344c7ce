# MSTA, synthetic temporal split s2 (same schedule as the IVLP
# and GA2 rows: synth_12e, AdamW lr 5e-3; 4 frames); consistency loss
# against the world's descriptions_temporal.json (alpha = 1): the
# temporal split's classes, whose temporal sentences name the motion.
_base_ = [
    '../../../../configs/_base_/models/msta_synth.py',
    '../../../../configs/_base_/datasets/synthetic_temporal_s2.py',
    '../../../../configs/_base_/schedules/synth_12e.py',
    '../../../../configs/_base_/default_runtime.py',
]
randomness = dict(seed=2)
model = dict(vocab_loss=dict(descriptions=dict(
    file='{{$GA2CLIP_SYNTH_ROOT:data/synthetic/world}}'
    '/descriptions_temporal.json')))
