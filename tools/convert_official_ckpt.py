#!/usr/bin/env python
"""Convert an official GA2-CLIP / IVLP, or a released Vita-CLIP / ViFi-CLIP,
checkpoint for this project.

    python tools/convert_official_ckpt.py OFFICIAL.pt OUT.pth \
        [--hard-prompt STAGE1.pt] [--no-backbone]
    python tools/convert_official_ckpt.py --vita RELEASED.pth OUT.pth \
        [--no-backbone]
    python tools/convert_official_ckpt.py --vifi VIFI_RELEASED.pth OUT.pth \
        [--arch ViT-B-16] [--token-embedding-from openai|OPENAI_LAYOUT.pt]

Then: ``python tools/test.py CONFIG OUT.pth`` (``--vifi``: OUT.pth is a
``model.clip.pretrained``; the released file also loads there directly).
The command is :mod:`ga2clip.apis.convert`; the converters are
:mod:`ga2clip.models.convert`, :mod:`ga2clip.models.convert_vita` and
:mod:`ga2clip.models.convert_vifi_file`.
"""
import sys
from pathlib import Path

# Works from a checkout even when the package is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'projects' / 'ga2clip'))

from ga2clip.apis.convert import cli  # noqa: E402

if __name__ == '__main__':
    sys.exit(cli())
