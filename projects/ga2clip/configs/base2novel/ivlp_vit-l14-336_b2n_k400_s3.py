# Base-to-novel, Kinetics-400, split s3: IVLP on CLIP ViT-L/14-336 (not a
# released setting; the ViT-B/16 recipe: AdamW, wd 1e-3, 12 epochs (2 warm-up),
# cosine; 8 clips/GPU x 8 GPUs; lr 4e-2. Seed 1024. Last epoch is tested). 336
# px inputs (datasets/pipelines_336px.py).
_base_ = [
    '../../../../configs/_base_/models/ivlp_vit-l14-336.py',
    '../../../../configs/_base_/datasets/b2n_k400_s3.py',
    '../../../../configs/_base_/datasets/pipelines_336px.py',
    '../../../../configs/_base_/schedules/b2n_12e.py',
    '../../../../configs/_base_/default_runtime.py',
]
train_dataloader = dict(
    dataset=dict(pipeline={{_base_.train_pipeline_336}}))
val_dataloader = dict(
    dataset=dict(pipeline={{_base_.test_pipeline_336}}))
test_dataloader = dict(
    dataset=dict(pipeline={{_base_.test_pipeline_336}}))
