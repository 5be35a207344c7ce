# Synthetic temporal split, training split s1 (16 clips per temporal base
# class, disjoint from the other splits' clips).
_base_ = ['./synthetic_temporal.py']
train_dataloader = dict(dataset=dict(ann_file={{_base_.train_list_s1}}))
