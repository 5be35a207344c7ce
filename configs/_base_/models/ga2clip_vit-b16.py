# GA2-CLIP on CLIP ViT-B/16, official settings (METHOD.md): frozen CLIP,
# IVLP deep vision prompts (16 tokens, depth 9), GA2 text head (16 soft
# tokens + frozen 16x512 hard prompt coupled by Linear(1024->512), ReLU,
# Dropout(0.5); deep text prompts to depth 9). Trainable: 709,120 parameters.
#
# Experiment configs set:
# - model.clip.pretrained: 'openai' (open_clip tag) or a local OpenAI-layout
#   file (e.g. the K400 fully fine-tuned ViFi-CLIP weights for HMDB/UCF/SSv2;
#   ViFi-CLIP's released file itself also loads, see docs/protocols.md);
# - model.text_head.hard_prompt: dict(source='ivlp_checkpoint', path=<this
#   project's stage-1 IVLP checkpoint>) or dict(source='official', path=...);
#   path=None leaves it to a checkpoint that holds text_head.hard_prompt;
# - model.anchor_loss: the anchor regularizer mode (see below; the default
#   is the released no-op formula, for parity).
# Anchor modes (each a registered loss; weight = loss_weight):
#   dict(type='OfficialAnchorLoss')   released formula, a documented no-op
#   dict(type='ElseClassAnchorLoss')  negative prompt as an extra class
#   dict(type='KLAnchorLoss')         KL to frozen CLIP on an attribute bank
#   dict(type='MarginAnchorLoss')     margin to the negative prompt
model = dict(
    type='GA2CLIP',
    clip=dict(name='ViT-B-16', pretrained='openai', force_quick_gelu=True),
    video_encoder=dict(
        type='CLIPVideoEncoder', prompt_tokens=16, prompt_depth=9,
        train_mode='frozen', grad_checkpointing=True),
    text_head=dict(
        type='GA2TextHead', n_ctx=16, depth=9, dropout=0.5,
        hard_prompt=dict(source='ivlp_checkpoint', path=None)),
    loss_cls=dict(type='ScaledCosineCELoss'),
    anchor_loss=dict(type='OfficialAnchorLoss', loss_weight=1.0),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[122.771, 116.746, 104.094],
        std=[68.5, 66.632, 70.323],
        format_shape='NCTHW'))
