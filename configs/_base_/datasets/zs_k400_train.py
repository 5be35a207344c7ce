# Zero-shot protocol, training side: all of Kinetics-400 (your train list,
# written by tools/data/prepare_videos.py k400). Validation: 5 clips per
# class of the K400 validation set (not a test set of this protocol, whose
# tests are HMDB-51, UCF-101 and K600; see zs_eval_*.py). Test (for
# completeness): the whole K400 validation set.
_base_ = ['./vocab_loaders.py']
data_root = 'data/kinetics400/videos'
classes = 'projects/ga2clip/data/labels/kinetics_400_labels.csv'
train_list = 'data/kinetics400/annotations/k400_train.txt'
val_list = 'projects/ga2clip/data/k400_splits/val.txt'

train_dataloader = dict(dataset=dict(
    ann_file=train_list, class_file=classes,
    data_prefix=dict(video=data_root)))
val_dataloader = dict(dataset=dict(
    ann_file=val_list, class_file=classes, k_shot=dict(k=5, seed=0),
    data_prefix=dict(video=data_root)))
test_dataloader = dict(dataset=dict(
    ann_file=val_list, class_file=classes,
    data_prefix=dict(video=data_root)))
