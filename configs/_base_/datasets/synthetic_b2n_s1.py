# Synthetic base-to-novel, split s1 (4 clips per base class, disjoint
# from the other splits' clips).
_base_ = ['./synthetic_b2n.py']
train_dataloader = dict(dataset=dict(ann_file={{_base_.train_list_s1}}))
