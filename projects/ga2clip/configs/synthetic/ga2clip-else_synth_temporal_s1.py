# GA2-CLIP, synthetic temporal split s1; anchors: anchors trained toward the negative prompt as an extra class.
_base_ = [
    '../../../../configs/_base_/models/ga2clip_synth.py',
    '../../../../configs/_base_/datasets/synthetic_temporal_s1.py',
    '../../../../configs/_base_/schedules/synth_12e.py',
    '../../../../configs/_base_/default_runtime.py',
]
model = dict(anchor_loss=dict(type='ElseClassAnchorLoss', loss_weight=1.0))
randomness = dict(seed=1)
# Generic-attribute anchors: the training set wrapped in AnchoredDataset,
# `num_anchors` anchor clips per GPU per step (see the anchors base).
train_dataloader = {{_base_.ga2_anchored_train}}
