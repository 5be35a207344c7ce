#!/usr/bin/env python
"""The embedded default (README command 1): the synthetic world's
base-to-novel and temporal split with a tiny CLIP, on CPU --
``tools/run_protocol.py {synthetic,synthetic_temporal} --methods ...`` run
in this one process, then one leaderboard per protocol
(``<work-dir>/b2n/``, ``<work-dir>/temporal/``).

    python tools/demo.py [--full] [--quick] [--protocols ...] [--splits 1 2 3]
        [--world-seeds 0 1 2] [--methods ...] [--work-dir DIR]
"""
import sys
from pathlib import Path

# Works from a checkout even when the package is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'projects' / 'ga2clip'))

from ga2clip.apis.demo import main  # noqa: E402

if __name__ == '__main__':
    sys.exit(main())
