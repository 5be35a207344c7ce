# Zero-shot protocol, training schedule (this project's choice; the authors
# released no zero-shot recipe): the base-to-novel optimiser of b2n_12e.py
# (AdamW lr 4e-2, wd 1e-3, 8 clips/GPU x 8 GPUs) for 10 epochs of full K400
# (ViFi-CLIP's zero-shot length), 2 linear warm-up epochs, cosine.
_base_ = ['./b2n_12e.py']
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=10, val_interval=1)
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=2,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=8, eta_min=0, by_epoch=True,
         begin=2, end=10, convert_to_iter_based=True),
]
