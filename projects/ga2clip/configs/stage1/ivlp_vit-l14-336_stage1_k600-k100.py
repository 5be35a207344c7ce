# GA2 hard-prompt stage 1 on CLIP ViT-L/14-336: IVLP on the 100 Kinetics-600
# classes outside K400 (16 clips per class), as
# ivlp_vit-b16_stage1_k600-k100.py. Its last checkpoint
# (work_dirs/ivlp_vit-l14-336_stage1_k600-k100/epoch_12.pth) gives the hard
# prompt (16 x 768) of the ViT-L/14-336 GA2-CLIP runs. AdamW lr 4e-2, 12
# epochs; OpenAI CLIP init.
_base_ = [
    '../../../../configs/_base_/models/ivlp_vit-l14-336.py',
    '../../../../configs/_base_/datasets/stage1_k600_k100.py',
    '../../../../configs/_base_/datasets/pipelines_336px.py',
    '../../../../configs/_base_/schedules/b2n_12e.py',
    '../../../../configs/_base_/default_runtime.py',
]
# No test set (stage 1 only gives the hard prompt): no test loop.
test_cfg = None
train_dataloader = dict(
    dataset=dict(pipeline={{_base_.train_pipeline_336}}))
val_dataloader = dict(
    dataset=dict(pipeline={{_base_.test_pipeline_336}}))
