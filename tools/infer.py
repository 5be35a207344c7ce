#!/usr/bin/env python
"""Top-k predictions for your own videos and class names. See docs/inference.md.

    python tools/infer.py CONFIG VIDEO|FOLDER|LIST.txt [...] --classes FILE|"a,b,c"
        [--checkpoint CKPT.pth] [--pretrained TAG|FILE] [--templates T ...]
        [--topk 5] [--batch-size 8] [--num-workers 0] [--device cpu]
        [--format table|json|csv] [--out FILE [--force]] [--skip-unreadable]
"""
import sys
from pathlib import Path

# Works from a checkout even when the package is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'projects' / 'ga2clip'))

from ga2clip.apis.inference import main  # noqa: E402

if __name__ == '__main__':
    sys.exit(main())
