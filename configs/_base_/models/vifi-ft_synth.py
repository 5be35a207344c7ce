# ViFi-CLIP full fine-tuning (as vifi-ft_vit-b16.py: all CLIP weights and
# the logit scale train, Mixup/CutMix + label smoothing 0.1) on the tiny
# synthetic CLIP; the template is the synthetic world's zero-shot one.
_base_ = ['./synth_common.py']
model = dict(
    type='GA2CLIP',
    clip={{_base_.clip}},
    video_encoder=dict(type='CLIPVideoEncoder', train_mode='full'),
    text_head=dict(type='TemplateTextHead', templates=['a video of a {}.'],
                   train_text=True),
    train_logit_scale=True,
    loss_cls=dict(type='ScaledCosineLoss', loss=dict(
        type='mmpretrain.LabelSmoothLoss', label_smooth_val=0.1,
        mode='original')),
    batch_augments=dict(
        augments=[dict(type='Mixup', alpha=0.8),
                  dict(type='CutMix', alpha=1.0)],
        probs=[0.5, 0.5]),
    anchor_loss=None,
    data_preprocessor={{_base_.data_preprocessor}})
