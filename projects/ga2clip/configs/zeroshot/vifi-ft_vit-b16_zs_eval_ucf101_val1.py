# Zero-shot evaluation, ucf101_val1: ViFi-CLIP fully fine-tuned on K400
# (vifi-ft_vit-b16_zs_k400_train.py): `tools/test.py CONFIG <its checkpoint>`.
# 32 frames, 1 view (ViFi-CLIP's zero-shot test).
_base_ = [
    '../../../../configs/_base_/models/vifi-ft_vit-b16.py',
    '../../../../configs/_base_/datasets/zs_eval_ucf101_val1.py',
    '../../../../configs/_base_/default_runtime.py',
]
