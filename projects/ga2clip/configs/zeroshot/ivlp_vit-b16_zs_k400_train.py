# Zero-shot protocol, training: IVLP (ViFi-CLIP VL prompting) on all of Kinetics-400 (your
# train list). Test the checkpoint with the zs_eval_* configs (HMDB-51
# val1-3, UCF-101 val1-3, K600 ZS splits 1-3).
# Schedule: schedules/zs_k400_10e.py (the base-to-novel optimiser, 10
# epochs of full K400, 2 warm-up, cosine).
_base_ = [
    '../../../../configs/_base_/models/ivlp_vit-b16.py',
    '../../../../configs/_base_/datasets/zs_k400_train.py',
    '../../../../configs/_base_/schedules/zs_k400_10e.py',
    '../../../../configs/_base_/default_runtime.py',
]
