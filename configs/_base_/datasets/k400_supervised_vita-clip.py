# Supervised Kinetics-400, Vita-CLIP's released data recipe
# (TalalWasim/Vita-CLIP, train_scripts/k400_train.sh): all of K400 to train
# (zs_k400_train.py's lists), 8 frames (train, validation and test), 32
# clips/GPU (x 8 GPUs = 256), video_pipelines.py's training pipeline +
# RandAugment m7-n4 (torchvision's, the same ops on every frame of a clip;
# docs/vita_clip.md). Test: the whole K400 validation list, 1 view x 8
# frames.
_base_ = ['./zs_k400_train.py']
train_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=8, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='RandomResizedCrop'),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='TorchVisionWrapper', op='RandAugment', num_ops=4,
         magnitude=7, num_magnitude_bins=11),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', meta_keys={{_base_.meta_keys}}),
]
train_dataloader = dict(batch_size=32,
                        dataset=dict(num_frames=8, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(num_frames=8))
test_dataloader = dict(dataset=dict(num_frames=8))
