# Base-to-novel protocol on Something-Something v2 (ViFi-CLIP splits; see
# projects/ga2clip/data/README.md). Train: 16 clips per base class
# (`train_list`: split s1 here; b2n_ssv2_s{1,2,3}.py pick the split).
# Test, in ONE run (b2n.py): base_val.txt in the base vocabulary and
# novel_val.txt in the novel vocabulary.
# Validation (honest model selection, never the test videos): 2 clips per
# base class held out from your full training list
# (tools/data/prepare_videos.py writes it; its labels index the full
# class list and are mapped to the base classes by name),
# minus the split's training clips.
# Released SSv2 recipe (GA2-CLIP ssv2_*.yaml): 4 clips per GPU; frames
# 240x320 -> multi-scale crop 224, no flip (train_pipeline_ssv2); test
# 240x320 -> centre crop 224 (test_pipeline_ssv2), see video_pipelines.py.
_base_ = ['./b2n.py']
data_root = 'data/sthv2/videos'
split_dir = 'projects/ga2clip/data/base2novel/ssv2_splits'
base_classes = 'projects/ga2clip/data/labels/ssv2_174_base_labels.csv'
novel_classes = 'projects/ga2clip/data/labels/ssv2_174_novel_labels.csv'
full_classes = 'projects/ga2clip/data/labels/ssv2_labels.csv'
train_list = split_dir + '/fs_base_s1_train.txt'
val_pool = 'data/sthv2/annotations/ssv2_train.txt'

train_dataloader = dict(batch_size=4, dataset=dict(
    ann_file=train_list, class_file=base_classes,
    data_prefix=dict(video=data_root),
    pipeline={{_base_.train_pipeline_ssv2}}))  # released SSv2 recipe
val_dataloader = dict(dataset=dict(
    ann_file=val_pool, source_class_file=full_classes,
    class_file=base_classes, exclude_ann_files=[train_list],
    holdout=dict(per_class=2, seed=0, part='held'),
    data_prefix=dict(video=data_root),
    pipeline={{_base_.test_pipeline_ssv2}}))
test_dataloader = dict(dataset=dict(
    pipeline={{_base_.test_pipeline_ssv2}}, datasets=[
    dict(type='VocabVideoDataset', ann_file=split_dir + '/base_val.txt',
         class_file=base_classes, vocab_name='base',
         data_prefix=dict(video=data_root), test_mode=True, pipeline=[]),
    dict(type='VocabVideoDataset', ann_file=split_dir + '/novel_val.txt',
         class_file=novel_classes, vocab_name='novel',
         data_prefix=dict(video=data_root), test_mode=True, pipeline=[]),
]))
