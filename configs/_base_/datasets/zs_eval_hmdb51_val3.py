# Zero-shot evaluation on HMDB-51: val3.txt, scored in
# its full class list (classes never seen in training).
_base_ = ['./video_pipelines.py']
data_root = 'data/hmdb51/videos'
test_dataloader = dict(
    batch_size=8, num_workers=8, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='VocabVideoDataset', ann_file='projects/ga2clip/data/hmdb_splits/val3.txt',
        class_file='projects/ga2clip/data/labels/hmdb_51_labels_fixed.csv',
        data_prefix=dict(video=data_root), test_mode=True,
        pipeline={{_base_.test_pipeline}}))
test_evaluator = dict(type='BaseNovelMetric')
