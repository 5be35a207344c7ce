# ViFi-CLIP fully fine-tuned (muzairkhattak/ViFi-CLIP, TRAINER.ViFi_CLIP.USE
# "both"): every CLIP weight trains, vision and text, and the logit scale;
# no prompts. Video feature = mean of the frames' CLS features; text =
# "a photo of a {class}." (its CTX_INIT). Label smoothing 0.1 (mmpretrain
# LabelSmoothLoss) on Mixup (alpha 0.8) / CutMix (alpha 1.0) targets,
# switched with p=0.5 per step (mmpretrain RandomBatchAugment), as released
# (AUG.MIXUP 0.8, AUG.CUTMIX 1.0, AUG.MIXUP_SWITCH_PROB 0.5,
# AUG.LABEL_SMOOTH 0.1). The token embeddings do not train (ViFi-CLIP keeps
# the prompts' embeddings as a fixed buffer): lr_mult 0 in the schedule
# (schedules/vifi-ft_b2n_11e.py).
model = dict(
    type='GA2CLIP',
    clip=dict(name='ViT-B-16', pretrained='openai', force_quick_gelu=True),
    video_encoder=dict(type='CLIPVideoEncoder', train_mode='full',
                       grad_checkpointing=True),
    text_head=dict(type='TemplateTextHead', templates=['a photo of a {}.'],
                   train_text=True, grad_checkpointing=True),
    train_logit_scale=True,
    loss_cls=dict(type='ScaledCosineLoss', loss=dict(
        type='mmpretrain.LabelSmoothLoss', label_smooth_val=0.1,
        mode='original')),
    batch_augments=dict(
        augments=[dict(type='Mixup', alpha=0.8),
                  dict(type='CutMix', alpha=1.0)],
        probs=[0.5, 0.5]),
    anchor_loss=None,
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[122.771, 116.746, 104.094],
        std=[68.5, 66.632, 70.323],
        format_shape='NCTHW'))
