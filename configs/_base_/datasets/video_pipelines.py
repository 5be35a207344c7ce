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
# No horizontal flip (left/right is part of an SSv2 class).
train_pipeline_noflip = [t for t in train_pipeline if t['type'] != 'Flip']

# SSv2, as released (GA2-CLIP datasets/transforms.py, utils/Augmentation.py):
# frames resized (bicubic) to exactly 240x320 (h x w), then TSN's multi-scale crop
# (GroupMultiScaleCrop: crop side = short side x one of 1, .875, .75, .66,
# width and height scales at most one step apart, 13 fixed offsets) resized
# to 224 (MMAction2 `MultiScaleCrop`), no flip, random grayscale p=0.2.
ssv2_size = (320, 240)  # MMAction2 Resize scale is (w, h)
ssv2_crop = dict(type='MultiScaleCrop', input_size=224,
                 scales=(1, .875, .75, .66), random_crop=False,
                 max_wh_scale_gap=1, num_fixed_crops=13)
train_pipeline_ssv2 = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=num_frames, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=ssv2_size, keep_ratio=False,
         interpolation='bicubic'),
    ssv2_crop,
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    dict(type='VideoRandomGrayscale', prob=0.2),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', meta_keys=meta_keys),
]

# ViFi-CLIP's training pipeline (its datasets/build.py; also for SSv2, with
# flip): short side 256, the same multi-scale crop (5 fixed offsets, its
# MMAction2 default), 224, flip, colour jitter p=0.8 (brightness .4,
# contrast .4, saturation .2, hue .1; torchvision's, the same for every
# frame), grayscale p=0.2.
vifi_train_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=num_frames, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='MultiScaleCrop', input_size=224, scales=(1, .875, .75, .66),
         random_crop=False, max_wh_scale_gap=1),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='RandomApply', prob=0.8, transforms=[
        dict(type='TorchVisionWrapper', op='ColorJitter', brightness=0.4,
             contrast=0.4, saturation=0.2, hue=0.1)]),
    dict(type='VideoRandomGrayscale', prob=0.2),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', meta_keys=meta_keys),
]

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

# SSv2 test, as released: 240x320, centre crop 224.
test_pipeline_ssv2 = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=num_frames, num_clips=1,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=ssv2_size, keep_ratio=False,
         interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', meta_keys=meta_keys),
]
