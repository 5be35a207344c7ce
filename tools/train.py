#!/usr/bin/env python
"""Train with mmengine's Runner (MMAction2's flags). See README "Training".

    python tools/train.py CONFIG [--work-dir DIR] [--resume [auto|PATH]]
        [--amp] [--auto-scale-lr] [--seed N] [--cfg-options k=v ...]
        [--launcher {none,pytorch,slurm,mpi}]
"""
import sys
from pathlib import Path

# Works from a checkout even when the package is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'projects' / 'ga2clip'))

from ga2clip.apis.cli import train_main  # noqa: E402

if __name__ == '__main__':
    sys.exit(train_main())
