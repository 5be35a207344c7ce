#!/usr/bin/env python
"""Prepare a dataset download for the protocol configs: write the missing
annotation files, link every listed video, check that it decodes.

    python tools/data/prepare_videos.py {k400,k600,hmdb51,ucf101,ssv2} \
        --src DOWNLOAD_ROOT [--out data/<dataset>] [--lists LIST ...] \
        [--no-decode] [--workers N] [--force]

Details: ``--help`` and ``ga2clip/datasets/prepare.py``. Exit status: 0 when
every listed video is present and decodes, 1 otherwise, 2 on a usage error.
"""
import sys
from pathlib import Path

# Works from a checkout even when the package is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / 'projects' / 'ga2clip'))

from ga2clip.datasets.prepare import main  # noqa: E402

if __name__ == '__main__':
    sys.exit(main())
