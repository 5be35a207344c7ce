"""Video datasets that know which vocabulary (class list) each sample is
evaluated in (see docs/DESIGN.md, "Vocabularies")."""
import bisect
import copy
import logging
import os.path as osp
from typing import Dict, List, Optional, Sequence, Union

from mmaction.datasets import VideoDataset
from mmaction.registry import DATASETS

from .class_lists import read_class_names, read_video_list
from .kshot import KShotSampler, holdout_split
from .video_check import (is_decode_error, skipped_message, split_readable,
                          unreadable)

_CROPS = {1: 'CenterCrop', 3: 'ThreeCrop', 10: 'TenCrop'}
_SAMPLERS = ('UniformSample', 'SampleFrames', 'DenseSampleFrames',
             'SegmentSample')


def configure_pipeline(pipeline: Sequence,
                       num_frames: Optional[int] = None,
                       num_clips: Optional[int] = None,
                       num_crops: Optional[int] = None,
                       test_frame: Optional[str] = None) -> list:
    """A copy of ``pipeline`` (list of transform configs) with the frame
    count, the number of clips and the number of crops set.

    - ``num_frames``: ``clip_len`` of ``UniformSample``/``SampleFrames``.
    - ``num_clips``: ``num_clips`` of the frame sampler (test views).
    - ``num_crops``: 1, 3 or 10: the test crop becomes ``CenterCrop``,
      ``ThreeCrop`` or ``TenCrop`` (same ``crop_size``). ``ThreeCrop`` needs
      one side equal to the crop size, so for 3 crops the ``Resize`` just
      before it resizes the short side to the crop size (MMAction2's and
      ViFi-CLIP's 3-crop testing).

    - ``test_frame``: ``'middle'`` or ``'start'``: the test-mode
      ``UniformSample`` becomes :class:`~ga2clip.datasets.transforms.SegmentSample`
      with this test frame (``'start'``: the released GA2-CLIP test frames).

    This is what makes ``--cfg-options test_dataloader.dataset.num_clips=4
    test_dataloader.dataset.num_crops=3`` (4 x 3 views) work.
    """
    pipeline = [copy.deepcopy(t) for t in pipeline]
    if num_crops is not None and num_crops not in _CROPS:
        raise ValueError(f'num_crops must be 1, 3 or 10, got {num_crops}')
    for i, t in enumerate(pipeline):
        if not isinstance(t, dict):
            continue
        kind = t.get('type')
        if kind in _SAMPLERS:
            if test_frame is not None and kind in (
                    'UniformSample', 'SegmentSample') and t.get('test_mode'):
                t['type'] = 'SegmentSample'
                t['test_frame'] = test_frame
            if num_frames is not None:
                t['clip_len'] = int(num_frames)
            if num_clips is not None:
                t['num_clips'] = int(num_clips)
        elif num_crops is not None and kind in _CROPS.values():
            t['type'] = _CROPS[num_crops]
            prev = pipeline[i - 1] if i else None
            if (num_crops == 3 and isinstance(prev, dict)
                    and prev.get('type') == 'Resize'):
                size = t.get('crop_size', 224)
                size = size if isinstance(size, int) else min(size)
                prev['scale'] = (-1, size)
                prev['keep_ratio'] = True
    return pipeline


def _build(cfg_or_dataset, **options):
    """Build a child dataset from a config, forwarding the pipeline options
    that are not None."""
    if not isinstance(cfg_or_dataset, dict):
        return cfg_or_dataset
    cfg = copy.deepcopy(cfg_or_dataset)
    for key, value in options.items():
        if value is not None:
            cfg[key] = copy.deepcopy(value)
    return DATASETS.build(cfg)


