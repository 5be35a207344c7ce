# Base-to-novel, Kinetics-400, split s3: IVLP on CLIP ViT-L/14-336 (not a
# released setting; the ViT-B/16 recipe: AdamW, wd 1e-3, 12 epochs (2 warm-up),
# cosine; 8 clips/GPU x 8 GPUs; lr 4e-2. Seed 1024. Last epoch is tested). 336
# px inputs (datasets/b2n_k400_336px_s3.py).
_base_ = [
    '../../../../configs/_base_/models/ivlp_vit-l14-336.py',
    '../../../../configs/_base_/datasets/b2n_k400_336px_s3.py',
    '../../../../configs/_base_/schedules/b2n_12e.py',
    '../../../../configs/_base_/default_runtime.py',
]
