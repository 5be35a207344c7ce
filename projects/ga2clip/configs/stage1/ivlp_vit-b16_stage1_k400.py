# GA2 hard-prompt stage 1: IVLP on Kinetics-400 (16 clips per class).
# Its last checkpoint (work_dirs/ivlp_vit-b16_stage1_k400/epoch_12.pth,
# the default work dir) gives the hard prompt of the HMDB-51, UCF-101, SSv2 and zero-shot GA2-CLIP runs.
# Base-to-novel schedule (AdamW lr 4e-2, 12 epochs); OpenAI CLIP init.
_base_ = [
    '../../../../configs/_base_/models/ivlp_vit-b16.py',
    '../../../../configs/_base_/datasets/stage1_k400.py',
    '../../../../configs/_base_/schedules/b2n_12e.py',
    '../../../../configs/_base_/default_runtime.py',
]