@DATASETS.register_module()
class VocabVideoDataset(VideoDataset):
    """A video list plus the class list its labels index.

    Each data info carries ``vocab`` (the vocabulary name), ``is_anchor``
    and ``label``; the dataset declares ``vocabularies = {vocab_name:
    class names}`` for :class:`ga2clip.engine.VocabularyHook`.

    Args:
        ann_file (str): ``<relative path> <label id>`` list.
        class_file (str): ``id,name`` csv that the labels index.
        pipeline (list): transforms.
        vocab_name (str): name of the vocabulary (``'base'``, ``'novel'``,
            ``'default'``, ...). Defaults to ``'default'``.
        data_prefix (dict): ``dict(video=<video root>)``.
        source_class_file (str, optional): the labels of ``ann_file`` index
            this list instead; videos are mapped to ``class_file`` by class
            name and videos of other classes are dropped (e.g. a full
            K400 train list used for the base classes).
        exclude_ann_files (list[str]): drop videos listed in these files
            (e.g. the training list, to validate on the remainder).
        exclude_match (str): compare relative ``'path'``s (default) or
            file ``'basename'``s (lists of different layouts, e.g. the
            anchor list's ``vol_XX/`` paths against K400 ``val/`` paths).
        k_shot (dict, optional): ``dict(k=16, seed=1)``: keep K videos per
            class (:class:`KShotSampler`).
        holdout (dict, optional): ``dict(per_class=4 | fraction=0.2,
            seed=0, part='held' | 'rest')``: keep only the seeded held-out
            part of every class (``'held'``, for validation) or the rest
            (``'rest'``, for training).
        is_anchor (bool): mark every sample as an anchor clip.
        strip_brackets (bool): ``[something]`` -> ``something`` in names.
        num_frames, num_clips, num_crops (int, optional), test_frame (str,
            optional): see :func:`configure_pipeline`.
        skip_unreadable (bool): probe every video when the list is loaded
            and drop the ones decord cannot open (missing, empty, corrupt,
            not a video); the log states how many and which, and over how
            many videos results are computed. Default ``False``: such a
            video raises a one-line error naming it when it is read.
    """

    def __init__(self,
                 ann_file: str,
                 class_file: str,
                 pipeline: List[Union[dict, callable]],
                 vocab_name: str = 'default',
                 data_prefix: dict = dict(video=''),
                 source_class_file: Optional[str] = None,
                 exclude_ann_files: Sequence[str] = (),
                 exclude_match: str = 'path',
                 k_shot: Optional[dict] = None,
                 holdout: Optional[dict] = None,
                 is_anchor: bool = False,
                 strip_brackets: bool = True,
                 num_frames: Optional[int] = None,
                 num_clips: Optional[int] = None,
                 num_crops: Optional[int] = None,
                 test_frame: Optional[str] = None,
                 skip_unreadable: bool = False,
                 **kwargs) -> None:
        self.skip_unreadable = bool(skip_unreadable)
        self.skipped_videos = []
        self.class_file = class_file
        self.vocab_name = vocab_name
        self.source_class_file = source_class_file
        if isinstance(exclude_ann_files, str):
            exclude_ann_files = [exclude_ann_files]
        self.exclude_ann_files = list(exclude_ann_files or [])
        if exclude_match not in ('path', 'basename'):
            raise ValueError(f"exclude_match must be 'path' or 'basename', "
                             f'got {exclude_match!r}')
        self.exclude_match = exclude_match
        self.k_shot = dict(k_shot) if k_shot else None
        self.holdout = dict(holdout) if holdout else None
        self.is_anchor = bool(is_anchor)
        self.strip_brackets = strip_brackets
        if not osp.isfile(ann_file):  # named first: the list is the
            # file users most often have to write themselves
            raise FileNotFoundError(f'annotation file not found: {ann_file}')
        self.class_names = read_class_names(class_file, strip_brackets)
        if self.holdout is not None:
            part = self.holdout.setdefault('part', 'held')
            if part not in ('held', 'rest'):
                raise ValueError(f"holdout part must be 'held' or 'rest', "
                                 f'got {part!r}')
        pipeline = configure_pipeline(pipeline, num_frames, num_clips,
                                      num_crops, test_frame)
        metainfo = dict(kwargs.pop('metainfo', None) or {})
        metainfo.setdefault('classes', tuple(self.class_names))
        super().__init__(
            ann_file, pipeline=pipeline, data_prefix=data_prefix,
            metainfo=metainfo, **kwargs)

    @property
    def vocabularies(self) -> Dict[str, List[str]]:
        return {self.vocab_name: list(self.class_names)}

    def _video_root(self) -> str:
        """The folder list paths are relative to (``data_prefix.video``)."""
        return (self.data_prefix or {}).get('video') or ''

    def _entries(self):
        if self.source_class_file:
            source = read_class_names(self.source_class_file,
                                      self.strip_brackets)
            entries = read_video_list(self.ann_file, len(source),
                                      self.source_class_file,
                                      root=self._video_root())
            target = {n: i for i, n in enumerate(self.class_names)}
            entries = [(rel, target[source[label]], lineno)
                       for rel, label, lineno in entries
                       if source[label] in target]
        else:
            entries = read_video_list(self.ann_file, len(self.class_names),
                                      self.class_file,
                                      root=self._video_root())
        if self.exclude_ann_files:
            key = (osp.basename if self.exclude_match == 'basename' else
                   (lambda rel: rel))
            excluded = set()
            for path in self.exclude_ann_files:
                excluded.update(key(rel) for rel, _, _ in read_video_list(path))
            entries = [e for e in entries if key(e[0]) not in excluded]
        if self.k_shot:
            keep = KShotSampler(**self.k_shot).sample([e[1] for e in entries])
            entries = [entries[i] for i in keep]
        if self.holdout:
            opts = {k: v for k, v in self.holdout.items() if k != 'part'}
            rest, held = holdout_split([e[1] for e in entries], **opts)
            keep = held if self.holdout['part'] == 'held' else rest
            entries = [entries[i] for i in keep]
        return entries

    def load_data_list(self) -> List[dict]:
        entries = self._entries()
        if not entries and not read_video_list(self.ann_file):
            raise ValueError(f'{self.ann_file}: the video list is empty '
                             '(write one "<relative path> <label id>" line '
                             'per video)')
        if not entries:
            raise ValueError(f'{self.ann_file}: no videos left (after '
                             'class mapping / exclusion / k-shot / holdout)')
        prefix = self.data_prefix.get('video')
        data_list = []
        for rel, label, _ in entries:
            filename = osp.join(prefix, rel) if prefix else rel
            data_list.append(dict(filename=filename, label=label,
                                  vocab=self.vocab_name,
                                  is_anchor=self.is_anchor))
        if self.skip_unreadable:
            data_list = self._drop_unreadable(data_list)
        return data_list

    def _drop_unreadable(self, data_list: List[dict]) -> List[dict]:
        from mmengine.logging import print_log
        keep, bad = split_readable([d['filename'] for d in data_list])
        self.skipped_videos = bad
        if bad:
            print_log(skipped_message(bad, len(data_list), self.ann_file),
                      logger='current', level=logging.WARNING)
        if not keep:
            raise ValueError(f'{self.ann_file}: none of its '
                             f'{len(data_list)} videos can be read (first: '
                             f'{bad[0][0]}: {bad[0][1]})')
        return [data_list[i] for i in keep]

    def prepare_data(self, idx):
        try:
            return super().prepare_data(idx)
        except Exception as err:  # noqa: BLE001 - one line naming the file
            if not is_decode_error(err):
                raise
            info = self.get_data_info(idx)
            raise unreadable(info.get('filename', f'#{idx}'), err,
                             self.ann_file) from err


