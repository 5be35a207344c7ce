# ViFi-CLIP fine-tuning schedule, base-to-novel (its utils/optimizer.py and
# configs/base2novel/finetuning_base2novel/*/16_32_vifi_clip_s*.yaml):
# AdamW lr 2e-6, betas (0.9, 0.98), eps 1e-8, wd 1e-3 on every weight,
# 11 epochs, 5 linear warm-up epochs from 0, cosine down to lr / 100;
# 4 clips/GPU x 8 GPUs x 2 accumulation steps = 64 clips per update.
# (timm's CosineLRScheduler jumps, after the warm-up, to the cosine value of
# the whole 11-epoch curve; here the cosine runs over epochs 5-11 from the
# peak.) The token embeddings get lr 0 (ViFi-CLIP keeps them fixed).
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=11, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='OptimWrapper',
    accumulative_counts=2,
    optimizer=dict(type='AdamW', lr=2e-6, betas=(0.9, 0.98), eps=1e-8,
                   weight_decay=1e-3),
    paramwise_cfg=dict(custom_keys={
        'text_head.text.token_embedding': dict(lr_mult=0.0,
                                               decay_mult=0.0)}),
    clip_grad=None)
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=6, eta_min=2e-8, by_epoch=True,
         begin=5, end=11, convert_to_iter_based=True),
]
iter_checkpoint_interval = 500
# lr above is for 8 GPUs x 4 clips x 2 accumulation steps; --auto-scale-lr
# rescales it by the per-step batch (accumulation not counted).
auto_scale_lr = dict(enable=False, base_batch_size=32)
