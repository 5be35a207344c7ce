# Zero-shot evaluation, hmdb51_val2: MSTA trained on K400
# (msta_vit-b16_zs_k400_train.py): `tools/test.py CONFIG <its
# checkpoint>`. 8 frames, 1 view (the released logs used more views).
# MSTA adapted onto open_clip's CLIP ViT-B/16 (frame-wise; the paper's
# backbone is ViCLIP-B/16, not in open_clip: its numbers are not
# comparable 1:1). See docs/msta.md.
# Published (MSTA paper, mean +- std of 3 splits, top-1): HMDB-51 55.8 +- 0.8.
_base_ = [
    '../../../../configs/_base_/models/msta_vit-b16.py',
    '../../../../configs/_base_/datasets/zs_eval_hmdb51_val2.py',
    '../../../../configs/_base_/default_runtime.py',
]
# the zero-shot training's adapters (d 128, blocks 1-12, lambda 0.001);
# testing reads no description file.
model = dict(adapters=dict(dim=128, blocks=(1, 12), scale=0.001))
test_dataloader = dict(dataset=dict(num_frames=8))
