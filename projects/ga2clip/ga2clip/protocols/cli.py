"""Train and test every split of a protocol; write mean ± std of every metric.

    # base-to-novel, all three splits (s1 s2 s3) of HMDB-51 with GA2-CLIP
    python tools/run_protocol.py b2n --dataset hmdb51 --method ga2clip
    # few-shot K = 2, 4, 8, 16 on UCF-101 (one official list per K; add
    # --seeds 1 2 3 to repeat each with other training seeds)
    python tools/run_protocol.py fewshot --dataset ucf101 --shots 2 16
    # zero-shot: train on K400 once, test on HMDB-51 val1-3 (or ucf101, k600)
    python tools/run_protocol.py zeroshot --dataset hmdb51
    # any configs, each one run ("split") of one protocol
    python tools/run_protocol.py custom --configs A.py B.py --name mine
    # the synthetic world's base-to-novel (configs/synthetic/, s1 s2 s3)
    python tools/run_protocol.py synthetic --method ivlp
    # a leaderboard: every method in turn, then one table and chart of
    # Base / Novel / HM (mean ± std over splits) and each method's paired
    # difference to --reference (default ivlp) per split
    python tools/run_protocol.py b2n --dataset hmdb51 --methods zero-shot \
        ivlp ga2clip vita-clip msta atprompt-ivlp atprompt-ga2 vifi-ft
    python tools/run_protocol.py synthetic --methods zero-shot ivlp msta

Common options: ``--method`` (a key of the method table,
``ga2clip/protocols/methods.py``), ``--splits 1 2``
(a subset), ``--num-frames {8,16,32}``, ``--select {last,best}`` (``last``:
the last epoch, the default; ``best``: best epoch on the held-out *training*
videos of the config's val set, never on the test split), ``--gpus N``
(``tools/dist_train.sh``/``dist_test.sh``), ``--work-dir``,
``--cfg-options`` (passed to train and test), ``--dry-run``.

Each run lives in ``<work-dir>/<protocol>_<method>_<dataset>/<run>/``
(synthetic: ``<work-dir>/synthetic_<method>/<run>/``; ``train/``, ``test/``,
``metrics.json``). A run with ``metrics.json`` is finished and is not redone;
an interrupted training resumes from its last checkpoint. Results:
``<work-dir>/<protocol>/results.csv`` (group, metric, mean, std, n, runs),
``results.md`` (a markdown table, mean ± std with the sample standard
deviation, n-1) and ``runs.csv`` (every run's metrics). ``--methods``:
also ``<work-dir>/leaderboard_<protocol>[_<dataset>]/leaderboard.{md,csv,
json,png}`` (ga2clip/protocols/leaderboard.py; docs/protocols.md
"Leaderboard").
"""
import argparse
import sys

from . import methods
from .leaderboard import run_leaderboard
from .plan import PROTOCOLS, UsageError
from .runner import run_protocol


def build_parser():
    """The parser of ``tools/run_protocol.py``; ``--method`` choices are the
    method table's :func:`~ga2clip.protocols.methods.protocol_methods`."""
    p = argparse.ArgumentParser(
        description='Train and test all splits of a protocol.',
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument('protocol', choices=PROTOCOLS)
    p.add_argument('--dataset', default='hmdb51',
                   help='k400, hmdb51, ucf101, ssv2 (zeroshot: hmdb51, '
                   'ucf101, k600)')
    p.add_argument('--method', default='ga2clip',
                   choices=methods.protocol_methods())
    p.add_argument('--methods', nargs='+', metavar='KEY',
                   help='several methods in turn, then a leaderboard (b2n '
                   'and the synthetic protocols): keys of the method table '
                   '(zero-shot = clip-zeroshot)')
    p.add_argument('--reference', default='ivlp',
                   help='--methods: the method every other is paired with, '
                   'split by split (default ivlp)')
    p.add_argument('--splits', type=int, nargs='+',
                   help='subset of splits (b2n: 1 2 3; zeroshot: 1 2 3)')
    p.add_argument('--shots', type=int, nargs='+', help='few-shot K values')
    p.add_argument('--seeds', type=int, nargs='+',
                   help='repeat every run with these training seeds')
    p.add_argument('--configs', nargs='+', help='custom: the configs')
    p.add_argument('--name', default='custom', help='custom: group name')
    p.add_argument('--num-frames', type=int, choices=[8, 16, 32])
    p.add_argument('--select', choices=['last', 'best'], default='last')
    p.add_argument('--no-validate', action='store_true',
                   help='train without the held-out validation set')
    p.add_argument('--gpus', type=int, default=1)
    p.add_argument('--work-dir', default='work_dirs/protocols')
    p.add_argument('--cfg-options', nargs='+')
    p.add_argument('--dry-run', action='store_true',
                   help='print the commands only')
    return p


def parse_args(argv=None):
    return build_parser().parse_args(argv)


def main(argv=None):
    """``tools/run_protocol.py``: 0 done, 1 a step failed, 2 bad usage."""
    args = parse_args(argv)
    try:
        if args.methods:
            run_leaderboard(args)
        else:
            run_protocol(args)
        return 0
    except UsageError as exc:
        print(f'error: {exc}', file=sys.stderr)
        return 2
    except RuntimeError as exc:
        print(f'error: {exc}', file=sys.stderr)
        return 1
