# Base-to-novel protocol on UCF-101 (ViFi-CLIP splits; see
# projects/ga2clip/data/README.md). Train: 16 clips per base class
# (`train_list`: split s1 here; b2n_ucf101_s{1,2,3}.py pick the split).
# Test, in ONE run (b2n.py): base_val.txt in the base vocabulary and
# novel_val.txt in the novel vocabulary.
# Validation (honest model selection, never the test videos): 4 clips per
# base class held out from the shipped base_train.txt,
# minus the split's training clips.
_base_ = ['./b2n.py']
data_root = 'data/ucf101/videos'
split_dir = 'projects/ga2clip/data/base2novel/ucf_splits'
base_classes = 'projects/ga2clip/data/labels/ucf_101_base_labels.csv'
novel_classes = 'projects/ga2clip/data/labels/ucf_101_novel_labels.csv'
full_classes = 'projects/ga2clip/data/labels/ucf_101_labels.csv'
train_list = split_dir + '/fs_base_s1_train.txt'
val_pool = 'projects/ga2clip/data/base2novel/ucf_splits/base_train.txt'

train_dataloader = dict(dataset=dict(
    ann_file=train_list, class_file=base_classes,
    data_prefix=dict(video=data_root)))
val_dataloader = dict(dataset=dict(
    ann_file=val_pool, class_file=base_classes, exclude_ann_files=[train_list],
    holdout=dict(per_class=4, seed=0, part='held'),
    data_prefix=dict(video=data_root)))
test_dataloader = dict(dataset=dict(datasets=[
    dict(type='VocabVideoDataset', ann_file=split_dir + '/base_val.txt',
         class_file=base_classes, vocab_name='base',
         data_prefix=dict(video=data_root), test_mode=True, pipeline=[]),
    dict(type='VocabVideoDataset', ann_file=split_dir + '/novel_val.txt',
         class_file=novel_classes, vocab_name='novel',
         data_prefix=dict(video=data_root), test_mode=True, pipeline=[]),
]))