class _DatasetGroup:
    """Shared plumbing of the wrappers below (not a BaseDataset: mmengine's
    ConcatDataset requires equal ``metainfo``, ours differ by design)."""

    datasets: list

    def full_init(self):
        for dataset in self.datasets:
            if hasattr(dataset, 'full_init'):
                dataset.full_init()

    @property
    def vocabularies(self) -> Dict[str, List[str]]:
        from ..engine.hooks import collect_vocabularies
        found: Dict[str, List[str]] = {}
        for dataset in self.datasets:
            found.update(collect_vocabularies(dataset))
        return found


class _JointView:
    """A dataset seen in a joint vocabulary: labels shifted by ``offset``,
    ``vocab`` replaced, the original vocabulary kept as ``subset``."""

    def __init__(self, dataset, vocab: str, offset: int, classes: List[str]):
        self.dataset = dataset
        self.vocab = vocab
        self.offset = offset
        self.vocabularies = {vocab: list(classes)}
        self.metainfo = dict(classes=tuple(classes))

    def __len__(self):
        return len(self.dataset)

    def get_data_info(self, idx):
        info = self.dataset.get_data_info(idx)
        info['subset'] = info.get('vocab', 'default')
        info['vocab'] = self.vocab
        info['label'] = info['label'] + self.offset
        return info

    def __getitem__(self, idx):
        return self.dataset.pipeline(self.get_data_info(idx))


