# The pretrained tiny CLIP of the embedded synthetic world
# (`ga2clip-synth`: ViT width 128, 4 layers, patch 8, 32 px; text width 128,
# 4 layers, context 32; logit scale 100), shipped in checkpoints/ and
# reproducible with tools/synthetic/pretrain_clip.py. Another file: set the
# environment variable GA2CLIP_SYNTH_CLIP.
clip = dict(name='ga2clip-synth',
            pretrained='{{$GA2CLIP_SYNTH_CLIP:checkpoints/ga2clip-synth.pt}}')
data_preprocessor = dict(
    type='ActionDataPreprocessor',
    mean=[122.771, 116.746, 104.094],
    std=[68.5, 66.632, 70.323],
    format_shape='NCTHW')
