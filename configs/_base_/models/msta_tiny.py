# MSTA on the tiny random open_clip model `ga2clip-tiny` (tests): adapters
# on both of its 2 blocks, d = 8, lambda = 0.1 (visible on a random model),
# temporal conv on; consistency loss with template descriptions (offline).
model = dict(
    type='GA2CLIP',
    clip=dict(name='ga2clip-tiny', pretrained=None),
    video_encoder=dict(type='CLIPVideoEncoder', train_mode='frozen'),
    text_head=dict(type='TemplateTextHead', templates=['a video of {}.']),
    adapters=dict(type='MSTAAdapters', dim=8, blocks=(1, 2), scale=0.1,
                  dropout=0.1),
    vocab_loss=dict(type='DescriptionConsistencyLoss', alpha=1.0,
                    descriptions=dict(format='templates')),
    loss_cls=dict(type='ScaledCosineCELoss'),
    anchor_loss=None,
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[122.771, 116.746, 104.094],
        std=[68.5, 66.632, 70.323],
        format_shape='NCTHW'))
