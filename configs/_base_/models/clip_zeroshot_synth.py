# Frozen tiny synthetic CLIP, hand-written template: zero-shot baseline.
_base_ = ['./synth_common.py']
model = dict(
    type='GA2CLIP',
    clip={{_base_.clip}},
    video_encoder=dict(type='CLIPVideoEncoder', train_mode='frozen'),
    text_head=dict(type='TemplateTextHead', templates=['a video of a {}.']),
    loss_cls=dict(type='ScaledCosineCELoss'),
    anchor_loss=None,
    data_preprocessor={{_base_.data_preprocessor}})
