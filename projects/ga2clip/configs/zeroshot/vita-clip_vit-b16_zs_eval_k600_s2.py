# Zero-shot evaluation, k600_s2: Vita-CLIP trained on K400
# (vita-clip_vit-b16_zs_k400_train.py): `tools/test.py CONFIG <its
# checkpoint>`. 32 frames, 1 view (the released zero-shot test) on a
# model trained with 8: long_clip='chunk' is the released blocks'
# behaviour (4 groups of 8 frames for local prompts and summary token,
# time embedding resized to 32 by nearest neighbour).
# Published (Vita-CLIP paper, mean +- std of 3 splits, top-1): K600 67.4 +- 0.5
# (the released evaluation used frozen CLIP features of the bare class
# names as text; here the unified CoOp context trained on K400).
_base_ = [
    '../../../../configs/_base_/models/vita-clip_vit-b16.py',
    '../../../../configs/_base_/datasets/zs_eval_k600_s2.py',
    '../../../../configs/_base_/default_runtime.py',
]
model = dict(video_encoder=dict(long_clip='chunk'))
test_dataloader = dict(dataset=dict(num_frames=32))
