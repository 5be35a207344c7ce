# Zero-shot evaluation, k600_s1: ATPrompt on IVLP trained on K400
# (atprompt-ivlp_vit-b16_zs_k400_train.py): `tools/test.py CONFIG <its checkpoint>`
# (the GA2 hard prompt is in the checkpoint).
# ATPrompt: attribute words (model.text_head.attributes; choose them with
# tools/atprompt_search.py on this training set) before the class context.
# No published video numbers (image only: docs/atprompt.md).
_base_ = [
    '../../../../configs/_base_/models/atprompt-ivlp_vit-b16.py',
    '../../../../configs/_base_/datasets/zs_eval_k600_s1.py',
    '../../../../configs/_base_/default_runtime.py',
]
