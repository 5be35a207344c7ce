# Vita-CLIP on the tiny random open_clip model `ga2clip-tiny` (tests):
# 2 frames, 2 global prompts per layer, local prompts, summary token; CoOp
# text with 4 unified context tokens; CLIP's logit_scale, frozen.
model = dict(
    type='GA2CLIP',
    clip=dict(name='ga2clip-tiny', pretrained=None),
    video_encoder=dict(
        type='VitaVideoEncoder', num_frames=2, time_embed=True,
        global_prompts=2, local_prompts=True, summary_token=True,
        cls_proj='released'),
    # logit_scale left out = None: CLIP's, frozen
    text_head=dict(type='CoOpTextHead', n_ctx=4, csc=False),
    loss_cls=dict(type='ScaledCosineCELoss'),
    anchor_loss=None,
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[122.771, 116.746, 104.094],
        std=[68.5, 66.632, 70.323],
        format_shape='NCTHW'))
