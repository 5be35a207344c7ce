# Base-to-novel schedule of the official GA2-CLIP configs: AdamW lr 4e-2,
# wd 1e-3, 12 epochs, 2 linear warm-up epochs, cosine; 8 clips/GPU x 8 GPUs.
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=12, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=4e-2, betas=(0.9, 0.999),
                   weight_decay=1e-3),
    clip_grad=None)

param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=2,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=10, eta_min=0, by_epoch=True,
         begin=2, end=12, convert_to_iter_based=True),
]

# Also save iter_N.pth every 500 iterations (a full-K400 epoch is ~3,750 at
# 64 clips per step), so a preempted job loses minutes, not the epoch; the
# file is deleted once the next epoch checkpoint exists.
iter_checkpoint_interval = 500

# lr above is for 8 GPUs x 8 clips; --auto-scale-lr rescales it.
auto_scale_lr = dict(enable=False, base_batch_size=64)
