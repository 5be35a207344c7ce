# Base-to-novel Something-Something v2, split s2: training list fs_base_s2_train.txt.
_base_ = ['./b2n_ssv2.py']
train_list = 'projects/ga2clip/data/base2novel/ssv2_splits/fs_base_s2_train.txt'
train_dataloader = dict(dataset=dict(ann_file=train_list))
val_dataloader = dict(dataset=dict(exclude_ann_files=[train_list]))
