#!/usr/bin/env python
"""The embedded default (README command 1): the full base-to-novel
comparison on the synthetic world with a tiny CLIP, on CPU.

    python tools/demo.py [--quick] [--splits 1 2 3] [--work-dir DIR]
"""
import sys
from pathlib import Path

# Works from a checkout even when the package is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'projects' / 'ga2clip'))

from ga2clip.apis.demo import main  # noqa: E402

if __name__ == '__main__':
    sys.exit(main())
