# Zero-shot protocol, training: ATPrompt on GA2-CLIP on all of Kinetics-400 (your
# train list). Test the checkpoint with the zs_eval_* configs (HMDB-51
# val1-3, UCF-101 val1-3, K600 ZS splits 1-3).
# ATPrompt: attribute words (model.text_head.attributes; choose them with
# tools/atprompt_search.py on this training set) before the class context.
# No published video numbers (image only: docs/atprompt.md).
# Schedule: schedules/zs_k400_10e.py (the base-to-novel optimiser, 10
# epochs of full K400, 2 warm-up, cosine).
_base_ = [
    '../../../../configs/_base_/models/atprompt-ga2_vit-b16.py',
    '../../../../configs/_base_/datasets/zs_k400_train.py',
    '../../../../configs/_base_/datasets/ga2_anchors.py',
    '../../../../configs/_base_/schedules/zs_k400_10e.py',
    '../../../../configs/_base_/default_runtime.py',
]
model = dict(
    # Hard prompt from the K400 stage-1 run (not K600-100: 66 of its 100
    # classes are in the K600 zero-shot test splits).
    text_head=dict(hard_prompt=dict(
        source='ivlp_checkpoint',
        path='work_dirs/ivlp_vit-b16_stage1_k400/epoch_12.pth')))
# Generic-attribute anchors: the training set wrapped in AnchoredDataset,
# `num_anchors` anchor clips per GPU per step (see the anchors base).
train_dataloader = {{_base_.ga2_anchored_train}}
