# Vita-CLIP's released supervised K400 schedule (train_scripts/k400_train.sh):
# AdamW lr 4e-4 (the script runs the code default; the paper says 8e-4),
# wd 0.05, no warm-up, cosine over 30 epochs (30,000 steps of 256 clips),
# validation every 5 epochs; the lr is for a batch of 256 (32 clips/GPU x 8
# GPUs; --auto-scale-lr rescales it). The rest (AdamW betas, loops,
# iteration checkpoints) is b2n_12e.py's.
_base_ = ['./b2n_12e.py']
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=30, val_interval=5)
optim_wrapper = dict(optimizer=dict(lr=4e-4, weight_decay=0.05))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=30, eta_min=0, by_epoch=True,
         begin=0, end=30, convert_to_iter_based=True),
]
auto_scale_lr = dict(enable=False, base_batch_size=256)
