# Zero-shot evaluation on HMDB-51: val3.txt, scored in
# its full class list (classes never seen in training).
_base_ = ['./zs_eval.py']
data_root = 'data/hmdb51/videos'
test_dataloader = dict(dataset=dict(
    ann_file='projects/ga2clip/data/hmdb_splits/val3.txt',
    class_file='projects/ga2clip/data/labels/hmdb_51_labels_fixed.csv',
    data_prefix=dict(video=data_root)))
