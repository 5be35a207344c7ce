# Supervised Kinetics-400: Vita-CLIP with the released recipe
# (TalalWasim/Vita-CLIP, train_scripts/k400_train.sh): CSC text (8 tokens x
# 400 classes), trainable logit_scale from log(1/0.07)
# (models/vita-clip_vit-b16_csc-k400.py); 8 frames, 32 clips/GPU x 8 GPUs,
# RandAugment m7-n4, test 1 view x 8 frames on the whole K400 validation
# list (datasets/k400_supervised_vita-clip.py); AdamW lr 4e-4, wd 0.05, no
# warm-up, cosine, 30 epochs (schedules/vita-clip_k400_30e.py).
# Ablation row: + global + local prompts; published K400 top-1 79.16.
# The time embedding stays on in every row: the released code
# has no switch for it (always created and trained).
_base_ = [
    '../../../../configs/_base_/models/vita-clip_vit-b16_csc-k400.py',
    '../../../../configs/_base_/datasets/k400_supervised_vita-clip.py',
    '../../../../configs/_base_/schedules/vita-clip_k400_30e.py',
    '../../../../configs/_base_/default_runtime.py',
]
model = dict(video_encoder=dict(summary_token=False))
