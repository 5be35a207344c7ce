# Zero-shot evaluation on UCF-101: val3.txt, scored in
# its full class list (classes never seen in training).
_base_ = ['./zs_eval.py']
data_root = 'data/ucf101/videos'
test_dataloader = dict(dataset=dict(
    ann_file='projects/ga2clip/data/ucf_splits/val3.txt',
    class_file='projects/ga2clip/data/labels/ucf_101_labels.csv',
    data_prefix=dict(video=data_root)))
