# Few-shot HMDB-51, K=16: train1_few_shot_16.txt.
_base_ = ['./fewshot_hmdb51.py']
train_list = 'projects/ga2clip/data/hmdb_splits/train1_few_shot_16.txt'
train_dataloader = dict(dataset=dict(ann_file=train_list))
val_dataloader = dict(dataset=dict(exclude_ann_files=[train_list]))
