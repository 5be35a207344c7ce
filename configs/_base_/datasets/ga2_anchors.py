# GA2-CLIP generic-attribute anchors: the authors' "irrelevant video set"
# (4,595 Kinetics-600 clips, label 0) and negative class `else`. Paths in
# the list are the authors' layout (vol_XX/<ytid>_<start>_<end>.mp4);
# tools/data/prepare_videos.py k600 links your K600 files there.
# A GA2 experiment config inherits this file next to its dataset base and
# writes `train_dataloader = {{_base_.ga2_anchored_train}}`: mmengine merges
# that dict into the dataset base's train_dataloader, so the training set
# becomes AnchoredDataset(<the base's VocabVideoDataset arguments>,
# anchor=anchor_dataset), batched by AnchorBatchSampler(num_anchors)
# (one anchor clip per GPU per step, as released).
anchor_root = 'data/kinetics600/anchor_videos'
num_anchors = 1
anchor_dataset = dict(
    type='VocabVideoDataset',
    ann_file='projects/ga2clip/data/ga2clip/k600_gaa_anchor_videos.txt',
    class_file='projects/ga2clip/data/ga2clip/gaa_negative_labels.csv',
    vocab_name='anchor', is_anchor=True,
    data_prefix=dict(video=anchor_root), pipeline=[])
# The batch sampler drops the last partial batch (as released); the
# DataLoader itself takes no drop_last next to a batch sampler.
ga2_anchored_train = dict(
    drop_last=False,
    batch_sampler=dict(type='AnchorBatchSampler', num_anchors=num_anchors,
                       drop_last=True),
    dataset=dict(type='AnchoredDataset', anchor=anchor_dataset))
