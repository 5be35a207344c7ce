# Vita-CLIP on the tiny pretrained CLIP of the synthetic world
# (`ga2clip-synth`, 4 layers, width 128): time embedding for 4 frames,
# 4 global prompts per layer, local prompts, summary token
# (cls_proj='released'); CoOp text, 4 unified context tokens (unified: the
# novel classes must be nameable); CLIP's logit_scale, frozen.
_base_ = ['./synth_common.py']
model = dict(
    type='GA2CLIP',
    clip={{_base_.clip}},
    video_encoder=dict(
        type='VitaVideoEncoder', num_frames=4, time_embed=True,
        global_prompts=4, local_prompts=True, summary_token=True,
        cls_proj='released'),
    # logit_scale left out = None: CLIP's, frozen
    text_head=dict(type='CoOpTextHead', n_ctx=4, csc=False),
    loss_cls=dict(type='ScaledCosineCELoss'),
    anchor_loss=None,
    data_preprocessor={{_base_.data_preprocessor}})
