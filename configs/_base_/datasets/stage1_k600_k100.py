# GA2 hard-prompt stage 1 for the Kinetics-400 runs: the 100 Kinetics-600
# classes outside Kinetics-400 ("K600-100", GA2-CLIP's k600_base_labels.csv),
# 16 clips per class (seed 1) from your K600 train list (full 600-class ids,
# mapped by name). Validation: 4 clips per class of your K600 val list.
# No test loader.
_base_ = ['./vocab_loaders_train_val.py']
data_root = 'data/kinetics600/videos'
classes = 'projects/ga2clip/data/ga2clip/k600_base_labels.csv'
full_classes = 'projects/ga2clip/data/labels/kinetics_600_labels.csv'
train_dataloader = dict(dataset=dict(
    ann_file='data/kinetics600/annotations/k600_train.txt',
    source_class_file=full_classes, class_file=classes,
    k_shot=dict(k=16, seed=1), data_prefix=dict(video=data_root)))
val_dataloader = dict(dataset=dict(
    ann_file='data/kinetics600/annotations/k600_val.txt',
    source_class_file=full_classes, class_file=classes,
    k_shot=dict(k=4, seed=0), data_prefix=dict(video=data_root)))
