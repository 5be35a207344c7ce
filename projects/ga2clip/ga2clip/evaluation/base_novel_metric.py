"""Top-k accuracy per vocabulary and the base/novel harmonic mean."""
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from mmaction.registry import METRICS


def _to_numpy(x) -> np.ndarray:
    if hasattr(x, 'detach'):
        x = x.detach().cpu().float().numpy()
    return np.asarray(x)


def sample_field(sample, key, default=None):
    """``key`` of a data sample: a dict entry, a metainfo field or an
    attribute (``default`` when absent)."""
    if isinstance(sample, dict):
        return sample.get(key, default)
    if hasattr(sample, 'metainfo') and key in sample.metainfo:
        return sample.metainfo[key]
    return getattr(sample, key, default)


def scored_samples(data_samples: Sequence, who: str) -> List[dict]:
    """``[{vocab, subset, score, label}]`` of the non-anchor samples
    (``is_anchor`` skipped; ``vocab`` absent: ``'default'``). ``who`` names
    the metric in the error of a sample without ``pred_score`` or
    ``gt_label``."""
    out = []
    for sample in data_samples:
        if sample_field(sample, 'is_anchor', False):
            continue
        score = sample_field(sample, 'pred_score')
        label = sample_field(sample, 'gt_label')
        if score is None or label is None:
            raise KeyError(f'{who} needs pred_score and gt_label in every '
                           'data sample')
        out.append(
            dict(vocab=sample_field(sample, 'vocab', None) or 'default',
                 subset=sample_field(sample, 'subset', None),
                 score=_to_numpy(score).reshape(-1),
                 label=int(_to_numpy(label).reshape(-1)[0])))
    return out


def group_by_vocab(results: List[dict], base_vocab: str = 'base',
                   novel_vocab: str = 'novel') -> Dict[str, List[dict]]:
    """The results of :func:`scored_samples` by vocabulary: base first,
    then novel, then the rest in order of appearance."""
    by_vocab: Dict[str, List[dict]] = OrderedDict()
    for r in results:
        by_vocab.setdefault(r['vocab'], []).append(r)
    names = sorted(by_vocab, key=lambda n: (n != base_vocab,
                                            n != novel_vocab))
    return OrderedDict((n, by_vocab[n]) for n in names)


def stack_group(results: List[dict], name: str):
    """``(scores [N, C], labels [N])`` of one vocabulary's results; a
    ``ValueError`` naming the vocabulary when the score lengths differ or a
    label is outside the classes."""
    sizes = {r['score'].shape[0] for r in results}
    if len(sizes) != 1:
        raise ValueError(f'vocabulary {name!r}: pred_score lengths differ '
                         f'between samples ({sorted(sizes)})')
    scores = np.stack([r['score'] for r in results])
    labels = np.array([r['label'] for r in results])
    if labels.min() < 0 or labels.max() >= scores.shape[1]:
        raise ValueError(f'vocabulary {name!r}: gt_label outside the '
                         f'{scores.shape[1]} classes of pred_score')
    return scores, labels


def harmonic_mean(base: float, novel: float) -> float:
    """HM = 2BN/(B+N); 0 when both are 0."""
    return 0.0 if base + novel == 0 else 2 * base * novel / (base + novel)


def accuracy_stats(scores: np.ndarray, labels: np.ndarray,
                   topk: Sequence[int]) -> Dict[str, float]:
    """Top-k accuracies and mean class accuracy (top-1, averaged over the
    classes present), as fractions. ``k`` is clipped to the number of
    classes (top-5 of a 3-class vocabulary is top-3, i.e. 1.0)."""
    order = np.argsort(-scores, axis=1, kind='stable')
    out = {}
    for k in topk:
        kk = min(k, scores.shape[1])
        hit = (order[:, :kk] == labels[:, None]).any(axis=1)
        out[f'top{k}'] = float(hit.mean())
    top1 = order[:, 0] == labels
    per_class = [top1[labels == c].mean() for c in np.unique(labels)]
    out['mean_class_accuracy'] = float(np.mean(per_class))
    return out


