# Dataloader defaults of the real-video dataset bases (training and
# validation; vocab_loaders.py adds the test loader): 8 clips per GPU, 8
# workers, the last partial training batch dropped (as released),
# VocabVideoDataset with the recipe's pipelines (video_pipelines.py),
# BaseNovelMetric. A dataset base inherits this (or vocab_loaders.py) and
# merges in only its paths, e.g.
#   train_dataloader = dict(dataset=dict(ann_file=..., class_file=...,
#                                        data_prefix=dict(video=data_root)))
_base_ = ['./video_pipelines.py']
train_dataloader = dict(
    batch_size=8, num_workers=8, persistent_workers=True,
    drop_last=True,  # the last partial batch is dropped, as released
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='VocabVideoDataset',
                 pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(
    batch_size=8, num_workers=8, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='VocabVideoDataset', test_mode=True,
                 pipeline={{_base_.test_pipeline}}))
val_evaluator = dict(type='BaseNovelMetric')
