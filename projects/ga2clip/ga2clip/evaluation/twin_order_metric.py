"""Frame-order accuracy between time-reversed twin classes (the synthetic
world's temporal split, docs/synthetic_world.md "Temporal split")."""
import os.path as osp
from collections import OrderedDict
from typing import Any, Dict, List, Mapping, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from mmaction.registry import METRICS

from ..utils.class_lists import read_class_names
from .base_novel_metric import group_by_vocab, scored_samples, stack_group

#: the temporal split's twin rule: the last word of a class name, reversed
#: (``ga2clip.synthetic.world.REVERSED_MOTION``; a test keeps them equal)
REVERSED_WORDS = {'left': 'right', 'right': 'left', 'up': 'down',
                  'down': 'up'}


def twin_indices(names: Sequence[str], twin_words: Mapping[str, str],
                 where: str) -> np.ndarray:
    """``twin[i]``: the index of class ``i``'s twin, the name with its last
    word swapped by ``twin_words``. A one-line ``ValueError`` naming
    ``where`` (the class list) when a class has no rule, its twin is not in
    the list, or the rule is not symmetric."""
    index = {name: i for i, name in enumerate(names)}
    twin = np.empty(len(names), dtype=np.int64)
    for i, name in enumerate(names):
        words = name.split(' ')
        other = twin_words.get(words[-1])
        if other is None or other == words[-1]:
            raise ValueError(
                f'{where}: class {name!r} ends in {words[-1]!r}, which the '
                f'twin rule {dict(twin_words)} does not swap (TwinOrderMetric '
                'needs a time-reversed twin for every class: fix the list or '
                'twin_words)')
        twin_name = ' '.join(words[:-1] + [other])
        if twin_name not in index:
            raise ValueError(
                f'{where}: class {name!r} has no time-reversed twin '
                f'{twin_name!r} in this class list (TwinOrderMetric needs '
                'every twin in the same vocabulary: add it, or drop this '
                'vocabulary from class_files)')
        twin[i] = index[twin_name]
    bad = np.flatnonzero(twin[twin] != np.arange(len(names)))
    if bad.size:
        name = names[bad[0]]
        raise ValueError(
            f'{where}: the twin of the twin of {name!r} is '
            f'{names[twin[twin[bad[0]]]]!r}, not itself (twin_words '
            f'{dict(twin_words)} must swap words in pairs)')
    return twin


def twin_order_stats(scores: np.ndarray, labels: np.ndarray,
                     twin: np.ndarray) -> Dict[str, float]:
    """``pair_top1``: the fraction of clips whose top-1 prediction (the
    first of tied maxima) is the class or its twin; ``order_acc``: the
    fraction right among those clips (absent when there are none)."""
    pred = np.argmax(scores, axis=1)
    right = pred == labels
    in_pair = right | (pred == twin[labels])
    out = dict(pair_top1=float(in_pair.mean()))
    if in_pair.any():
        out['order_acc'] = float(right[in_pair].mean())
    return out


@METRICS.register_module()
class TwinOrderMetric(BaseMetric):
    """How often a model tells a clip from its time-reversed twin.

    On the temporal split every class ``'<colour> <shape> moving <motion>'``
    has a twin in its own vocabulary whose clips are its clips reversed in
    time (``left`` <-> ``right`` in base, ``up`` <-> ``down`` in novel). Plain
    top-1 mixes the static part (colour + shape) with the frame order; per
    vocabulary this metric reports (in percent with ``percent=True``):

    - ``<vocab>/pair_top1``: clips whose top-1 prediction is the class or
      its twin (the static part right);
    - ``<vocab>/order_acc``: among those clips, the prediction is the class
      itself -- the frame-order accuracy. A model that pools frames
      order-invariantly scores twins alike in distribution and is at 50 % in
      expectation; with scores exactly equal for twins the first of the pair
      in the class list wins (ties go to the lower index, as for
      ``BaseNovelMetric``'s top-1). Absent (with a log line) when no clip's
      prediction lies in its pair.

    Samples are grouped by their ``vocab`` metainfo and anchor samples are
    skipped, as in :class:`BaseNovelMetric` (the same helpers).

    Args:
        class_files (dict): ``{vocab: class-list csv}``, the vocabularies to
            report (``pred_score`` of a ``vocab`` sample has one score per
            class of its csv). Read with
            :func:`ga2clip.utils.class_lists.read_class_names` when the metric
            is built if every file exists (a bad list fails before the test
            runs), else at the first batch.
        twin_words (dict): the twin rule, a swap of a class name's last
            word. Defaults to left<->right, up<->down.
        percent (bool): report percentages. Defaults to True.
    """

    default_prefix: Optional[str] = ''

    def __init__(self,
                 class_files: Mapping[str, str],
                 twin_words: Optional[Mapping[str, str]] = None,
                 percent: bool = True,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if not isinstance(class_files, Mapping) or not class_files or any(
                not isinstance(v, str) for v in class_files.values()):
            raise ValueError(
                f'TwinOrderMetric: class_files={class_files!r}; give '
                'dict(<vocab>=<class-list csv>, ...), e.g. dict(base=..., '
                'novel=...)')
        self.class_files = dict(class_files)
        self.twin_words = dict(REVERSED_WORDS if twin_words is None
                               else twin_words)
        self.scale = 100.0 if percent else 1.0
        self._twins: Optional[Dict[str, np.ndarray]] = None
        if all(osp.isfile(p) for p in self.class_files.values()):
            self._load()

    def _load(self) -> Dict[str, np.ndarray]:
        if self._twins is None:
            self._twins = OrderedDict(
                (vocab, twin_indices(read_class_names(path), self.twin_words,
                                     path))
                for vocab, path in self.class_files.items())
        return self._twins

    def process(self, data_batch: Any, data_samples: Sequence) -> None:
        self._load()
        self.results.extend(scored_samples(data_samples, 'TwinOrderMetric'))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        twins = self._load()
        by_vocab = group_by_vocab(results, *list(twins)[:2])
        unknown = [v for v in by_vocab if v not in twins]
        if unknown:
            raise ValueError(
                f'TwinOrderMetric: samples of vocabulary {unknown[0]!r}, but '
                f'class_files names only {", ".join(twins)}; add '
                f'class_files[{unknown[0]!r}] (its class-list csv)')
        metrics: Dict[str, float] = OrderedDict()
        for vocab, rows in by_vocab.items():
            scores, labels = stack_group(rows, vocab)
            twin = twins[vocab]
            if scores.shape[1] != len(twin):
                raise ValueError(
                    f'{self.class_files[vocab]}: {len(twin)} classes, but '
                    f'pred_score of vocabulary {vocab!r} has '
                    f'{scores.shape[1]} (give the class list the test set '
                    'uses)')
            stats = twin_order_stats(scores, labels, twin)
            if 'order_acc' not in stats:
                print_log(f'TwinOrderMetric: no {vocab} clip predicted as '
                          f'its class or its twin: no {vocab}/order_acc',
                          logger='current')
            for key, value in stats.items():
                metrics[f'{vocab}/{key}'] = value * self.scale
        return dict(metrics)
