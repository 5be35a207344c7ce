# The temporal split of the embedded synthetic world (ga2clip.synthetic;
# written with the rest of the world by
# `python tools/synthetic/generate_world.py --out data/synthetic/world`).
# Classes '<colour> <shape> moving <motion>' differ from their time-reversed
# twin only in the order of the frames (docs/synthetic_world.md, "Temporal
# split"). Base vocabulary: motions left/right (16 classes); novel vocabulary:
# the novel-only motions up/down (16 classes). 4 of 8 frames of 32x32. Train: 8
# clips per base class (split s1 here; synthetic_temporal_s{1,2,3}.py pick
# the split: disjoint clips, other seed). Test in ONE run: base test clips in
# the temporal base vocabulary, novel test clips in the temporal novel
# vocabulary; BaseNovelMetric -> base, novel, HM, and TwinOrderMetric ->
# base/novel pair_top1 (class or its twin) and order_acc (the frame-order
# accuracy between twins; order-invariant: 50). No validation during
# training (the last epoch is tested). The anchor set and the stage-1
# auxiliary lists are synthetic_b2n.py's (GA2 leaves use them unchanged).
_base_ = ['./synthetic_b2n.py']
data_root = '{{$GA2CLIP_SYNTH_ROOT:data/synthetic/world}}'
video_root = data_root + '/videos'
train_list_s1 = data_root + '/temporal_train_s1.txt'
train_list_s2 = data_root + '/temporal_train_s2.txt'
train_list_s3 = data_root + '/temporal_train_s3.txt'
train_list = train_list_s1
base_classes = data_root + '/temporal_base_classes.csv'
novel_classes = data_root + '/temporal_novel_classes.csv'
num_frames = 4
meta_keys = ('img_shape', 'vocab', 'is_anchor', 'subset')

# NO Flip here (synthetic_b2n.py flips horizontally): a horizontal flip turns
# a clip of 'moving left' into one of 'moving right' under the wrong label.
train_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=num_frames, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', meta_keys=meta_keys),
]
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=num_frames, num_clips=1,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', meta_keys=meta_keys),
]

train_dataloader = dict(
    dataset=dict(
        type='VocabVideoDataset', ann_file=train_list,
        class_file=base_classes, vocab_name='base',
        data_prefix=dict(video=video_root), pipeline=train_pipeline))
test_dataloader = dict(
    dataset=dict(
        type='VocabConcatDataset',
        pipeline=test_pipeline,
        datasets=[
            dict(type='VocabVideoDataset',
                 ann_file=data_root + '/temporal_base_test.txt',
                 class_file=base_classes, vocab_name='base',
                 data_prefix=dict(video=video_root), test_mode=True,
                 pipeline=[]),
            dict(type='VocabVideoDataset',
                 ann_file=data_root + '/temporal_novel_test.txt',
                 class_file=novel_classes, vocab_name='novel',
                 data_prefix=dict(video=video_root), test_mode=True,
                 pipeline=[]),
        ]))
# Base/novel/HM as in synthetic_b2n.py, and the frame-order accuracy between
# each class and its time-reversed twin (docs/synthetic_world.md).
test_evaluator = [
    dict(type='BaseNovelMetric'),
    dict(type='TwinOrderMetric',
         class_files=dict(base=base_classes, novel=novel_classes)),
]
