# IVLP on CLIP ViT-L/14 (OpenAI weights; open_clip `ViT-L-14`): the
# ViT-B/16 settings of ivlp_vit-b16.py with widths from the model (vision
# prompts 16 x 1024, text prompts 16 x 768, depth 9). Trainable parameters:
# docs/protocols.md "ViT-L/14 variants". Not a released setting.
_base_ = ['./ivlp_vit-b16.py']
model = dict(clip=dict(name='ViT-L-14'))
