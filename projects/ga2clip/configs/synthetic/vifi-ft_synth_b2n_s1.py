# ViFi-CLIP fully fine-tuned (vifi-ft), synthetic base-to-novel split s1:
# every weight of the tiny synthetic CLIP trains, with Mixup/CutMix and label
# smoothing .1 (vifi-ft_synth.py); the synthetic schedule (synth_12e, AdamW),
# lr 1e-4 (full fine-tuning: far below the prompts' 2e-3).
_base_ = [
    '../../../../configs/_base_/models/vifi-ft_synth.py',
    '../../../../configs/_base_/datasets/synthetic_b2n_s1.py',
    '../../../../configs/_base_/schedules/synth_12e.py',
    '../../../../configs/_base_/default_runtime.py',
]
optim_wrapper = dict(optimizer=dict(lr=1e-4))
randomness = dict(seed=1)
