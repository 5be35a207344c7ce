# Vita-CLIP (Wasim et al., CVPR 2023) on CLIP ViT-B/16, frozen CLIP.
# Vision: time embedding (8 frames), 8 global prompts per layer, per-frame
# local prompts and summary token; cls_proj='released' (random and frozen,
# as in the released code; 'paper' = raw CLS, 'trainable'). Text: CoOp,
# 8 context tokens, unified context (csc=False: the only mode that can name
# unseen classes; the K400 supervised config turns CSC on).
# logit_scale: CLIP's, frozen (protocol setting). The released code trains a
# fresh one from log(1/0.07): text_head.logit_scale=dict(init=2.6593).
model = dict(
    type='GA2CLIP',
    clip=dict(name='ViT-B-16', pretrained='openai', force_quick_gelu=True),
    video_encoder=dict(
        type='VitaVideoEncoder', num_frames=8, time_embed=True,
        global_prompts=8, local_prompts=True, summary_token=True,
        cls_proj='released', long_clip='interpolate',
        grad_checkpointing=True),
    # logit_scale left out = None: CLIP's, frozen
    text_head=dict(type='CoOpTextHead', n_ctx=8, csc=False),
    loss_cls=dict(type='ScaledCosineCELoss'),
    anchor_loss=None,
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[122.771, 116.746, 104.094],
        std=[68.5, 66.632, 70.323],
        format_shape='NCTHW'))
