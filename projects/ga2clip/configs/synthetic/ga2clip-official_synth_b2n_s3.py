# GA2-CLIP, synthetic base-to-novel split s3; anchors: anchor term as released (a no-op: kept for parity).
_base_ = [
    '../../../../configs/_base_/models/ga2clip_synth.py',
    '../../../../configs/_base_/datasets/synthetic_b2n_s3.py',
    '../../../../configs/_base_/schedules/synth_12e.py',
    '../../../../configs/_base_/default_runtime.py',
]
model = dict(anchor_loss=dict(type='OfficialAnchorLoss', loss_weight=1.0))
randomness = dict(seed=3)
# Generic-attribute anchors: the training set wrapped in AnchoredDataset,
# `num_anchors` anchor clips per GPU per step (see the anchors base).
train_dataloader = {{_base_.ga2_anchored_train}}
