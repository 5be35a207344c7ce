# Base-to-novel, Kinetics-400, split s3: GA2-CLIP on CLIP ViT-L/14-336 (not a
# released setting; the ViT-B/16 recipe: AdamW, wd 1e-3, 12 epochs (2 warm-up),
# cosine; 8 clips/GPU x 8 GPUs; lr 4e-2. Seed 1024. Last epoch is tested). 336
# px inputs (datasets/b2n_k400_336px_s3.py).
_base_ = [
    '../../../../configs/_base_/models/ga2clip_vit-l14-336.py',
    '../../../../configs/_base_/datasets/b2n_k400_336px_s3.py',
    '../../../../configs/_base_/datasets/ga2_anchors_k400.py',
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
# Generic-attribute anchors (see the anchors base); the training pipeline
# stays the dataset base's 336 px one.
train_dataloader = {{_base_.ga2_anchored_train}}
