# GA2-CLIP stage 1 on the synthetic world: IVLP on the auxiliary classes
# (disjoint from all downstream classes). Its `text_head.ctx` becomes the
# GA2 hard prompt (configs/_base_/models/ga2clip_synth.py).
_base_ = [
    '../../../../configs/_base_/models/ivlp_synth.py',
    '../../../../configs/_base_/datasets/synthetic_stage1_aux.py',
    '../../../../configs/_base_/schedules/synth_6e.py',
    '../../../../configs/_base_/default_runtime.py',
]
