# ATPrompt on GA2-CLIP on CLIP ViT-B/16: ga2clip_vit-b16.py (GA2 text head,
# hard prompt + coupling MLP on the 16 class-context tokens, deep prompts to
# depth 9, anchors as configured there) with the attribute span of
# atprompt-ivlp_vit-b16.py before the class context:
#   [SOS] [a_1..a_4] attr_1 [a_1..a_4] attr_2 MLP(hard, soft)_1..16 {class}.
# Leaves set model.text_head.hard_prompt as for GA2-CLIP.
_base_ = ['./ga2clip_vit-b16.py']
model = dict(
    # merged into the base's text head: its arguments are the host's
    text_head=dict(type='ATPromptTextHead', host='GA2TextHead',
                   attributes=['motion', 'posture'], n_attr_ctx=4,
                   attr_init_std=0.01))
