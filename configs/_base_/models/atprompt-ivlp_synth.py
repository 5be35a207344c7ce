# ATPrompt on IVLP on the tiny synthetic CLIP: ivlp_synth.py (4 prompt tokens
# each side, depth 3 of 4, context from 'a video of a') with 2 attribute
# words, 2 learnable tokens before each (context length 32: keep m small).
# The words are the attribute search's choice on the s1 training videos
# (bank shape,color,texture,pattern,size; 25 combinations, 100 steps):
#   python tools/atprompt_search.py \
#     projects/ga2clip/configs/synthetic/atprompt-ivlp_synth_b2n_s1.py \
#     --out work_dirs/atprompt_search_synth \
#     --bank shape,color,texture,pattern,size --steps 100 --batch-size 64
_base_ = ['./ivlp_synth.py']
model = dict(
    # merged into the base's text head: its arguments are the host's
    text_head=dict(type='ATPromptTextHead', host='IVLPTextHead',
                   attributes=['texture', 'size'], n_attr_ctx=2))
