"""Metrics. Importing registers ``BaseNovelMetric`` and
``TwinOrderMetric`` in ``mmaction.registry.METRICS``."""
from mmaction.registry import METRICS  # noqa: F401

from .base_novel_metric import BaseNovelMetric, accuracy_stats, harmonic_mean
from .twin_order_metric import TwinOrderMetric, twin_order_stats

__all__ = ['BaseNovelMetric', 'TwinOrderMetric', 'accuracy_stats',
           'harmonic_mean', 'twin_order_stats']
