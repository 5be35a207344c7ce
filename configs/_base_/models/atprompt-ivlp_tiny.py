# ATPrompt on IVLP on the tiny random open_clip model `ga2clip-tiny` (tests):
# ivlp_tiny.py with 2 attribute words (one of 3 BPE tokens), 2 learnable
# tokens before each, class context 4 tokens to depth 2.
_base_ = ['./ivlp_tiny.py']
model = dict(
    # merged into the base's text head: its arguments are the host's
    text_head=dict(type='ATPromptTextHead', host='IVLPTextHead',
                   attributes=['motion', 'technique'], n_attr_ctx=2))
