# Zero-shot protocol, training: ViFi-CLIP fully fine-tuned (vifi-ft) on all
# of Kinetics-400 (your train list); test the checkpoint with the
# vifi-ft zs_eval_* configs (HMDB-51 val1-3, UCF-101 val1-3, K600 splits 1-3).
# Released recipe (ViFi-CLIP configs/zero_shot/train/k400/16_16_vifi_clip.yaml):
# OpenAI CLIP init, 32 frames, AdamW lr 8e-6 (betas .9/.98), wd 1e-3, 10
# epochs (5 warm-up), cosine to lr/100; 4 clips/GPU x 8 GPUs x 8
# accumulation steps (256 per update); Mixup/CutMix + label smoothing .1;
# fp16 AMP as released with --amp.
# Published ViFi-CLIP zero-shot top-1: HMDB-51 51.3, UCF-101 76.8, K600 71.2.
_base_ = [
    '../../../../configs/_base_/models/vifi-ft_vit-b16.py',
    '../../../../configs/_base_/datasets/zs_k400_train.py',
    '../../../../configs/_base_/schedules/vifi-ft_b2n_11e.py',
    '../../../../configs/_base_/default_runtime.py',
]
train_dataloader = dict(batch_size=4, dataset=dict(
    pipeline={{_base_.vifi_train_pipeline}}))
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=10, val_interval=1)
optim_wrapper = dict(accumulative_counts=8, optimizer=dict(lr=8e-6))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=5, eta_min=8e-8, by_epoch=True,
         begin=5, end=10, convert_to_iter_based=True),
]
