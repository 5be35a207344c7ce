# Frozen tiny CLIP (`ga2clip-tiny`, random or locally pretrained) with the
# template text head: zero-shot baseline for tests and the demo.
model = dict(
    type='GA2CLIP',
    clip=dict(name='ga2clip-tiny', pretrained=None),
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
