"""Seeded per-class sampling of a video list: K-shot training lists, held-out
validation parts, new base/novel class splits."""
import random
from collections import defaultdict
from typing import Dict, List, Optional, Sequence, Tuple


class KShotSampler:
    """Draw ``k`` items per class with a fixed seed.

    The draw for a class depends only on the seed, the class id and the
    items of that class (in list order), so adding or removing other
    classes does not change it. A class with fewer than ``k`` items keeps
    all of them (``strict=True`` raises instead).

    Args:
        k (int): items per class.
        seed (int): random seed.
        strict (bool): raise when a class has fewer than ``k`` items.
    """

    def __init__(self, k: int, seed: int = 0, strict: bool = False):
        if k < 1:
            raise ValueError(f'k must be >= 1, got {k}')
        self.k = k
        self.seed = seed
        self.strict = strict

    def sample(self, labels: Sequence[int]) -> List[int]:
        """Indices (sorted, in list order) of the kept items."""
        by_class: Dict[int, List[int]] = defaultdict(list)
        for i, label in enumerate(labels):
            by_class[int(label)].append(i)
        keep: List[int] = []
        for label in sorted(by_class):
            idx = by_class[label]
            if len(idx) < self.k:
                if self.strict:
                    raise ValueError(
                        f'class {label} has {len(idx)} items, fewer than '
                        f'k={self.k}')
                keep.extend(idx)
                continue
            rng = random.Random(f'{self.seed}:{label}')
            keep.extend(rng.sample(idx, self.k))
        return sorted(keep)


def holdout_split(labels: Sequence[int],
                  per_class: Optional[int] = None,
                  fraction: Optional[float] = None,
                  seed: int = 0) -> Tuple[List[int], List[int]]:
    """Split indices into (rest, held-out): ``per_class`` items (or
    ``fraction`` of each class, at least 1 and leaving at least 1 for
    training) are held out per class, seeded.
    """
    if (per_class is None) == (fraction is None):
        raise ValueError('holdout: give exactly one of per_class / fraction')
    by_class: Dict[int, List[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        by_class[int(label)].append(i)
    held: List[int] = []
    for label in sorted(by_class):
        idx = by_class[label]
        if per_class is not None:
            n = min(per_class, len(idx))
        else:
            n = max(1, int(round(fraction * len(idx))))
            n = min(n, max(len(idx) - 1, 0)) if len(idx) > 1 else 0
        rng = random.Random(f'holdout:{seed}:{label}')
        held.extend(rng.sample(idx, n))
    held_set = set(held)
    rest = [i for i in range(len(labels)) if i not in held_set]
    return rest, sorted(held)


def split_classes(num_classes: int, num_base: int,
                  seed: int = 0) -> Tuple[List[int], List[int]]:
    """A seeded base/novel partition of class ids ``0..num_classes-1``.

    Returns (base ids, novel ids), each sorted.
    """
    if not 0 < num_base < num_classes:
        raise ValueError(f'num_base must be in 1..{num_classes - 1}, '
                         f'got {num_base}')
    ids = list(range(num_classes))
    random.Random(f'classes:{seed}').shuffle(ids)
    return sorted(ids[:num_base]), sorted(ids[num_base:])
