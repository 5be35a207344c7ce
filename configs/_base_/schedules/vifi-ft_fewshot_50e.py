# ViFi-CLIP fine-tuning schedule, few-shot (configs/few_shot/
# finetuning_few_shot/*/16_32_vifi_clip_*_shot.yaml): the base-to-novel
# optimiser (AdamW lr 2e-6, 4 clips/GPU x 8 GPUs x 2 accumulation) for 50
# epochs, 5 warm-up, cosine to lr / 100.
_base_ = ['./vifi-ft_b2n_11e.py']
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=50, val_interval=5)
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=45, eta_min=2e-8, by_epoch=True,
         begin=5, end=50, convert_to_iter_based=True),
]
