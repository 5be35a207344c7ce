# Video pipelines of the GA2-CLIP / ViFi-CLIP recipe (METHOD.md), shared by
# every dataset config. Frames: `num_frames` (32, as released; 8/16 by
# `--cfg-options train_dataloader.dataset.num_frames=8
# val_dataloader.dataset.num_frames=8 test_dataloader.dataset.num_frames=8`,
# or `tools/run_protocol.py --num-frames 8`). Test views: 1 clip x 1 centre
# crop; more with `test_dataloader.dataset.num_clips=N` and
# `test_dataloader.dataset.num_crops=3` (or 10); scores are averaged over
# the views by the model.
num_frames = 32
meta_keys = ('img_shape', 'vocab', 'is_anchor', 'subset')

# Training: TSN-style sampling (one random frame in each of `num_frames`
# equal segments, MMAction2 `UniformSample`), short side 256, random resized
# crop to 224, horizontal flip, random grayscale p=0.2 (on the whole clip).
train_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=num_frames, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='RandomResizedCrop'),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='VideoRandomGrayscale', prob=0.2),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', meta_keys=meta_keys),
]
# SSv2: no horizontal flip (left/right is part of the class).
train_pipeline_noflip = [t for t in train_pipeline if t['type'] != 'Flip']

# Test: the middle frame of each segment, short side 256, centre crop 224.
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=num_frames, num_clips=1,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', meta_keys=meta_keys),
]
