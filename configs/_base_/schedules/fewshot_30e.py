# Few-shot schedule of the official GA2-CLIP configs: AdamW lr 8e-3,
# wd 1e-3, 30 epochs, 5 linear warm-up epochs, cosine.
_base_ = ['./b2n_12e.py']
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=30, val_interval=5)
optim_wrapper = dict(optimizer=dict(lr=8e-3))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=25, eta_min=0, by_epoch=True,
         begin=5, end=30, convert_to_iter_based=True),
]
