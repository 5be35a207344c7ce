# Few-shot, HMDB-51, K=4 (all classes): IVLP (ViFi-CLIP VL prompting).
# AdamW lr 8e-3, wd 1e-3, 30 epochs (5 warm-up), cosine; 8 clips/GPU x 8 GPUs.
# Last epoch is tested.
_base_ = [
    '../../../../configs/_base_/models/ivlp_vit-b16.py',
    '../../../../configs/_base_/datasets/fewshot_hmdb51_k4.py',
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
