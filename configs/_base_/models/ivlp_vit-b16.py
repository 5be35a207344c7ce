# IVLP (ViFi-CLIP VL prompting) on CLIP ViT-B/16: deep prompts on both sides
# (16 tokens, depth 9), frozen CLIP. This is also GA2-CLIP's stage 1: its
# checkpoint's `text_head.ctx` is the hard prompt of GA2TextHead
# (hard_prompt=dict(source='ivlp_checkpoint', path=...)).
model = dict(
    type='GA2CLIP',
    clip=dict(name='ViT-B-16', pretrained='openai', force_quick_gelu=True),
    video_encoder=dict(
        type='CLIPVideoEncoder', prompt_tokens=16, prompt_depth=9,
        train_mode='frozen', grad_checkpointing=True),
    text_head=dict(type='IVLPTextHead', n_ctx=16, depth=9),
    loss_cls=dict(type='ScaledCosineCELoss'),
    anchor_loss=None,
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[122.771, 116.746, 104.094],
        std=[68.5, 66.632, 70.323],
        format_shape='NCTHW'))
