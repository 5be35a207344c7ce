# Prompt-tuning schedule for the embedded synthetic world (CPU): AdamW,
# 10 epochs (1 warm-up), cosine; batch 32 (+ anchors for GA2).
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=10)
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=2e-3, betas=(0.9, 0.999),
                   weight_decay=1e-3))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-2, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=9, eta_min=0, by_epoch=True,
         begin=1, end=10, convert_to_iter_based=True),
]
auto_scale_lr = dict(enable=False, base_batch_size=32)
