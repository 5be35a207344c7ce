# Few-shot protocol on Something-Something v2 (ViFi-CLIP lists): K clips per class
# of all classes (`train_list`: K=16 here; fewshot_ssv2_k{2,4,8,16}.py pick
# K), tested on validation.txt in the full vocabulary; BaseNovelMetric
# reports top1, top5 and mean_class_accuracy.
# Validation (honest model selection): 4 clips per class held out from your
# full training list (tools/data/prepare_videos.py writes it), minus the
# K-shot training clips.
# Released SSv2 recipe (GA2-CLIP ssv2_*.yaml): 4 clips per GPU; frames
# 240x320 -> multi-scale crop 224, no flip (train_pipeline_ssv2); test
# 240x320 -> centre crop 224 (test_pipeline_ssv2), see video_pipelines.py.
_base_ = ['./vocab_loaders.py']
data_root = 'data/sthv2/videos'
split_dir = 'projects/ga2clip/data/ssv2_splits'
classes = 'projects/ga2clip/data/labels/ssv2_labels.csv'
train_list = split_dir + '/train1_few_shot_16.txt'
val_pool = 'data/sthv2/annotations/ssv2_train.txt'

train_dataloader = dict(batch_size=4, dataset=dict(
    ann_file=train_list, class_file=classes,
    data_prefix=dict(video=data_root),
    pipeline={{_base_.train_pipeline_ssv2}}))  # released SSv2 recipe
val_dataloader = dict(dataset=dict(
    ann_file=val_pool, class_file=classes, exclude_ann_files=[train_list],
    holdout=dict(per_class=4, seed=0, part='held'),
    data_prefix=dict(video=data_root),
    pipeline={{_base_.test_pipeline_ssv2}}))
test_dataloader = dict(dataset=dict(
    ann_file=split_dir + '/validation.txt', class_file=classes,
    data_prefix=dict(video=data_root),
    pipeline={{_base_.test_pipeline_ssv2}}))
