# Base-to-novel, Kinetics-400, split s3: frozen CLIP zero-shot.
# Frozen OpenAI CLIP ViT-B/16; the splits differ only in training
# videos, so s1/s2/s3 give the same numbers.
_base_ = [
    '../../../../configs/_base_/models/clip_zeroshot_vit-b16.py',
    '../../../../configs/_base_/datasets/b2n_k400_s3.py',
    '../../../../configs/_base_/default_runtime.py',
]
# Nothing trains: test with `tools/test.py CONFIG none`.
test_cfg = dict(type='TestLoop')  # mmengine needs it next to the test loader
train_dataloader = None
val_dataloader = None
val_evaluator = None
