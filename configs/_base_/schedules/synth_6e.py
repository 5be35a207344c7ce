# Prompt-tuning schedule for the embedded synthetic world (CPU): AdamW
# lr 2e-3, wd 1e-3, 6 epochs (1 linear warm-up), cosine; batch 32 (+ 4
# anchor clips for GA2). Sized so that the whole comparison (5 trained
# methods x 3 splits) fits the demo's 15-minute budget on 2 CPU cores.
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=6)
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=2e-3, betas=(0.9, 0.999),
                   weight_decay=1e-3))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-2, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=5, eta_min=0, by_epoch=True,
         begin=1, end=6, convert_to_iter_based=True),
]
auto_scale_lr = dict(enable=False, base_batch_size=32)
