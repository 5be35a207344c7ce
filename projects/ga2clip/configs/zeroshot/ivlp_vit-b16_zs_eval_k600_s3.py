# Zero-shot evaluation, k600_s3: IVLP (ViFi-CLIP VL prompting) trained on K400
# (ivlp_vit-b16_zs_k400_train.py): `tools/test.py CONFIG <its checkpoint>`
# (the GA2 hard prompt is in the checkpoint).
_base_ = [
    '../../../../configs/_base_/models/ivlp_vit-b16.py',
    '../../../../configs/_base_/datasets/zs_eval_k600_s3.py',
    '../../../../configs/_base_/default_runtime.py',
]
