# Base-to-novel, Kinetics-400, split s2: GA2-CLIP on CLIP ViT-L/14-336 (not a
# released setting; the ViT-B/16 recipe: AdamW, wd 1e-3, 12 epochs (2 warm-up),
# cosine; 8 clips/GPU x 8 GPUs; lr 4e-2. Seed 1024. Last epoch is tested). 336
# px inputs (datasets/pipelines_336px.py).
_base_ = [
    '../../../../configs/_base_/models/ga2clip_vit-l14-336.py',
    '../../../../configs/_base_/datasets/b2n_k400_s2.py',
    '../../../../configs/_base_/datasets/ga2_anchors_k400.py',
    '../../../../configs/_base_/datasets/pipelines_336px.py',
    '../../../../configs/_base_/schedules/b2n_12e.py',
    '../../../../configs/_base_/default_runtime.py',
]
model = dict(
    # Hard prompt: `text_head.ctx` of the ViT-L/14-336 stage-1 IVLP run on
    # K600-100
    # (projects/ga2clip/configs/stage1/ivlp_vit-l14-336_stage1_k600-k100.py).
    text_head=dict(hard_prompt=dict(
        source='ivlp_checkpoint',
        path='work_dirs/ivlp_vit-l14-336_stage1_k600-k100/epoch_12.pth')),
)
# Generic-attribute anchors (ga2_anchored_train of the anchors base, spelled
# out to add the 336 px training pipeline).
train_dataloader = dict(
    drop_last=False,
    batch_sampler={{_base_.ga2_anchored_train.batch_sampler}},
    dataset=dict(type='AnchoredDataset',
                 anchor={{_base_.ga2_anchored_train.dataset.anchor}},
                 pipeline={{_base_.train_pipeline_336}}))
val_dataloader = dict(
    dataset=dict(pipeline={{_base_.test_pipeline_336}}))
test_dataloader = dict(
    dataset=dict(pipeline={{_base_.test_pipeline_336}}))