@METRICS.register_module()
class BaseNovelMetric(BaseMetric):
    """Accuracy per vocabulary, and the harmonic mean of base and novel.

    Samples are grouped by their ``vocab`` metainfo (absent: ``'default'``);
    ``pred_score`` has one score per class of that vocabulary and
    ``gt_label`` indexes it. Anchor samples (``is_anchor``) are skipped.

    Reported (in percent with ``percent=True``, the default):

    - one vocabulary: ``top1``, ``top5``, ``mean_class_accuracy``
      (few-shot, zero-shot, held-out validation);
    - several: ``<vocab>/top1``, ``<vocab>/top5``,
      ``<vocab>/mean_class_accuracy`` for each, and ``HM`` =
      2BN/(B+N) of the top-1 of ``base_vocab`` and ``novel_vocab`` when
      both are present (base-to-novel in one test run);
    - samples that carry ``subset`` (a joint vocabulary, see
      ``VocabConcatDataset(joint_vocab=...)``) are also reported as
      ``<vocab>/<subset>/top1`` etc., with ``<vocab>/HM`` of the base and
      novel subsets.

    Args:
        topk (tuple[int]): k of the top-k accuracies. Defaults to (1, 5).
        base_vocab (str): name of the base vocabulary. Defaults to 'base'.
        novel_vocab (str): name of the novel vocabulary. Defaults to 'novel'.
        hm_key (str): key of the harmonic mean. Defaults to 'HM'.
        percent (bool): report percentages. Defaults to True.
        prefix_single (bool): also prefix the keys of a single vocabulary
            with its name. Defaults to False.
    """

    default_prefix: Optional[str] = ''

    def __init__(self,
                 topk: Sequence[int] = (1, 5),
                 base_vocab: str = 'base',
                 novel_vocab: str = 'novel',
                 hm_key: str = 'HM',
                 percent: bool = True,
                 prefix_single: bool = False,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if isinstance(topk, int):
            topk = (topk, )
        if 1 not in topk:
            topk = (1, *topk)
        self.topk = tuple(topk)
        self.base_vocab = base_vocab
        self.novel_vocab = novel_vocab
        self.hm_key = hm_key
        self.scale = 100.0 if percent else 1.0
        self.prefix_single = prefix_single

    _get = staticmethod(sample_field)

    def process(self, data_batch: Any, data_samples: Sequence) -> None:
        self.results.extend(scored_samples(data_samples, 'BaseNovelMetric'))

    def _group_stats(self, results: List[dict], name: str) -> Dict[str, float]:
        scores, labels = stack_group(results, name)
        return {k: v * self.scale
                for k, v in accuracy_stats(scores, labels, self.topk).items()}

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        # Base first, then novel, then the rest in order of appearance.
        by_vocab = group_by_vocab(results, self.base_vocab, self.novel_vocab)
        names = list(by_vocab)
        single = len(names) == 1 and not self.prefix_single
        metrics: Dict[str, float] = OrderedDict()
        for name in names:
            stats = self._group_stats(by_vocab[name], name)
            for key, value in stats.items():
                metrics[key if single else f'{name}/{key}'] = value
            subsets: Dict[str, List[dict]] = OrderedDict()
            for r in by_vocab[name]:
                if r['subset'] is not None:
                    subsets.setdefault(r['subset'], []).append(r)
            for sub, rows in subsets.items():
                for key, value in self._group_stats(rows, name).items():
                    metrics[f'{name}/{sub}/{key}'] = value
            if self.base_vocab in subsets and self.novel_vocab in subsets:
                metrics[f'{name}/{self.hm_key}'] = harmonic_mean(
                    metrics[f'{name}/{self.base_vocab}/top1'],
                    metrics[f'{name}/{self.novel_vocab}/top1'])
        if self.base_vocab in by_vocab and self.novel_vocab in by_vocab:
            metrics[self.hm_key] = harmonic_mean(
                metrics[f'{self.base_vocab}/top1'],
                metrics[f'{self.novel_vocab}/top1'])
        # Say over how many videos the numbers are computed (datasets may
        # skip unreadable videos, see VocabVideoDataset(skip_unreadable)).
        counts = ', '.join(f'{n}: {len(by_vocab[n])}' for n in names)
        print_log(f'{type(self).__name__}: computed over {len(results)} '
                  f'videos ({counts})', logger='current')
        return dict(metrics)
