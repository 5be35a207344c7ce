# GA2-CLIP on the tiny random open_clip model `ga2clip-tiny` (width 64,
# 2 layers, 32 px): CPU tests and the embedded demo. Same structure as
# ga2clip_vit-b16.py with 4 prompt tokens, depth 2. The hard prompt comes
# from a phrase so the config runs standalone; experiments point it at a
# stage-1 IVLP checkpoint instead. Anchor mode: override model.anchor_loss
# (OfficialAnchorLoss / ElseClassAnchorLoss / KLAnchorLoss / MarginAnchorLoss).
model = dict(
    type='GA2CLIP',
    clip=dict(name='ga2clip-tiny', pretrained=None),
    video_encoder=dict(
        type='CLIPVideoEncoder', prompt_tokens=4, prompt_depth=2,
        train_mode='frozen'),
    text_head=dict(
        type='GA2TextHead', n_ctx=4, depth=2, dropout=0.5,
        hard_prompt=dict(source='phrase', phrase='a video of a person')),
    loss_cls=dict(type='ScaledCosineCELoss'),
    anchor_loss=dict(type='OfficialAnchorLoss', loss_weight=1.0),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[122.771, 116.746, 104.094],
        std=[68.5, 66.632, 70.323],
        format_shape='NCTHW'))
