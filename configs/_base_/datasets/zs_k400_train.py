# Zero-shot protocol, training side: all of Kinetics-400 (your train list,
# written by tools/data/prepare_videos.py k400). Validation: 5 clips per
# class of the K400 validation set (not a test set of this protocol, whose
# tests are HMDB-51, UCF-101 and K600; see zs_eval_*.py). Test (for
# completeness): the whole K400 validation set.
_base_ = ['./video_pipelines.py']
data_root = 'data/kinetics400/videos'
classes = 'projects/ga2clip/data/labels/kinetics_400_labels.csv'
train_list = 'data/kinetics400/annotations/k400_train.txt'
val_list = 'projects/ga2clip/data/k400_splits/val.txt'

train_dataloader = dict(
    batch_size=8, num_workers=8, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='VocabVideoDataset', ann_file=train_list, class_file=classes,
        data_prefix=dict(video=data_root),
        pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(
    batch_size=8, num_workers=8, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='VocabVideoDataset', ann_file=val_list, class_file=classes,
        k_shot=dict(k=5, seed=0), data_prefix=dict(video=data_root),
        test_mode=True, pipeline={{_base_.test_pipeline}}))
test_dataloader = dict(
    batch_size=8, num_workers=8, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='VocabVideoDataset', ann_file=val_list, class_file=classes,
        data_prefix=dict(video=data_root), test_mode=True,
        pipeline={{_base_.test_pipeline}}))
val_evaluator = dict(type='BaseNovelMetric')
test_evaluator = dict(type='BaseNovelMetric')
