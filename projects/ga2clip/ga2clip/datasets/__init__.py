"""Vocabulary-aware datasets, K-shot sampling and anchor batches.

Importing this package registers ``VocabVideoDataset``,
``VocabConcatDataset``, ``AnchoredDataset`` (``mmaction.registry.DATASETS``),
``AnchorBatchSampler`` (``DATA_SAMPLERS``) and ``VideoRandomGrayscale``
(``TRANSFORMS``).
"""
from mmaction.registry import DATA_SAMPLERS, DATASETS, TRANSFORMS  # noqa: F401

from .anchors import AnchorBatchSampler, AnchoredDataset
from .class_lists import (prompt_name, read_class_names, read_video_list,
                          write_class_names, write_video_list)
from .kshot import KShotSampler, holdout_split, split_classes
from .transforms import VideoRandomGrayscale
from .vocab_dataset import (VocabConcatDataset, VocabVideoDataset,
                            configure_pipeline)

__all__ = [
    'AnchorBatchSampler', 'AnchoredDataset', 'KShotSampler',
    'VideoRandomGrayscale', 'VocabConcatDataset', 'VocabVideoDataset',
    'configure_pipeline', 'holdout_split', 'prompt_name', 'read_class_names',
    'read_video_list', 'split_classes', 'write_class_names',
    'write_video_list'
]
