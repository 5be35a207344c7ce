# Supervised Kinetics-400: Vita-CLIP with the released recipe
# (TalalWasim/Vita-CLIP, train_scripts/k400_train.sh): CSC text (8 tokens x
# 400 classes), trainable logit_scale from log(1/0.07)
# (models/vita-clip_vit-b16_csc-k400.py); 8 frames, 32 clips/GPU x 8 GPUs,
# RandAugment m7-n4, test 1 view x 8 frames on the whole K400 validation
# list (datasets/k400_supervised_vita-clip.py); AdamW lr 4e-4, wd 0.05, no
# warm-up, cosine, 30 epochs (schedules/vita-clip_k400_30e.py).
# Published K400 top-1: 80.5 (8 frames, 1 view), 81.8 (8 frames,
# 4 clips x 3 crops), 82.9 (16 frames); ablation (paper Table):
# CSC text only 73.00 -> + global 77.83 -> + local 79.16 -> + summary
# 80.51 (vita-clip_vit-b16_k400_ablation_*.py are the first three).
_base_ = [
    '../../../../configs/_base_/models/vita-clip_vit-b16_csc-k400.py',
    '../../../../configs/_base_/datasets/k400_supervised_vita-clip.py',
    '../../../../configs/_base_/schedules/vita-clip_k400_30e.py',
    '../../../../configs/_base_/default_runtime.py',
]
