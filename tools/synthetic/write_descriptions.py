#!/usr/bin/env python
"""See `python tools/synthetic/write_descriptions.py --help` and docs/msta.md."""
import sys
from pathlib import Path

# Works from a checkout even when the package is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / 'projects' / 'ga2clip'))

from ga2clip.synthetic.descriptions import main  # noqa: E402

if __name__ == '__main__':
    sys.exit(main())
