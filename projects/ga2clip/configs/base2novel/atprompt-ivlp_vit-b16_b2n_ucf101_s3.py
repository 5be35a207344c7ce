# Base-to-novel, UCF-101, split s3: ATPrompt on IVLP.
# AdamW, wd 1e-3, 12 epochs (2 warm-up), cosine; 8 clips/GPU x 8 GPUs;
# lr 4e-2. Seed 1024. Last epoch is tested.
# ATPrompt: attribute words (model.text_head.attributes; choose them with
# tools/atprompt_search.py on this training set) before the class context.
# No published video numbers (image only: docs/atprompt.md).
_base_ = [
    '../../../../configs/_base_/models/atprompt-ivlp_vit-b16.py',
    '../../../../configs/_base_/datasets/b2n_ucf101_s3.py',
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
