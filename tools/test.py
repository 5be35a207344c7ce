#!/usr/bin/env python
"""Test a checkpoint with mmengine's Runner. See README "Testing".

    python tools/test.py CONFIG CHECKPOINT [--dump preds.pkl]
        [--work-dir DIR] [--cfg-options k=v ...] [--launcher ...]
"""
import sys
from pathlib import Path

# Works from a checkout even when the package is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'projects' / 'ga2clip'))

from ga2clip.apis.cli import test_main  # noqa: E402

if __name__ == '__main__':
    sys.exit(test_main())
