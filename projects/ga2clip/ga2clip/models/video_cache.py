"""Video feature cache for configs that train nothing on the vision side.

When the video encoder has no trainable parameter (e.g. frozen CLIP with a
prompted text head only, or a zero-shot model evaluated every epoch), the
features of a clip depend only on its pixels. If the pipeline is
deterministic given the video and its frame indices, they can be computed
once and reused: the cache is keyed by ``(pipeline signature, filename or
video_id, frame_inds, view shape, prompts on/off)``.

That is only valid without random train-time augmentation, so the cache is
guarded: it refuses to run until it is *bound* to a pipeline that
:func:`check_pipeline` accepts (random crops, flips, colour jitter,
grayscale, mixup/cutmix blending, unknown transforms are rejected; random
*frame sampling* is fine, the frame indices are in the key).
:class:`VideoFeatureCacheHook` binds it to the train / val / test pipeline
before each loop; without a runner call ``model.bind_video_cache(pipeline)``.

Config::

    model = dict(..., video_cache=dict(max_items=200000))
    custom_hooks = [dict(type='VocabularyHook'),
                    dict(type='VideoFeatureCacheHook', on_random='raise')]
    # PackActionInputs must keep 'filename' (or 'video_id') and 'frame_inds':
    meta_keys = ('img_shape', 'vocab', 'is_anchor', 'subset', 'filename',
                 'frame_inds')
"""
import hashlib
import logging
from collections import OrderedDict
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper

from mmaction.registry import HOOKS

# Transforms whose output depends only on their input (and config).
DETERMINISTIC_TRANSFORMS = frozenset({
    'DecordInit', 'DecordDecode', 'OpenCVInit', 'OpenCVDecode', 'PyAVInit',
    'PyAVDecode', 'RawFrameDecode', 'Resize', 'CenterCrop', 'ThreeCrop',
    'TenCrop', 'Normalize', 'FormatShape', 'PackActionInputs', 'Collect',
    'ToTensor', 'Transpose', 'ImageToTensor', 'LoadRGBFromFile',
    'ArrayDecode',
})
# Frame samplers: random offsets are fine, the chosen frame indices are part
# of the cache key.
FRAME_SAMPLERS = frozenset({
    'SampleFrames', 'UniformSample', 'UniformSampleFrames',
    'DenseSampleFrames', 'UntrimmedSampleFrames', 'SegmentSample',
})
# Transforms that are deterministic when their probability is zero.
_PROB_ATTRS = {'Flip': 'flip_ratio', 'VideoRandomGrayscale': 'prob'}
KEY_NAMES = ('filename', 'video_id')


def _transform_list(pipeline) -> List:
    """Transforms of a ``Compose``, a list of transforms or of configs."""
    if pipeline is None:
        return []
    if hasattr(pipeline, 'transforms'):
        return list(pipeline.transforms)
    return list(pipeline)


def _name(t) -> str:
    return t['type'] if isinstance(t, dict) else type(t).__name__


def _attr(t, key, default=None):
    return t.get(key, default) if isinstance(t, dict) else getattr(
        t, key, default)


def check_pipeline(pipeline, deterministic: Iterable[str] = ()) -> List[str]:
    """Reasons why ``pipeline`` cannot feed the cache (empty = fine).

    Args:
        pipeline: a ``Compose``, or a list of transforms / transform configs.
        deterministic: extra transform type names to accept.
    """
    allowed = DETERMINISTIC_TRANSFORMS | FRAME_SAMPLERS | set(deterministic)
    problems = []
    transforms = _transform_list(pipeline)
    for t in transforms:
        name = _name(t)
        if name in _PROB_ATTRS:
            p = _attr(t, _PROB_ATTRS[name], 1.0)
            if p and float(p) > 0:
                problems.append(f'{name}({_PROB_ATTRS[name]}={p}) is random')
        elif name not in allowed:
            problems.append(f'{name} is random or unknown (pass it in '
                            '`deterministic` if it is not)')
    packs = [t for t in transforms if _name(t) == 'PackActionInputs']
    if not packs:
        problems.append('the pipeline has no PackActionInputs')
    else:
        keys = set(_attr(packs[-1], 'meta_keys', ()) or ())
        if not keys & set(KEY_NAMES) or 'frame_inds' not in keys:
            problems.append("PackActionInputs(meta_keys=...) must keep "
                            "'filename' (or 'video_id') and 'frame_inds'")
    return problems


