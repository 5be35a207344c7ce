# Base-to-novel Kinetics-400, split s2, at 336 px (CLIP ViT-L/14-336):
# b2n_k400_s2.py with pipelines_336px.py's pipelines in the three loaders.
# A GA2 leaf's `train_dataloader = {{_base_.ga2_anchored_train}}` keeps the
# 336 px training pipeline (the anchors base sets no pipeline).
_base_ = ['./b2n_k400_s2.py', './pipelines_336px.py']
train_dataloader = dict(dataset=dict(pipeline={{_base_.train_pipeline_336}}))
val_dataloader = dict(dataset=dict(pipeline={{_base_.test_pipeline_336}}))
test_dataloader = dict(dataset=dict(pipeline={{_base_.test_pipeline_336}}))
