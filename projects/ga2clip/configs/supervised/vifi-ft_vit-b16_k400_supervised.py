# Supervised Kinetics-400: ViFi-CLIP fully fine-tuned (vifi-ft) with the
# released recipe (ViFi-CLIP configs/fully_supervised/k400/16_16_vifi_clip.yaml):
# OpenAI CLIP init, 16 frames, AdamW lr 2.2e-5 (betas .9/.98), wd 1e-3, 30
# epochs (5 warm-up), cosine to lr/100; 4 clips/GPU x 8 GPUs x 16
# accumulation steps (512 per update); Mixup/CutMix + label smoothing .1;
# test: 4 clips x 3 crops (TEST.MULTI_VIEW_INFERENCE), softmax averaged
# over the views (view_fusion='score', ViFi-CLIP's); fp16 AMP with --amp.
# Published ViFi-CLIP K400 top-1 / top-5: 83.9 / 96.3 (16 frames, 4x3 views).
_base_ = [
    '../../../../configs/_base_/models/vifi-ft_vit-b16.py',
    '../../../../configs/_base_/datasets/zs_k400_train.py',
    '../../../../configs/_base_/schedules/vifi-ft_b2n_11e.py',
    '../../../../configs/_base_/default_runtime.py',
]
train_dataloader = dict(batch_size=4, dataset=dict(
    num_frames=16, pipeline={{_base_.vifi_train_pipeline}}))
val_dataloader = dict(dataset=dict(num_frames=16))
test_dataloader = dict(dataset=dict(num_frames=16, num_clips=4, num_crops=3))
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=30, val_interval=5)
optim_wrapper = dict(accumulative_counts=16, optimizer=dict(lr=2.2e-5))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=25, eta_min=2.2e-7, by_epoch=True,
         begin=5, end=30, convert_to_iter_based=True),
]
