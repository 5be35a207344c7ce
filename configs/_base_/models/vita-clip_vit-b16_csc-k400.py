# Vita-CLIP on CLIP ViT-B/16 as released for supervised Kinetics-400
# (vita-clip_vit-b16.py plus): class-specific text context (CSC: 8 tokens x
# the 400 K400 classes) and a trainable logit_scale from log(1/0.07), as the
# released code trains it.
_base_ = ['./vita-clip_vit-b16.py']
model = dict(
    text_head=dict(
        csc=True,
        class_names='projects/ga2clip/data/labels/kinetics_400_labels.csv',
        logit_scale=dict(init=2.6592600369327779)))
