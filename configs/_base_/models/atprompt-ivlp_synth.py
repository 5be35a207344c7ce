# ATPrompt on IVLP on the tiny synthetic CLIP: ivlp_synth.py (4 prompt tokens
# each side, depth 3 of 4, context from 'a video of a') with 2 attribute
# words, 2 learnable tokens before each (context length 32: keep m small).
_base_ = ['./ivlp_synth.py']
model = dict(
    # merged into the base's text head: its arguments are the host's
    text_head=dict(type='ATPromptTextHead', host='IVLPTextHead',
                   attributes=['shape', 'color'], n_attr_ctx=2))
