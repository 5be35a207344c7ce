#!/usr/bin/env python
"""Train and test every split of a protocol; write mean ± std of every metric.

    python tools/run_protocol.py {b2n,fewshot,zeroshot,synthetic,
        synthetic_temporal,custom} [--dataset D] [--method M | --methods
        M1 M2 ... [--reference ivlp]] [--splits ...] [--shots ...] [--seeds ...]
        [--num-frames {8,16,32}] [--select {last,best}] [--gpus N]
        [--work-dir DIR] [--cfg-options k=v ...] [--dry-run]

``--help`` for the details; the methods are the table in
``ga2clip/protocols/methods.py``. See docs/protocols.md "Running".
"""
import sys
from pathlib import Path

# Works from a checkout even when the package is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'projects' / 'ga2clip'))

from ga2clip.protocols.cli import main  # noqa: E402

if __name__ == '__main__':
    sys.exit(main())
