# Few-shot, SSv2, K=4 (all classes): ATPrompt on IVLP.
# AdamW lr 8e-3, wd 1e-3, 30 epochs (5 warm-up), cosine;
# 4 clips/GPU x 8 GPUs (SSv2, released).
# Last epoch is tested.
# ATPrompt: attribute words (model.text_head.attributes; choose them with
# tools/atprompt_search.py on this training set) before the class context.
# No published video numbers (image only: docs/atprompt.md).
_base_ = [
    '../../../../configs/_base_/models/atprompt-ivlp_vit-b16.py',
    '../../../../configs/_base_/datasets/fewshot_ssv2_k4.py',
    '../../../../configs/_base_/schedules/fewshot_30e.py',
    '../../../../configs/_base_/default_runtime.py',
]
model = dict(
    # HMDB-51/UCF-101/SSv2 start from the K400 fully fine-tuned ViFi-CLIP
    # weights, as released: this file (OpenAI key layout; made by
    # tools/convert_official_ckpt.py --vifi) or ViFi-CLIP's download itself,
    # which loads here directly (docs/protocols.md, "Initial weights").
    clip=dict(pretrained='checkpoints/vificlip_k400_fully_finetuned_openai-layout.pth'),
)
