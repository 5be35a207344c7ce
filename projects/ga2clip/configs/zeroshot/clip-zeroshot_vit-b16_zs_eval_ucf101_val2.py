# Zero-shot evaluation, ucf101_val2: frozen CLIP zero-shot.
# Test with `tools/test.py CONFIG none`.
_base_ = [
    '../../../../configs/_base_/models/clip_zeroshot_vit-b16.py',
    '../../../../configs/_base_/datasets/zs_eval_ucf101_val2.py',
    '../../../../configs/_base_/default_runtime.py',
]
