"""Generic-attribute anchor clips riding in the training batches.

``AnchoredDataset`` puts an anchor set (GA2-CLIP: 4,594 irrelevant
Kinetics-600 clips, one negative class ``else``) behind the main dataset;
``AnchorBatchSampler`` adds ``num_anchors`` anchor indices to every batch of
main indices. ``len(AnchoredDataset) == len(main)``, so the (distributed)
sampler shards and shuffles only the main samples, and an epoch is still one
pass over the main data.
"""
from typing import Iterator, List, Optional

import numpy as np
from mmengine.dist import get_dist_info
from torch.utils.data import BatchSampler, Sampler

from mmaction.registry import DATA_SAMPLERS, DATASETS

from .vocab_dataset import _build, _DatasetGroup


@DATASETS.register_module()
class AnchoredDataset(_DatasetGroup):
    """Main dataset + anchor dataset. Indices ``>= len(main)`` address the
    anchor set; the anchor samples carry ``is_anchor=True`` (the anchor
    dataset config gets ``is_anchor=True``, and its list/class file should
    give label 0 and vocabulary ``'anchor'``).

    The main dataset is given either nested, ``dataset=dict(type=...)``, or
    flat: the :class:`VocabVideoDataset` arguments themselves
    (``AnchoredDataset(anchor=..., ann_file=..., class_file=...,
    pipeline=...)``). The flat form lets a config turn its base's training
    set into an anchored one by merging ``type='AnchoredDataset'`` and
    ``anchor`` into it (``configs/_base_/datasets/ga2_anchors.py``).

    Args:
        anchor (dict): anchor dataset config.
        dataset (dict, optional): main dataset config (nested form).
        pipeline (list, optional): replaces the pipeline of both (flat
            form: the main dataset's pipeline, also given to the anchors).
        num_frames (int, optional): frame count of both.
        **main_args: flat form: the main ``VocabVideoDataset``'s arguments.
    """

    def __init__(self,
                 dataset: Optional[dict] = None,
                 anchor: Optional[dict] = None,
                 pipeline: Optional[list] = None,
                 num_frames: Optional[int] = None,
                 lazy_init: bool = False,
                 **main_args):
        if anchor is None:
            raise TypeError('AnchoredDataset needs anchor=dict(...) (the '
                            'anchor set; configs/_base_/datasets/'
                            'ga2_anchors.py defines one)')
        if dataset is None:
            if not main_args:
                raise TypeError(
                    'AnchoredDataset needs the main dataset: dataset='
                    'dict(...) or its VocabVideoDataset arguments flat '
                    '(ann_file=..., class_file=..., ...)')
            dataset = dict(type='VocabVideoDataset', **main_args)
        elif main_args:
            raise TypeError(
                'AnchoredDataset: main dataset given both as dataset=... '
                f'and flat ({", ".join(sorted(main_args))}); keep one form')
        opts = dict(pipeline=pipeline, num_frames=num_frames)
        self.dataset = _build(dataset, **opts)
        if isinstance(anchor, dict):
            anchor = dict(anchor, is_anchor=True)
        self.anchor = _build(anchor, **opts)
        self.datasets = [self.dataset, self.anchor]
        if len(self.anchor) == 0:
            raise ValueError('AnchoredDataset: the anchor set is empty')

    @property
    def metainfo(self) -> dict:
        return self.dataset.metainfo

    @property
    def num_anchor_samples(self) -> int:
        return len(self.anchor)

    def __len__(self) -> int:
        return len(self.dataset)

    def get_data_info(self, idx: int) -> dict:
        if idx < len(self.dataset):
            return self.dataset.get_data_info(idx)
        info = self.anchor.get_data_info(idx - len(self.dataset))
        info['is_anchor'] = True
        return info

    def __getitem__(self, idx: int):
        if idx < len(self.dataset):
            return self.dataset[idx]
        return self.anchor[idx - len(self.dataset)]


def _find_anchored(dataset):
    seen = 0
    while dataset is not None and seen < 8:
        if isinstance(dataset, AnchoredDataset):
            return dataset
        dataset = getattr(dataset, 'dataset', None)
        seen += 1
    return None


@DATA_SAMPLERS.register_module()
class AnchorBatchSampler(BatchSampler):
    """Batches of ``batch_size`` main indices (from ``sampler``) plus
    ``num_anchors`` anchor indices.

    Anchor indices are drawn with ``numpy.random.default_rng((seed, epoch,
    rank))`` (seed from ``seed`` or the sampler's seed; epoch from the
    sampler's ``epoch``, which ``DistSamplerSeedHook`` sets), so runs are
    reproducible and ranks draw different anchors. Build it in a config as
    ``train_dataloader.batch_sampler = dict(type='AnchorBatchSampler',
    num_anchors=1)``; mmengine passes ``sampler`` and ``batch_size``.

    Args:
        sampler (Sampler): sampler of the main indices (over an
            :class:`AnchoredDataset`).
        batch_size (int): main clips per batch.
        num_anchors (int): anchor clips added to every batch.
        drop_last (bool): drop the last incomplete batch.
        seed (int, optional): overrides the sampler's seed.
    """

    def __init__(self,
                 sampler: Sampler,
                 batch_size: int,
                 num_anchors: int = 1,
                 drop_last: bool = False,
                 seed: Optional[int] = None) -> None:
        super().__init__(sampler, batch_size, drop_last)
        dataset = _find_anchored(getattr(sampler, 'dataset', None))
        if dataset is None and num_anchors > 0:
            raise TypeError(
                'AnchorBatchSampler needs a sampler over an AnchoredDataset '
                '(train_dataloader.dataset.type="AnchoredDataset")')
        if num_anchors < 0:
            raise ValueError(f'num_anchors must be >= 0, got {num_anchors}')
        self.num_anchors = num_anchors
        self.offset = len(dataset) if dataset is not None else 0
        self.num_anchor_samples = (
            dataset.num_anchor_samples if dataset is not None else 0)
        self.seed = seed
        self._calls = 0

    def _rng(self) -> np.random.Generator:
        seed = self.seed
        if seed is None:
            seed = getattr(self.sampler, 'seed', None)
        seed = 0 if seed is None else int(seed)
        epoch = getattr(self.sampler, 'epoch', None)
        if epoch is None:
            epoch = self._calls
        rank, _ = get_dist_info()
        return np.random.default_rng((seed, int(epoch), rank))

    def _anchors(self, rng) -> List[int]:
        if self.num_anchors == 0:
            return []
        picks = rng.integers(0, self.num_anchor_samples, self.num_anchors)
        return [self.offset + int(i) for i in picks]

    def __iter__(self) -> Iterator[List[int]]:
        rng = self._rng()
        self._calls += 1
        batch: List[int] = []
        for idx in self.sampler:
            batch.append(int(idx))
            if len(batch) == self.batch_size:
                yield batch + self._anchors(rng)
                batch = []
        if batch and not self.drop_last:
            yield batch + self._anchors(rng)
