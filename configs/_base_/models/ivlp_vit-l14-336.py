# IVLP on CLIP ViT-L/14-336 (OpenAI weights; open_clip `ViT-L-14-336`): the
# ViT-B/16 settings of ivlp_vit-b16.py with widths from the model (vision
# prompts 16 x 1024, text prompts 16 x 768, depth 9). Trainable parameters:
# docs/protocols.md "ViT-L/14 variants". Not a released setting. Inputs are 336
# px: leaves add the 336 px pipelines (datasets/pipelines_336px.py).
_base_ = ['./ivlp_vit-b16.py']
model = dict(clip=dict(name='ViT-L-14-336'))
