"""Metrics. Importing registers ``BaseNovelMetric`` in
``mmaction.registry.METRICS``."""
from mmaction.registry import METRICS  # noqa: F401

from .base_novel_metric import BaseNovelMetric, accuracy_stats, harmonic_mean

__all__ = ['BaseNovelMetric', 'accuracy_stats', 'harmonic_mean']
