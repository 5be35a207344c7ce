#!/usr/bin/env python
"""Plots of results (PNG). See docs/inference.md "Plots".

    python tools/plot_results.py hm --csv [METHOD=]runs.csv ... --out hm.png
    python tools/plot_results.py per-class --dump preds.pkl \
        [--classes base=B.csv novel=N.csv] --out per_class.png
    python tools/plot_results.py confused --dump preds.pkl [--vocab novel] \
        [--top 10] [--classes novel=N.csv] --out confused.png
"""
import sys
from pathlib import Path

# Works from a checkout even when the package is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'projects' / 'ga2clip'))

from ga2clip.apis.plots import main  # noqa: E402

if __name__ == '__main__':
    sys.exit(main())
