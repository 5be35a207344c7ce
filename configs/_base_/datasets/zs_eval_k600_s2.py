# Zero-shot evaluation on Kinetics-600 (160 classes outside K400): ZS_split2_K600_eval.txt, scored in
# its full class list (classes never seen in training).
_base_ = ['./video_pipelines.py']
data_root = 'data/kinetics600/videos'
test_dataloader = dict(
    batch_size=8, num_workers=8, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='VocabVideoDataset', ann_file='projects/ga2clip/data/k600_splits/ZS_split2_K600_eval.txt',
        class_file='projects/ga2clip/data/labels/ZS_split2_K600.csv',
        data_prefix=dict(video=data_root), test_mode=True,
        pipeline={{_base_.test_pipeline}}))
test_evaluator = dict(type='BaseNovelMetric')
