# A tiny CPU schedule for smoke tests and the embedded demo.
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=2, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=2e-3, betas=(0.9, 0.999),
                   weight_decay=1e-3))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=2, eta_min=0, by_epoch=True,
         begin=0, end=2, convert_to_iter_based=True)
]
auto_scale_lr = dict(enable=False, base_batch_size=4)
