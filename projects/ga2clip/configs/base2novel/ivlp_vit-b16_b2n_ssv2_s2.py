# Base-to-novel, SSv2, split s2: IVLP (ViFi-CLIP VL prompting).
# AdamW, wd 1e-3, 12 epochs (2 warm-up), cosine;
# 4 clips/GPU x 8 GPUs (SSv2, released);
# lr 4e-2. Seed 1024. Last epoch is tested.
_base_ = [
    '../../../../configs/_base_/models/ivlp_vit-b16.py',
    '../../../../configs/_base_/datasets/b2n_ssv2_s2.py',
    '../../../../configs/_base_/schedules/b2n_12e.py',
    '../../../../configs/_base_/default_runtime.py',
]
model = dict(
    # HMDB-51/UCF-101/SSv2 start from the K400 fully fine-tuned ViFi-CLIP
    # weights, as released: this file (OpenAI key layout; made by
    # tools/convert_official_ckpt.py --vifi) or ViFi-CLIP's download itself,
    # which loads here directly (docs/protocols.md, "Initial weights").
    clip=dict(pretrained='checkpoints/vificlip_k400_fully_finetuned_openai-layout.pth'),
)
