# MSTA on the tiny pretrained CLIP of the synthetic world (`ga2clip-synth`,
# 4 layers, width 128): adapters on blocks 3-4 of both towers (the upper
# half, as blocks 8-12 of 12), d = 32, temporal conv on; lambda = 0.1, not
# the paper's 0.005: with the demo's 96 AdamW steps lambda = 0.005 left the
# model at zero-shot CLIP (split s1 Base/Novel/HM 57.1/65.5/61.0 vs
# 62.4/64.6/63.5 at 0.1; docs/msta.md). MMA's grad_scaling does not help:
# AdamW is invariant to a constant gradient scale (identical run);
# consistency loss (alpha = 1) against the world's own spatial/temporal
# descriptions (<world>/descriptions.json, written by generate_world or
# tools/synthetic/write_descriptions.py from its attribute grammar).
_base_ = ['./synth_common.py']
model = dict(
    type='GA2CLIP',
    clip={{_base_.clip}},
    video_encoder=dict(type='CLIPVideoEncoder', train_mode='frozen'),
    text_head=dict(type='TemplateTextHead', templates=['a video of {}.']),
    adapters=dict(type='MSTAAdapters', dim=32, blocks=(3, 4), scale=0.1,
                  dropout=0.1),
    vocab_loss=dict(type='DescriptionConsistencyLoss', alpha=1.0,
                    descriptions=dict(
                        format='own',
                        file='{{$GA2CLIP_SYNTH_ROOT:data/synthetic/world}}'
                        '/descriptions.json')),
    loss_cls=dict(type='ScaledCosineCELoss'),
    anchor_loss=None,
    data_preprocessor={{_base_.data_preprocessor}})
