# GA2-CLIP, synthetic temporal split s2; anchors: KL to the frozen CLIP over generic attribute prompts on anchors.
_base_ = [
    '../../../../configs/_base_/models/ga2clip_synth.py',
    '../../../../configs/_base_/datasets/synthetic_temporal_s2.py',
    '../../../../configs/_base_/schedules/synth_12e.py',
    '../../../../configs/_base_/default_runtime.py',
]
model = dict(anchor_loss=dict(type='KLAnchorLoss', loss_weight=1.0))
randomness = dict(seed=2)
# Generic-attribute anchors: the training set wrapped in AnchoredDataset,
# `num_anchors` anchor clips per GPU per step (see the anchors base).
train_dataloader = {{_base_.ga2_anchored_train}}
