# IVLP (ViFi-CLIP VL prompting) on the tiny synthetic CLIP: 4 prompt tokens
# on each side, depth 3 of the 4 layers (official: 16 tokens, depth 9 of 12);
# the text context starts from the zero-shot template's words.
_base_ = ['./synth_common.py']
model = dict(
    type='GA2CLIP',
    clip={{_base_.clip}},
    video_encoder=dict(
        type='CLIPVideoEncoder', prompt_tokens=4, prompt_depth=3,
        train_mode='frozen'),
    text_head=dict(type='IVLPTextHead', n_ctx=4, depth=3,
                   ctx_init='a video of a'),
    loss_cls=dict(type='ScaledCosineCELoss'),
    anchor_loss=None,
    data_preprocessor={{_base_.data_preprocessor}})
