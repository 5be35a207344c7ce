# ATPrompt on GA2 on the tiny synthetic CLIP: ga2clip_synth.py (hard prompt
# of the stage-1 IVLP run on the auxiliary classes) with the attribute span
# of atprompt-ivlp_synth.py; the base keeps its hard prompt path.
_base_ = ['./ga2clip_synth.py']
model = dict(
    # merged into the base's text head: its arguments are the host's
    text_head=dict(type='ATPromptTextHead', host='GA2TextHead',
                   attributes=['texture', 'size'], n_attr_ctx=2))