def pipeline_signature(pipeline) -> str:
    """Short hash of the transforms and their settings."""
    parts = []
    for t in _transform_list(pipeline):
        if isinstance(t, dict):
            parts.append(repr(sorted(t.items())))
        else:
            attrs = sorted((k, repr(v)) for k, v in vars(t).items()
                           if not k.startswith('_'))
            parts.append(f'{_name(t)}{attrs}')
    return hashlib.sha1('|'.join(parts).encode()).hexdigest()[:12]


def _frame_key(inds) -> Tuple[int, ...]:
    if torch.is_tensor(inds):
        inds = inds.cpu().numpy()
    return tuple(int(i) for i in np.asarray(inds).reshape(-1))


class VideoFeatureCache:
    """``key -> (V, D)`` normalised video features (no graph).

    Args:
        max_items: at most this many clips are kept (oldest dropped first).
    """

    def __init__(self, max_items: int = 200000):
        if max_items < 1:
            raise ValueError(f'max_items must be >= 1, got {max_items}')
        self.max_items = int(max_items)
        self.context: Optional[str] = None
        self.disabled = False  # a bind found random transforms ('disable')
        self._store: 'OrderedDict[tuple, torch.Tensor]' = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._store)

    def clear(self) -> None:
        self._store.clear()

    def bind(self, pipeline, deterministic: Iterable[str] = (),
             on_random: str = 'raise', blending=None, where: str = '') -> bool:
        """Check ``pipeline`` and use it as the context of the next lookups.

        Returns ``True`` when the cache is on. With random transforms:
        ``on_random='raise'`` raises ``ValueError``; ``'disable'`` warns and
        turns the cache off until the next successful ``bind``.
        """
        return self.bind_many([pipeline], deterministic, on_random,
                              blending=blending, where=where)

    def bind_many(self, pipelines: Sequence, deterministic: Iterable[str] = (),
                  on_random: str = 'raise', blending=None,
                  where: str = '') -> bool:
        """:meth:`bind` for the pipelines of several datasets read by one
        loader (e.g. training clips and anchor clips): all must pass."""
        if on_random not in ('raise', 'disable'):
            raise ValueError(f"on_random must be 'raise' or 'disable', got "
                             f'{on_random!r}')
        problems = []
        for pipeline in pipelines:
            problems += [p for p in check_pipeline(pipeline, deterministic)
                         if p not in problems]
        if blending is not None:
            problems.append(f'the data preprocessor blends samples '
                            f'({type(blending).__name__})')
        if problems:
            msg = (f'video feature cache cannot be used{where}: '
                   + '; '.join(problems) + ' (features would not match the '
                   'pixels; remove the random transforms or the cache)')
            if on_random == 'raise':
                raise ValueError(msg)
            print_log(msg + ' -> cache disabled', logger='current',
                      level=logging.WARNING)
            self.context = None
            self.disabled = True
            return False
        self.context = '+'.join(pipeline_signature(p) for p in pipelines)
        self.disabled = False
        return True

    @property
    def active(self) -> bool:
        """``False`` only after a bind that disabled the cache; an unbound
        cache is active and refuses lookups (see :meth:`keys`)."""
        return not self.disabled

    def keys(self, data_samples: Sequence, view_shape: Tuple[int, ...],
             prompts: bool) -> List[tuple]:
        if self.context is None:
            raise RuntimeError(
                'the video feature cache is not bound to a checked pipeline: '
                "add dict(type='VideoFeatureCacheHook') to custom_hooks or "
                'call model.bind_video_cache(pipeline) first')
        keys = []
        for s in data_samples:
            meta = s.metainfo
            vid = next((meta[k] for k in KEY_NAMES if k in meta), None)
            if vid is None or 'frame_inds' not in meta:
                raise ValueError(
                    "video feature cache: samples need metainfo 'filename' "
                    "(or 'video_id') and 'frame_inds'; add them to "
                    'PackActionInputs(meta_keys=...)')
            keys.append((self.context, str(vid), _frame_key(
                meta['frame_inds']), tuple(view_shape), bool(prompts)))
        return keys

    def get(self, key) -> Optional[torch.Tensor]:
        hit = self._store.get(key)
        if hit is None:
            self.misses += 1
        else:
            self.hits += 1
        return hit

    def put(self, key, value: torch.Tensor) -> None:
        self._store[key] = value.detach()
        while len(self._store) > self.max_items:
            self._store.popitem(last=False)


