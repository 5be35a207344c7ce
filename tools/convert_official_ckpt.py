#!/usr/bin/env python
"""Convert an official GA2-CLIP / IVLP, or a released Vita-CLIP, checkpoint
for this project.

    python tools/convert_official_ckpt.py OFFICIAL.pt OUT.pth \
        [--hard-prompt STAGE1.pt] [--no-backbone]
    python tools/convert_official_ckpt.py --vita RELEASED.pth OUT.pth \
        [--no-backbone]

Then: ``python tools/test.py CONFIG OUT.pth``. The logic lives in
:mod:`ga2clip.models.convert` and :mod:`ga2clip.models.convert_vita`.
"""
import sys
from pathlib import Path

# Works from a checkout even when the package is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'projects' / 'ga2clip'))

from ga2clip.models.convert_vita import cli  # noqa: E402

if __name__ == '__main__':
    sys.exit(cli())
