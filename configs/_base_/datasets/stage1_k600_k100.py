# GA2 hard-prompt stage 1 for the Kinetics-400 runs: the 100 Kinetics-600
# classes outside Kinetics-400 ("K600-100", GA2-CLIP's k600_base_labels.csv),
# 16 clips per class (seed 1) from your K600 train list (full 600-class ids,
# mapped by name). Validation: 4 clips per class of your K600 val list.
_base_ = ['./video_pipelines.py']
data_root = 'data/kinetics600/videos'
classes = 'projects/ga2clip/data/ga2clip/k600_base_labels.csv'
full_classes = 'projects/ga2clip/data/labels/kinetics_600_labels.csv'
train_dataloader = dict(
    batch_size=8, num_workers=8, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='VocabVideoDataset',
        ann_file='data/kinetics600/annotations/k600_train.txt',
        source_class_file=full_classes, class_file=classes,
        k_shot=dict(k=16, seed=1), data_prefix=dict(video=data_root),
        pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(
    batch_size=8, num_workers=8, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='VocabVideoDataset',
        ann_file='data/kinetics600/annotations/k600_val.txt',
        source_class_file=full_classes, class_file=classes,
        k_shot=dict(k=4, seed=0), data_prefix=dict(video=data_root),
        test_mode=True, pipeline={{_base_.test_pipeline}}))
val_evaluator = dict(type='BaseNovelMetric')
