# Stage 1 of GA2-CLIP on the synthetic world: IVLP on the auxiliary classes
# (a texture never used downstream), disjoint from every downstream class,
# as the authors use 100 Kinetics-600 classes for K400.
_base_ = ['./synthetic_b2n.py']
train_dataloader = dict(
    dataset=dict(ann_file={{_base_.aux_train}},
                 class_file={{_base_.aux_classes}}, vocab_name='aux'))
test_dataloader = dict(
    dataset=dict(
        _delete_=True, type='VocabVideoDataset',
        ann_file={{_base_.aux_test}}, class_file={{_base_.aux_classes}},
        vocab_name='aux', data_prefix=dict(video={{_base_.video_root}}),
        test_mode=True, pipeline={{_base_.test_pipeline}}))
