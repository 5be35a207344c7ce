# Base-to-novel on the embedded synthetic world (ga2clip.synthetic; made by
# `python tools/synthetic/generate_world.py --out data/synthetic/world`).
# World v2: videos of 8 frames of 32x32, of which 4 are sampled (uniform
# segments; the demo's CPU budget). Train: 4 clips per base class (split s1
# here; synthetic_b2n_s{1,2,3}.py pick the split: disjoint clips, other
# seed).
# Test in ONE run: base test clips in the base vocabulary, novel test clips
# in the novel vocabulary (two closed sets); BaseNovelMetric -> base, novel,
# HM. No validation during training: the last epoch is tested (no selection
# on the test split).
# Also defines the stage-1 auxiliary lists and the anchor set, for the
# configs that need them. The world's folder is `data/synthetic/world`, or
# the environment variable GA2CLIP_SYNTH_ROOT (tools/demo.py --quick uses a
# reduced world elsewhere).
data_root = '{{$GA2CLIP_SYNTH_ROOT:data/synthetic/world}}'
video_root = data_root + '/videos'
train_list_s1 = data_root + '/base_train_s1.txt'
train_list_s2 = data_root + '/base_train_s2.txt'
train_list_s3 = data_root + '/base_train_s3.txt'
aux_train = data_root + '/aux_train.txt'
aux_test = data_root + '/aux_test.txt'
aux_classes = data_root + '/aux_classes.csv'
# Generic-attribute anchors: 'irrelevant' clips unrelated to any downstream
# class (no shape, no named colour), label 0, vocabulary 'anchor'. GA2
# configs write `train_dataloader = {{_base_.ga2_anchored_train}}` (as with
# ga2_anchors.py): their training set becomes AnchoredDataset, batched by
# AnchorBatchSampler(num_anchors).
num_anchors = 4
anchor_dataset = dict(
    type='VocabVideoDataset',
    ann_file=data_root + '/anchor.txt',
    class_file=data_root + '/anchor_classes.csv',
    vocab_name='anchor', is_anchor=True,
    data_prefix=dict(video=video_root), pipeline=[])
ga2_anchored_train = dict(
    batch_sampler=dict(type='AnchorBatchSampler', num_anchors=num_anchors),
    dataset=dict(type='AnchoredDataset', anchor=anchor_dataset))
num_frames = 4
meta_keys = ('img_shape', 'vocab', 'is_anchor', 'subset')
train_list = train_list_s1
base_classes = data_root + '/base_classes.csv'
novel_classes = data_root + '/novel_classes.csv'

train_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=num_frames, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
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
    batch_size=32, num_workers=0, persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='VocabVideoDataset', ann_file=train_list,
        class_file=base_classes, vocab_name='base',
        data_prefix=dict(video=video_root), pipeline=train_pipeline))
val_dataloader = None
val_cfg = None
val_evaluator = None
test_dataloader = dict(
    batch_size=64, num_workers=0, persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='VocabConcatDataset',
        pipeline=test_pipeline,
        datasets=[
            dict(type='VocabVideoDataset',
                 ann_file=data_root + '/base_test.txt',
                 class_file=base_classes, vocab_name='base',
                 data_prefix=dict(video=video_root), test_mode=True,
                 pipeline=[]),
            dict(type='VocabVideoDataset',
                 ann_file=data_root + '/novel_test.txt',
                 class_file=novel_classes, vocab_name='novel',
                 data_prefix=dict(video=video_root), test_mode=True,
                 pipeline=[]),
        ]))
test_evaluator = dict(type='BaseNovelMetric')
