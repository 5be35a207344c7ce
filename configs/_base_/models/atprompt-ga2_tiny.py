# ATPrompt on GA2 on the tiny random `ga2clip-tiny` (tests): ga2clip_tiny.py
# (hard prompt from a phrase) with the attribute span of atprompt-ivlp_tiny.
_base_ = ['./ga2clip_tiny.py']
model = dict(
    # merged into the base's text head: its arguments are the host's
    text_head=dict(type='ATPromptTextHead', host='GA2TextHead',
                   attributes=['motion', 'technique'], n_attr_ctx=2))
