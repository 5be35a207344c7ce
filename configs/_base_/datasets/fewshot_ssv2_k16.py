# Few-shot Something-Something v2, K=16: train1_few_shot_16.txt.
_base_ = ['./fewshot_ssv2.py']
train_list = 'projects/ga2clip/data/ssv2_splits/train1_few_shot_16.txt'
train_dataloader = dict(dataset=dict(ann_file=train_list))
val_dataloader = dict(dataset=dict(exclude_ann_files=[train_list]))