def _collect_pipelines(dataset, out: List) -> List:
    """``dataset.pipeline`` of a dataset and of the datasets it wraps."""
    pipeline = getattr(dataset, 'pipeline', None)
    if pipeline is not None:
        out.append(pipeline)
    for child in list(getattr(dataset, 'datasets', []) or []):
        _collect_pipelines(child, out)
    if getattr(dataset, 'dataset', None) is not None:
        _collect_pipelines(dataset.dataset, out)
    return out


@HOOKS.register_module()
class VideoFeatureCacheHook(Hook):
    """Binds the model's video feature cache to the pipeline of the running
    loop (train / val / test) after checking it is deterministic.

    Args:
        on_random: ``'raise'`` (default) or ``'disable'`` (warn, run that
            loop without the cache) when a pipeline has random transforms.
        deterministic: extra transform type names to accept.
    """

    priority = 'VERY_HIGH'

    def __init__(self, on_random: str = 'raise',
                 deterministic: Sequence[str] = ()):
        if on_random not in ('raise', 'disable'):
            raise ValueError(f"on_random must be 'raise' or 'disable', got "
                             f'{on_random!r}')
        self.on_random = on_random
        self.deterministic = tuple(deterministic)
        self._train_state: Optional[Dict] = None

    @staticmethod
    def _model(runner):
        return runner.model.module if is_model_wrapper(
            runner.model) else runner.model

    def _bind(self, runner, loader, where: str, training: bool) -> None:
        model = self._model(runner)
        cache = getattr(model, 'video_cache', None)
        if cache is None:
            return
        pipelines = _collect_pipelines(loader.dataset, [])
        if not pipelines:
            raise ValueError(f'video feature cache: the {where} dataset has '
                             'no pipeline to check')
        unique = {pipeline_signature(p): p for p in pipelines}
        blending = getattr(model.data_preprocessor, 'blending',
                           None) if training else None
        cache.bind_many(list(unique.values()), self.deterministic,
                        self.on_random, blending=blending,
                        where=f' in the {where} loop')

    def before_train(self, runner) -> None:
        self._bind(runner, runner.train_dataloader, 'train', True)
        cache = getattr(self._model(runner), 'video_cache', None)
        self._train_state = None if cache is None else dict(
            context=cache.context, disabled=cache.disabled)

    def before_val_epoch(self, runner) -> None:
        self._bind(runner, runner.val_dataloader, 'val', False)

    def after_val_epoch(self, runner, metrics=None) -> None:
        cache = getattr(self._model(runner), 'video_cache', None)
        if cache is not None and self._train_state is not None:
            cache.context = self._train_state['context']
            cache.disabled = self._train_state['disabled']

    def before_test_epoch(self, runner) -> None:
        self._bind(runner, runner.test_dataloader, 'test', False)