@DATASETS.register_module()
class VocabConcatDataset(_DatasetGroup):
    """Several vocabulary datasets evaluated in one run, e.g. base-class
    videos in the ``base`` vocabulary + novel-class videos in the ``novel``
    vocabulary (the base-to-novel protocol: two closed sets).

    Args:
        datasets (list[dict]): dataset configs (or built datasets).
        pipeline (list, optional): if given, replaces the pipeline of every
            dataset config.
        num_frames, num_clips, num_crops (int, optional), test_frame (str,
            optional): forwarded to every dataset config (see
            :func:`configure_pipeline`).
        joint_vocab (str, optional): also add every video once more, scored
            in one joint vocabulary of this name (the class lists
            concatenated in order, labels shifted); its samples carry
            ``subset`` = their own vocabulary, so the metric reports
            ``<joint>/<subset>/top1``. Doubles the test time.
    """

    def __init__(self,
                 datasets: list,
                 pipeline: Optional[list] = None,
                 num_frames: Optional[int] = None,
                 num_clips: Optional[int] = None,
                 num_crops: Optional[int] = None,
                 joint_vocab: Optional[str] = None,
                 lazy_init: bool = False,
                 test_frame: Optional[str] = None):
        opts = dict(pipeline=pipeline, num_frames=num_frames,
                    num_clips=num_clips, num_crops=num_crops,
                    test_frame=test_frame)
        self.datasets = [_build(d, **opts) for d in datasets]
        if not self.datasets:
            raise ValueError('VocabConcatDataset needs at least one dataset')
        if joint_vocab:
            vocabs = [d.vocabularies for d in self.datasets]
            classes: List[str] = []
            views = []
            for dataset, vocab in zip(list(self.datasets), vocabs):
                if len(vocab) != 1:
                    raise ValueError('joint_vocab needs datasets with one '
                                     'vocabulary each')
                names = list(vocab.values())[0]
                clash = set(classes) & set(names)
                if clash:
                    raise ValueError(
                        f'joint vocabulary {joint_vocab!r}: class names in '
                        f'two lists: {sorted(clash)[:3]}')
                views.append(_JointView(dataset, joint_vocab, len(classes),
                                        []))
                classes.extend(names)
            for view in views:
                view.vocabularies = {joint_vocab: list(classes)}
                view.metainfo['classes'] = tuple(classes)
            self.datasets.extend(views)
        self._cumulative = []
        total = 0
        for dataset in self.datasets:
            total += len(dataset)
            self._cumulative.append(total)

    @property
    def metainfo(self) -> dict:
        return dict(vocabularies=self.vocabularies)

    def __len__(self):
        return self._cumulative[-1]

    def _locate(self, idx):
        if idx < 0:
            idx += len(self)
        if not 0 <= idx < len(self):
            raise IndexError(f'index {idx} out of range for {len(self)}')
        which = bisect.bisect_right(self._cumulative, idx)
        start = self._cumulative[which - 1] if which else 0
        return self.datasets[which], idx - start

    def get_data_info(self, idx):
        dataset, local = self._locate(idx)
        return dataset.get_data_info(local)

    def __getitem__(self, idx):
        dataset, local = self._locate(idx)
        return dataset[local]
