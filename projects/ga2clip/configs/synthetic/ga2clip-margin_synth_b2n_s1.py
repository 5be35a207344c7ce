# GA2-CLIP, synthetic base-to-novel split s1; anchors: margin between the best class and the negative prompt on anchors.
_base_ = [
    '../../../../configs/_base_/models/ga2clip_synth.py',
    '../../../../configs/_base_/datasets/synthetic_b2n_s1.py',
    '../../../../configs/_base_/schedules/synth_12e.py',
    '../../../../configs/_base_/default_runtime.py',
]
model = dict(anchor_loss=dict(type='MarginAnchorLoss', loss_weight=1.0, margin=0.1))
randomness = dict(seed=1)
# Generic-attribute anchors: the training set wrapped in AnchoredDataset,
# `num_anchors` anchor clips per GPU per step (see the anchors base).
train_dataloader = {{_base_.ga2_anchored_train}}
