# Zero-shot evaluation on Kinetics-600 (160 classes outside K400): ZS_split1_K600_eval.txt, scored in
# its full class list (classes never seen in training).
_base_ = ['./zs_eval.py']
data_root = 'data/kinetics600/videos'
test_dataloader = dict(dataset=dict(
    ann_file='projects/ga2clip/data/k600_splits/ZS_split1_K600_eval.txt',
    class_file='projects/ga2clip/data/labels/ZS_split1_K600.csv',
    data_prefix=dict(video=data_root)))
