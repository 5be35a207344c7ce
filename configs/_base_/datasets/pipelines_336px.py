# 336 px versions of video_pipelines.py's train_pipeline / test_pipeline, for
# CLIP ViT-L/14-336 (the model's input size). Same recipe, sizes scaled by
# 336/224: short side 384, random resized crop -> 336 (train), centre crop
# 336 (test). 32 frames as in video_pipelines.py (the dataset's num_frames
# option still overrides it). A config lists this file after its dataset
# base and sets the loaders' pipelines to them (names differ from
# video_pipelines.py's, so the bases do not clash): train_dataloader's to
# train_pipeline_336, val_dataloader's and test_dataloader's to
# test_pipeline_336 (b2n_k400_336px_s<N>.py does it for the base-to-novel
# leaves; stage1/ivlp_vit-l14-336_stage1_k600-k100.py itself).
meta_keys_336 = ('img_shape', 'vocab', 'is_anchor', 'subset')
train_pipeline_336 = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=32, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 384)),
    dict(type='RandomResizedCrop'),
    dict(type='Resize', scale=(336, 336), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='VideoRandomGrayscale', prob=0.2),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', meta_keys=meta_keys_336),
]
test_pipeline_336 = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=32, num_clips=1, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 384)),
    dict(type='CenterCrop', crop_size=336),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', meta_keys=meta_keys_336),
]
