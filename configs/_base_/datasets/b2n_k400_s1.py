# Base-to-novel Kinetics-400, split s1: training list fs_base_s1_train.txt.
_base_ = ['./b2n_k400.py']
train_list = 'projects/ga2clip/data/base2novel/k400_splits/fs_base_s1_train.txt'
train_dataloader = dict(dataset=dict(ann_file=train_list))
val_dataloader = dict(dataset=dict(exclude_ann_files=[train_list]))
