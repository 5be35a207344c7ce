# ATPrompt on IVLP (deep form) on CLIP ViT-B/16: the IVLP model of
# ivlp_vit-b16.py (16 context tokens, depth 9 on both sides, frozen CLIP)
# whose text prompt is
#   [SOS] [a_1..a_4] attr_1 [a_1..a_4] attr_2 [c_1..c_16] {class}. [EOS]
# Attribute words: frozen token embeddings; 4 learnable tokens before each
# (N(0, 0.01)); blocks 1..8 replace only the class-context span. The words
# are a default of the action bank (tools/atprompt_search.py picks them per
# dataset: pass its choice with
# --cfg-options "model.text_head.attributes=[w1,w2]").
# Trainable on top of IVLP: K*m*512 = 2*4*512 = 4,096.
_base_ = ['./ivlp_vit-b16.py']
model = dict(
    # merged into the base's text head: its arguments are the host's
    text_head=dict(type='ATPromptTextHead', host='IVLPTextHead',
                   attributes=['motion', 'posture'], n_attr_ctx=4,
                   attr_init_std=0.01))
