# Few-shot protocol on HMDB-51 (ViFi-CLIP lists): K clips per class
# of all classes (`train_list`: K=16 here; fewshot_hmdb51_k{2,4,8,16}.py pick
# K), tested on val1.txt in the full vocabulary; BaseNovelMetric
# reports top1, top5 and mean_class_accuracy.
# Validation (honest model selection): 4 clips per class held out from your
# full training list (tools/data/prepare_videos.py writes it), minus the
# K-shot training clips.
_base_ = ['./vocab_loaders.py']
data_root = 'data/hmdb51/videos'
split_dir = 'projects/ga2clip/data/hmdb_splits'
classes = 'projects/ga2clip/data/labels/hmdb_51_labels_fixed.csv'
train_list = split_dir + '/train1_few_shot_16.txt'
val_pool = 'data/hmdb51/annotations/hmdb51_train_split1.txt'

train_dataloader = dict(dataset=dict(
    ann_file=train_list, class_file=classes,
    data_prefix=dict(video=data_root)))
val_dataloader = dict(dataset=dict(
    ann_file=val_pool, class_file=classes, exclude_ann_files=[train_list],
    holdout=dict(per_class=4, seed=0, part='held'),
    data_prefix=dict(video=data_root)))
test_dataloader = dict(dataset=dict(
    ann_file=split_dir + '/val1.txt', class_file=classes,
    data_prefix=dict(video=data_root)))
