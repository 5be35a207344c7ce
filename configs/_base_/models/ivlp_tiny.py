# IVLP on the tiny random open_clip model `ga2clip-tiny` (tests, demo).
model = dict(
    type='GA2CLIP',
    clip=dict(name='ga2clip-tiny', pretrained=None),
    video_encoder=dict(
        type='CLIPVideoEncoder', prompt_tokens=4, prompt_depth=2,
        train_mode='frozen'),
    text_head=dict(type='IVLPTextHead', n_ctx=4, depth=2),
    loss_cls=dict(type='ScaledCosineCELoss'),
    anchor_loss=None,
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[122.771, 116.746, 104.094],
        std=[68.5, 66.632, 70.323],
        format_shape='NCTHW'))
