# Base-to-novel, UCF-101, split s1: ViFi-CLIP fully fine-tuned (vifi-ft).
# Released recipe (ViFi-CLIP configs/base2novel/finetuning_base2novel/
# ucf/16_32_vifi_clip_s1.yaml, utils/optimizer.py, main.py):
# OpenAI CLIP init; 32 frames; AdamW lr 2e-6 (betas .9/.98, eps 1e-8), wd 1e-3,
# 11 epochs (5 warm-up), cosine to lr/100; 4 clips/GPU x 8 GPUs x 2
# accumulation steps; Mixup .8 / CutMix 1.0 (p .5), label smoothing .1;
# ViFi-CLIP's training pipeline (multi-scale crop, flip, colour jitter,
# grayscale; video_pipelines.py vifi_train_pipeline); fp16 AMP as released
# with --amp. Seed 1024. Last epoch is tested (ViFi-CLIP kept its best
# validation epoch).
# Published ViFi-CLIP base-to-novel (base / novel / HM): 92.9 / 67.7 / 78.3.
_base_ = [
    '../../../../configs/_base_/models/vifi-ft_vit-b16.py',
    '../../../../configs/_base_/datasets/b2n_ucf101_s1.py',
    '../../../../configs/_base_/schedules/vifi-ft_b2n_11e.py',
    '../../../../configs/_base_/default_runtime.py',
]
train_dataloader = dict(batch_size=4, dataset=dict(
    pipeline={{_base_.vifi_train_pipeline}}))
