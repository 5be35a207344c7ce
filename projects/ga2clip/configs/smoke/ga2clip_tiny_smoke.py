# The smallest real train + test run: GA2-CLIP on the random tiny CLIP
# (`ga2clip-tiny`, 32 px), 4 frames, one video list for train/val/test.
# Used by the tests and as a template for your own small experiments:
# inherit it and set the dataloaders' `ann_file`, `class_file` and
# `data_prefix` (see tests/conftest.py::write_smoke_config). Overriding the
# variables below with --cfg-options does not reach the dataloaders
# (mmengine resolves them when the file is read).
_base_ = [
    '../../../../configs/_base_/default_runtime.py',
    '../../../../configs/_base_/models/ga2clip_tiny.py',
    '../../../../configs/_base_/schedules/tiny_2e.py',
]

data_root = 'data/smoke/videos'
ann_file = 'data/smoke/ann.txt'
class_file = 'data/smoke/classes.csv'
num_frames = 4

train_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=num_frames, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 36)),
    dict(type='RandomResizedCrop'),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', meta_keys=('img_shape', 'vocab',
                                             'is_anchor', 'filename')),
]
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=num_frames, num_clips=1,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 32)),
    dict(type='CenterCrop', crop_size=32),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', meta_keys=('img_shape', 'vocab',
                                             'is_anchor', 'filename')),
]

train_dataloader = dict(
    batch_size=4,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='VocabVideoDataset',
        ann_file=ann_file,
        class_file=class_file,
        data_prefix=dict(video=data_root),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=4,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='VocabVideoDataset',
        ann_file=ann_file,
        class_file=class_file,
        data_prefix=dict(video=data_root),
        pipeline=test_pipeline,
        test_mode=True))
test_dataloader = val_dataloader
val_evaluator = dict(type='BaseNovelMetric')
test_evaluator = val_evaluator

default_hooks = dict(logger=dict(interval=1))
