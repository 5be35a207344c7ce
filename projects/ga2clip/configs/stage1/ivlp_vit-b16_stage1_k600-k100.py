# GA2 hard-prompt stage 1: IVLP on the 100 Kinetics-600 classes outside K400 (16 clips per class).
# Its last checkpoint (work_dirs/ivlp_vit-b16_stage1_k600-k100/epoch_12.pth,
# the default work dir) gives the hard prompt of the Kinetics-400 GA2-CLIP runs.
# Base-to-novel schedule (AdamW lr 4e-2, 12 epochs); OpenAI CLIP init.
_base_ = [
    '../../../../configs/_base_/models/ivlp_vit-b16.py',
    '../../../../configs/_base_/datasets/stage1_k600_k100.py',
    '../../../../configs/_base_/schedules/b2n_12e.py',
    '../../../../configs/_base_/default_runtime.py',
]
# No test set (stage 1 only gives the hard prompt): no test loop either
# (the schedule's test_cfg without a test loader makes mmengine's Runner
# raise ValueError).
test_cfg = None
