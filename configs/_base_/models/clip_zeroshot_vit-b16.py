# Frozen CLIP ViT-B/16 zero-shot: frame-mean video features, template text
# head (the official template; add more for an ensemble). Nothing trains.
model = dict(
    type='GA2CLIP',
    clip=dict(name='ViT-B-16', pretrained='openai', force_quick_gelu=True),
    video_encoder=dict(type='CLIPVideoEncoder', train_mode='frozen'),
    text_head=dict(type='TemplateTextHead',
                   templates=['a video of a person {}.']),
    loss_cls=dict(type='ScaledCosineCELoss'),
    anchor_loss=None,
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[122.771, 116.746, 104.094],
        std=[68.5, 66.632, 70.323],
        format_shape='NCTHW'))
