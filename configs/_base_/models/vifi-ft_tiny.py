# ViFi-CLIP full fine-tuning (vifi-ft_vit-b16.py) on the tiny random
# open_clip model `ga2clip-tiny` (tests, benchmarks --quick).
_base_ = ['./vifi-ft_vit-b16.py']
model = dict(
    clip=dict(_delete_=True, name='ga2clip-tiny', pretrained=None),
    video_encoder=dict(grad_checkpointing=False),
    text_head=dict(grad_checkpointing=False))
