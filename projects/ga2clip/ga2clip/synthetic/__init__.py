"""The embedded synthetic compositional video world and its tiny CLIP.

- :mod:`.world`: vocabulary, base/novel/aux/anchor class partition, renderer
  (web and downstream domains), captions;
- :mod:`.generate`: :func:`generate_world` writes the downstream world
  (mp4 videos, ``<relative path> <label>`` lists, ``id,name`` class csvs);
- :mod:`.pretrain`: contrastive pretraining of the tiny CLIP on the
  web-like captioned image set;
- :mod:`.zeroshot`: frame-mean zero-shot evaluation on the written world.

See ``docs/synthetic_world.md``.
"""
from .generate import (ALL_SPLITS, DEFAULT_COUNTS, generate_world,
                       read_video, render_split, write_mp4)
from .world import (ANCHOR_CLASS, AUX_TEXTURES, BASE_COLOURS, BASE_SHAPES,
                    COLOURS, DOWNSTREAM, NOVEL_COLOURS, NOVEL_ONLY_CONCEPTS,
                    NOVEL_SHAPES, SHAPES, TEXTURES, WEB, DomainShift,
                    all_classes, aux_classes, base_classes, captions,
                    class_sets, novel_classes, render_clip, sample_spec)

__all__ = [
    'ALL_SPLITS', 'DEFAULT_COUNTS', 'generate_world', 'read_video',
    'render_split', 'write_mp4', 'ANCHOR_CLASS', 'AUX_TEXTURES',
    'BASE_COLOURS', 'BASE_SHAPES', 'COLOURS', 'DOWNSTREAM', 'NOVEL_COLOURS',
    'NOVEL_ONLY_CONCEPTS', 'NOVEL_SHAPES', 'SHAPES', 'TEXTURES', 'WEB',
    'DomainShift', 'all_classes', 'aux_classes', 'base_classes', 'captions',
    'class_sets', 'novel_classes', 'render_clip', 'sample_spec',
]
