# GA2-CLIP on the tiny synthetic CLIP: IVLP prompts (4 tokens, depth 3 of 4)
# plus the GA2 text head (frozen hard prompt from the stage-1 IVLP run on
# the auxiliary classes, coupled to the soft context by
# Linear(2w->w), ReLU, Dropout(0.5)). Anchor mode by `model.anchor_loss`.
_base_ = ['./synth_common.py']
model = dict(
    type='GA2CLIP',
    clip={{_base_.clip}},
    video_encoder=dict(
        type='CLIPVideoEncoder', prompt_tokens=4, prompt_depth=3,
        train_mode='frozen'),
    text_head=dict(
        type='GA2TextHead', n_ctx=4, depth=3, dropout=0.5,
        ctx_init='a video of a',
        hard_prompt=dict(
            source='ivlp_checkpoint',
            path='work_dirs/demo/stage1/epoch_6.pth')),
    loss_cls=dict(type='ScaledCosineCELoss'),
    anchor_loss=dict(type='OfficialAnchorLoss', loss_weight=1.0),
    data_preprocessor={{_base_.data_preprocessor}})
