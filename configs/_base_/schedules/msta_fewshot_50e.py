# MSTA few-shot schedule: AdamW lr 1e-3 for 32 clips per step, betas
# (0.9, 0.98), wd 1e-3; 50 epochs, 5 linear warm-up, cosine (docs/msta.md).
_base_ = ['./fewshot_30e.py']
optim_wrapper = dict(optimizer=dict(lr=1e-3, betas=(0.9, 0.98),
                                    weight_decay=1e-3))
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=50, val_interval=5)
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=45, eta_min=0, by_epoch=True,
         begin=5, end=50, convert_to_iter_based=True),
]
auto_scale_lr = dict(enable=False, base_batch_size=32)
