# Zero-shot tiny synthetic CLIP on the synthetic base-to-novel test set
# (test only: `python tools/test.py THIS none`). The test set is the same
# for every split, so one run serves s1-s3.
_base_ = [
    '../../../../configs/_base_/models/clip_zeroshot_synth.py',
    '../../../../configs/_base_/datasets/synthetic_b2n.py',
    '../../../../configs/_base_/schedules/synth_12e.py',
    '../../../../configs/_base_/default_runtime.py',
]
train_dataloader = None
train_cfg = None
optim_wrapper = None
param_scheduler = None
