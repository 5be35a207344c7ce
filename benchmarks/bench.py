#!/usr/bin/env python
"""Cost of GA2-CLIP against the frozen-CLIP limit, measured side by side.

ViT-B/16 shapes with random weights (cost does not depend on the weights),
8 frames at 224 px. Sections (``--sections``):

- ``eval``:   cost per clip of frozen open_clip frame encoding + frame mean
              vs GA2-CLIP ``predict`` (and each other method of the table)
              with cached text features (target <= 1.10x); bf16 autocast
              rows unless ``--no-amp``.
- ``train``:  one training step (forward + backward + AdamW) of IVLP vs
              GA2-CLIP with each anchor mode (``--methods``), at equal batch
              (GA2 adds one anchor clip, as released); target <= 1.15x IVLP.
              Peak memory:
              RSS on CPU (VmHWM, reset before each step), CUDA
              ``max_memory_allocated``.
- ``text``:   text features of whole vocabularies (K400: 400 names, SSv2:
              174) at 77 tokens vs EOT-truncated; target >= 3x, identical
              features (max abs diff reported).
- ``data``:   clips/s of the decord train pipeline with 0/1/2 workers, for 8
              and 32 frames, next to the model's clips/s.
- ``params``: trainable / total parameters of each method.

Each method is one entry in ``benchmarks/methods.py`` (the table of
models); each section is a module of ``benchmarks/sections/``, timing and
model building are in ``benchmarks/common.py``, the tables in
``benchmarks/report.py``.

Timings are interleaved (every method once per repeat, after one warm-up
call each) and ratios are the median of the per-repeat ratios, so slow
drifts of a shared machine's load affect both sides alike.

Usage::

    python benchmarks/bench.py                       # CPU (+ CUDA if present)
    python benchmarks/bench.py --device cuda --batch 8 --repeats 5
    python benchmarks/bench.py --quick --out /tmp/bench.json   # smoke test
"""

import argparse
import json
import os
import os.path as osp
import sys
import time
from pathlib import Path
from typing import Dict

REPO = Path(__file__).resolve().parents[1]
# ``python benchmarks/bench.py`` puts benchmarks/ first on the path: import
# its modules as the ``benchmarks`` package from the repository instead
if sys.path and Path(sys.path[0] or '.').resolve() == REPO / 'benchmarks':
    sys.path[0] = str(REPO)
elif str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import methods  # noqa: E402
from benchmarks.common import build, machine_info, model_cfg  # noqa: E402
from benchmarks.report import markdown  # noqa: E402
from benchmarks.sections import SECTIONS  # noqa: E402


def parse_args(argv=None):
    sections = tuple(SECTIONS)
    train = methods.train_names()
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--device', default='all',
                   help="'cpu', 'cuda', or 'all' (cpu, and cuda when present)")
    p.add_argument('--batch', type=int, default=2,
                   help='clips per step / per eval call (default 2)')
    p.add_argument('--frames', type=int, default=8)
    p.add_argument('--repeats', type=int, default=2,
                   help='timed repeats per measurement, after 1 warm-up')
    p.add_argument('--extrapolate', type=int, default=8,
                   help='also estimate train ratios at this batch (official '
                   '8 clips per GPU) from IVLP at batch 1 and --batch; 0: off')
    p.add_argument('--train-vocab', default='K400-base',
                   help='classes of the train step (K400-base: 200 names)')
    p.add_argument('--sections', default=','.join(sections),
                   help=f'comma list of {sections}')
    p.add_argument('--methods', default=','.join(train),
                   help='train-step methods')
    p.add_argument('--no-amp', action='store_true',
                   help='skip the bf16 autocast eval rows')
    p.add_argument('--workers', default='0,1,2')
    p.add_argument('--threads', type=int, default=None,
                   help='torch CPU threads (default: torch default)')
    p.add_argument('--quick', action='store_true',
                   help='tiny model, small inputs: a smoke test (seconds)')
    p.add_argument('--out', default=None, help='write results as JSON here')
    return p.parse_args(argv)


def run_device(args, device, sections) -> Dict:
    import torch
    results = {}
    cache = {}

    def model(name):
        if name not in cache:
            torch.manual_seed(0)
            cfg = model_cfg(methods.get(name), args.quick, args.frames)
            cache[name] = build(cfg, device)
        return cache[name]
    ctx = dict(size=32 if args.quick else 224, model=model, results=results,
               sections=sections)
    for name, fn in SECTIONS.items():
        if name in sections:
            t0 = time.perf_counter()
            results[name] = fn(args, device, ctx)
            results[name]['section_s'] = time.perf_counter() - t0
            print(f'[{device}] {name}: {results[name]["section_s"]:.1f} s',
                  file=sys.stderr, flush=True)
    return results


def main(argv=None) -> Dict:
    methods.check()
    args = parse_args(argv)
    if args.quick and '--repeats' not in (argv or sys.argv[1:]):
        args.repeats = 1
    sys.path.insert(0, str(REPO / 'projects' / 'ga2clip'))
    import torch
    import ga2clip  # noqa: F401
    if args.threads:
        torch.set_num_threads(args.threads)
    sections = [s for s in args.sections.split(',') if s]
    bad = [s for s in sections if s not in SECTIONS]
    if bad:
        raise SystemExit(f'unknown sections {bad}; choose from '
                         f'{tuple(SECTIONS)}')
    if args.device == 'all':
        devices = ['cpu'] + (['cuda'] if torch.cuda.is_available() else [])
    else:
        devices = [args.device]
    if 'cuda' in devices and not torch.cuda.is_available():
        raise SystemExit('--device cuda: CUDA is not available')
    results = dict(args=vars(args), machine=machine_info(), devices={})
    t0 = time.perf_counter()
    for dev in devices:
        results['devices'][dev] = run_device(args, torch.device(dev),
                                             sections)
    results['total_s'] = time.perf_counter() - t0
    try:
        results['machine']['loadavg_end'] = os.getloadavg()
    except OSError:
        pass
    m = results['machine']
    print(f"<!-- {m.get('Model name', '?')}, {m['cpu_count']} CPUs, torch "
          f"{m['torch']} ({m['torch_threads']} threads), load at start "
          f"{m.get('loadavg')}, end {m.get('loadavg_end')}, "
          f"{results['total_s']:.0f} s -->")
    print(markdown(results))
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as f:
            json.dump(results, f, indent=1, default=str)
    return results


if __name__ == '__main__':
    main()
