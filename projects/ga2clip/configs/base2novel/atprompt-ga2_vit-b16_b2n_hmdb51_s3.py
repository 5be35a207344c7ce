# Base-to-novel, HMDB-51, split s3: ATPrompt on GA2-CLIP.
# AdamW, wd 1e-3, 12 epochs (2 warm-up), cosine; 8 clips/GPU x 8 GPUs;
# lr 4e-3 (HMDB-51). Seed 1024. Last epoch is tested.
# ATPrompt: attribute words (model.text_head.attributes; choose them with
# tools/atprompt_search.py on this training set) before the class context.
# No published video numbers (image only: docs/atprompt.md).
_base_ = [
    '../../../../configs/_base_/models/atprompt-ga2_vit-b16.py',
    '../../../../configs/_base_/datasets/b2n_hmdb51_s3.py',
    '../../../../configs/_base_/datasets/ga2_anchors.py',
    '../../../../configs/_base_/schedules/b2n_12e.py',
    '../../../../configs/_base_/default_runtime.py',
]
model = dict(
    # HMDB-51/UCF-101/SSv2 start from the K400 fully fine-tuned ViFi-CLIP
    # weights, as released: this file (OpenAI key layout; made by
    # tools/convert_official_ckpt.py --vifi) or ViFi-CLIP's download itself,
    # which loads here directly (docs/protocols.md, "Initial weights").
    clip=dict(pretrained='checkpoints/vificlip_k400_fully_finetuned_openai-layout.pth'),
    # Hard prompt: `text_head.ctx` of the stage-1 IVLP run on K400
    # (projects/ga2clip/configs/stage1/); stored in this run's checkpoints.
    text_head=dict(hard_prompt=dict(
        source='ivlp_checkpoint',
        path='work_dirs/ivlp_vit-b16_stage1_k400/epoch_12.pth')),
)
optim_wrapper = dict(optimizer=dict(lr=4e-3))
# Generic-attribute anchors: the training set wrapped in AnchoredDataset,
# `num_anchors` anchor clips per GPU per step (see the anchors base).
train_dataloader = {{_base_.ga2_anchored_train}}
