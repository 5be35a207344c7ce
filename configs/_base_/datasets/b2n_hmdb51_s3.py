# Base-to-novel HMDB-51, split s3: training list fs_base_s3_train.txt.
_base_ = ['./b2n_hmdb51.py']
train_list = 'projects/ga2clip/data/base2novel/hmdb_splits/fs_base_s3_train.txt'
train_dataloader = dict(dataset=dict(ann_file=train_list))
val_dataloader = dict(dataset=dict(exclude_ann_files=[train_list]))
