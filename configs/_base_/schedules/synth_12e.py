# Prompt-tuning schedule of the embedded synthetic world v2 (CPU): "strong
# tuning" of few shots -- AdamW lr 5e-3, wd 1e-3, 12 epochs (1 linear
# warm-up), cosine; batch 32 (+ 4 anchor clips for GA2). With 4 shots per
# base class that is 48 steps. Sized with the demo's time budget (10 min on
# 2 CPU cores for the default set, both protocols); see
# docs/synthetic_world.md "World v2".
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=12)
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=5e-3, betas=(0.9, 0.999),
                   weight_decay=1e-3))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-2, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=11, eta_min=0, by_epoch=True,
         begin=1, end=12, convert_to_iter_based=True),
]
auto_scale_lr = dict(enable=False, base_batch_size=32)
