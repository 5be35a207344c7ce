# Few-shot UCF-101, K=8: train1_few_shot_8.txt.
_base_ = ['./fewshot_ucf101.py']
train_list = 'projects/ga2clip/data/ucf_splits/train1_few_shot_8.txt'
train_dataloader = dict(dataset=dict(ann_file=train_list))
val_dataloader = dict(dataset=dict(exclude_ann_files=[train_list]))
