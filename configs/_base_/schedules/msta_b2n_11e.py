# MSTA base-to-novel schedule (the paper's Table 1): AdamW lr 1e-3 for 32
# clips per step, betas (0.9, 0.98), wd 1e-3; 11 epochs, 5 linear warm-up,
# cosine. The released logs differ (50 epochs, 4 clips/GPU): docs/msta.md.
_base_ = ['./b2n_12e.py']
optim_wrapper = dict(optimizer=dict(lr=1e-3, betas=(0.9, 0.98),
                                    weight_decay=1e-3))
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=11, val_interval=1)
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=6, eta_min=0, by_epoch=True,
         begin=5, end=11, convert_to_iter_based=True),
]
# lr is for 32 clips per step (paper); --auto-scale-lr rescales it.
auto_scale_lr = dict(enable=False, base_batch_size=32)
