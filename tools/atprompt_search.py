#!/usr/bin/env python
"""ATPrompt attribute search on the training videos of a config (frozen
vision, features cached once; the test split is never read). See
docs/atprompt.md.

    python tools/atprompt_search.py CONFIG --out DIR [--bank w1,w2,...]
        [--bank-file FILE] [--sizes 1,2,3] [--steps 200] [--heldout 0.2]
        [--seed 0] [--device cpu] [--force] [--cfg-options k=v ...]

Writes DIR/atprompt_search.json (chosen attributes, weight table) and
DIR/atprompt_search.png; pass the choice to training with
--cfg-options "model.text_head.attributes=[w1,w2]".
"""
import sys
from pathlib import Path

# Works from a checkout even when the package is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'projects' / 'ga2clip'))

from ga2clip.apis.atprompt_search import main  # noqa: E402
from ga2clip.apis.common import _run_guarded  # noqa: E402

if __name__ == '__main__':
    sys.exit(_run_guarded(main, sys.argv[1:]))
