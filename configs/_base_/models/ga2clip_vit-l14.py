# GA2-CLIP on CLIP ViT-L/14 (OpenAI weights; open_clip `ViT-L-14`): the
# ViT-B/16 settings of ga2clip_vit-b16.py with widths from the model (vision
# prompts 16 x 1024 at depth 9, text prompts, soft/hard prompts 16 x 768,
# coupling Linear(1536->768)). Trainable parameters: docs/protocols.md
# "ViT-L/14 variants". Not a released setting (the paper uses ViT-B/16).
_base_ = ['./ga2clip_vit-b16.py']
model = dict(clip=dict(name='ViT-L-14'))
