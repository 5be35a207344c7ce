"""Evaluation protocols behind ``tools/run_protocol.py`` and the demo:

- :mod:`.methods`: the one method table (configs per protocol, demo rows);
- :mod:`.plan`: the runs of a protocol (configs x splits x seeds);
- :mod:`.runner`: the subprocess helper, train/test of each run, resuming;
- :mod:`.aggregate`: mean ± std (n-1), ``runs.csv`` / ``results.{csv,md}``;
- :mod:`.cli`: the command line of ``tools/run_protocol.py``.

Standard library (and mmengine's ``Config``) only; nothing here imports
torch itself.
"""
