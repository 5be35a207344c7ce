#!/usr/bin/env python
"""Write K-shot training lists, held-out validation lists and new
base/novel class splits from any ``<relative path> <label id>`` list.

    python tools/make_splits.py kshot ANN --k 16 --seed 1 --out OUT.txt
    python tools/make_splits.py holdout ANN --per-class 4 --seed 0 \
        --out-train TRAIN.txt --out-val VAL.txt
    python tools/make_splits.py base-novel --classes CLASSES.csv \
        --train TRAIN.txt --test TEST.txt --out-dir DIR \
        [--num-base N] [--k 16] [--splits 3] [--seed 0]

Details: ``--help`` and ``ga2clip/datasets/splits.py``. Existing files are
not overwritten without --force.
"""
import sys
from pathlib import Path

# Works from a checkout even when the package is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'projects' / 'ga2clip'))

from ga2clip.datasets.splits import main  # noqa: E402

if __name__ == '__main__':
    sys.exit(main())
