# Few-shot, UCF-101, K=4 (all classes): ViFi-CLIP fully fine-tuned (vifi-ft).
# Released recipe (ViFi-CLIP configs/few_shot/finetuning_few_shot/
# ucf101/16_32_vifi_clip_4_shot.yaml):
# OpenAI CLIP init; 32 frames; AdamW lr 2e-6 (betas .9/.98, eps 1e-8), wd 1e-3,
# 50 epochs (5 warm-up), cosine to lr/100; 4 clips/GPU x 8 GPUs x 2
# accumulation steps; Mixup .8 / CutMix 1.0 (p .5), label smoothing .1;
# ViFi-CLIP's training pipeline (multi-scale crop, flip, colour jitter,
# grayscale; video_pipelines.py vifi_train_pipeline); fp16 AMP as released
# with --amp. Seed 1024. Last epoch is tested (ViFi-CLIP kept its best
# validation epoch).
# Published ViFi-CLIP few-shot top-1 (README): 85.1.
_base_ = [
    '../../../../configs/_base_/models/vifi-ft_vit-b16.py',
    '../../../../configs/_base_/datasets/fewshot_ucf101_k4.py',
    '../../../../configs/_base_/schedules/vifi-ft_fewshot_50e.py',
    '../../../../configs/_base_/default_runtime.py',
]
train_dataloader = dict(batch_size=4, dataset=dict(
    pipeline={{_base_.vifi_train_pipeline}}))
