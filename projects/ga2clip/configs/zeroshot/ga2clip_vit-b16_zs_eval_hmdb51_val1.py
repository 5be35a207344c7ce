# Zero-shot evaluation, hmdb51_val1: GA2-CLIP trained on K400
# (ga2clip_vit-b16_zs_k400_train.py): `tools/test.py CONFIG <its checkpoint>`
# (the GA2 hard prompt is in the checkpoint).
_base_ = [
    '../../../../configs/_base_/models/ga2clip_vit-b16.py',
    '../../../../configs/_base_/datasets/zs_eval_hmdb51_val1.py',
    '../../../../configs/_base_/default_runtime.py',
]
