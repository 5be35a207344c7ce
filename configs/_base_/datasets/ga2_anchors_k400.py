# Anchors for the Kinetics-400 base-to-novel runs: 136 of the released anchor
# clips are K400 validation videos that are in the K400 base_val/novel_val
# test lists; they are excluded here (4,459 anchors remain). For strict
# parity with the released code set anchor_dataset.exclude_ann_files=[].
_base_ = ['./ga2_anchors.py']
anchor_dataset = dict(
    exclude_ann_files=['projects/ga2clip/data/base2novel/k400_splits/base_val.txt',
                       'projects/ga2clip/data/base2novel/k400_splits/novel_val.txt'],
    exclude_match='basename')
# Merged into ga2_anchors.py's: the same exclusions in the training set.
ga2_anchored_train = dict(dataset=dict(anchor=anchor_dataset))
