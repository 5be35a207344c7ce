"""The embedded default: the full base-to-novel comparison on the synthetic
world, run with the real tools (``tools/train.py`` / ``tools/test.py``
through ``tools/run_protocol.py``) and the real configs in
``projects/ga2clip/configs/synthetic/``.

Steps: generate (or reuse) the world; check the shipped tiny CLIP; stage 1
(IVLP on the auxiliary classes -> GA2's hard prompt); then, for every
method and split, train and test; print a Base / Novel / HM table
(mean ± std over splits, each method's paired difference to IVLP;
:mod:`ga2clip.protocols.leaderboard`) and write ``results.md``,
``results.csv``, ``results.json`` and ``results.png`` in the work dir.
Finished steps are reused on a re-run.

    python tools/demo.py [--work-dir work_dirs/demo] [--splits 1 2 3]
        [--methods ...] [--quick]
"""
import argparse
import os
import os.path as osp
import re
import sys
import time

from ..protocols import methods as method_table
from ..protocols.aggregate import read_runs
from ..protocols.runner import ROOT, StepFailed, run_step

CONFIGS = method_table.CONFIGS
DEFAULT_WORLD = 'data/synthetic/world'
CLIP_CKPT = os.environ.get('GA2CLIP_SYNTH_CLIP', 'checkpoints/ga2clip-synth.pt')
QUICK_COUNTS = dict(base_train=6, base_test=1, novel_test=1, aux_train=2,
                    aux_test=1, anchor=8)


def build_parser():
    """The parser of ``tools/demo.py``; ``--methods`` are the method table's
    :func:`~ga2clip.protocols.methods.demo_methods`."""
    keys = [m.key for m in method_table.demo_methods()]
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--work-dir', default='work_dirs/demo')
    p.add_argument('--world', default=None,
                   help=f'world folder (default {DEFAULT_WORLD}; --quick: '
                   '<work-dir>/world)')
    p.add_argument('--splits', type=int, nargs='+', default=[1, 2, 3],
                   choices=[1, 2, 3])
    p.add_argument('--methods', nargs='+', default=keys, choices=keys)
    p.add_argument('--epochs', type=int, default=None,
                   help='override the configs\' epochs (default: theirs)')
    p.add_argument('--quick', action='store_true',
                   help='a reduced smoke run: tiny world (2 shots, 1 test '
                   'clip per class), 1 epoch, split 1 unless --splits')
    p.add_argument('--workers', type=int, default=2,
                   help='processes that render the world')
    return p


def parse_args(argv=None):
    return build_parser().parse_args(argv)


class Progress:
    def __init__(self, total):
        self.total, self.done, self.t0 = total, 0, time.time()

    def step(self, what):
        self.done += 1
        print(f'[{self.done}/{self.total} | {time.time() - self.t0:5.0f}s] '
              f'{what}', flush=True)


def _run(cmd, log, echo=None):
    """Run a step (:func:`ga2clip.protocols.runner.run_step`); its output
    goes to ``log``, the lines ``echo`` returns are printed."""
    try:
        run_step(cmd, log, echo=echo)
    except StepFailed as exc:
        raise SystemExit(f'error: {exc}') from None


def _run_result(line):
    """Short form of tools/run_protocol.py's per-run line
    ("[<run>] base/top1 .., novel/top1 .., HM .."), else None."""
    if not line.startswith('['):
        return None
    run = line[1:line.find(']')]
    if 'finished earlier' in line:
        return f'{run}: finished earlier, reused'
    found = dict(re.findall(r'(base/top1|novel/top1|HM) ([\d.]+)', line))
    if len(found) < 3:
        return None
    return (f"{run}: base {float(found['base/top1']):.1f}  novel "
            f"{float(found['novel/top1']):.1f}  HM {float(found['HM']):.1f}")


def stage1(work, epoch_opts, progress):
    """Train IVLP on the auxiliary classes; return its last checkpoint."""
    tdir = osp.join(work, 'stage1')
    last = osp.join(tdir, 'last_checkpoint')
    if osp.isfile(last):
        progress.step('stage 1 (IVLP on auxiliary classes): reused')
    else:
        cmd = [sys.executable, 'tools/train.py',
               CONFIGS / method_table.SYNTHETIC_STAGE1, '--work-dir', tdir]
        if epoch_opts:
            cmd += ['--cfg-options', *epoch_opts]
        _run(cmd, log=osp.join(work, 'stage1.log'))
        progress.step('stage 1 (IVLP on auxiliary classes): trained')
    with open(last) as f:
        path = f.read().strip()
    return path if osp.isabs(path) else osp.join(tdir, osp.basename(path))


def run_method(method, splits, work, opts, progress):
    """Train + test every split of one method (its ``synthetic_b2n``
    configs) via tools/run_protocol.py; return the path of its runs.csv."""
    key, pattern = method.key, method.synthetic_b2n
    configs = ([CONFIGS / pattern.format(split=s) for s in splits]
               if '{split}' in pattern else [CONFIGS / pattern])
    cmd = [sys.executable, 'tools/run_protocol.py', 'custom', '--configs',
           *configs, '--name', key, '--work-dir', osp.join(work, key),
           '--no-validate']
    if opts:
        cmd += ['--cfg-options', *opts]
    _run(cmd, log=osp.join(work, f'{key}.log'), echo=_run_result)
    progress.step(f'{key}: {len(configs)} run(s) trained and tested')
    return osp.join(work, key, f'custom_{key}', 'runs.csv')


def by_split(method, runs, splits, field='synthetic_b2n'):
    """A method's ``{run: metrics}`` (run = config stem, as the custom
    protocol names them; configs from its ``field`` pattern) keyed ``s1``,
    ``s2``, ... so that runs pair up across methods by split; a split-less
    (test-only) run keeps its name and the leaderboard pairs it with every
    split."""
    pattern = getattr(method, field)
    if '{split}' not in pattern:
        return dict(runs)
    names = {(CONFIGS / pattern.format(split=s)).stem: f's{s}'
             for s in splits}
    return {names.get(run, run): m for run, m in runs.items()}


def write_outputs(work, results, splits, note):
    """``results.{md,csv,json,png}`` in ``work`` from
    :mod:`ga2clip.protocols.leaderboard` (mean ± std over splits, paired
    differences to IVLP); return the markdown and the chart's path."""
    from ..protocols.leaderboard import leaderboard, write_leaderboard
    runs = {key: r for key, _, r in results}
    board = leaderboard(runs, {key: label for key, label, _ in results})
    md, paths = write_leaderboard(
        work, board, runs, stem='results', note=note,
        title='Synthetic base-to-novel, top-1 (%), mean ± std over splits',
        group='synthetic world', extra=dict(splits=splits))
    return md, paths['png']


def main(argv=None):
    args = parse_args(argv)
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT / 'projects' / 'ga2clip'))
    t0 = time.time()
    work = args.work_dir
    splits = args.splits if not (args.quick and args.splits == [1, 2, 3]) \
        else [1]
    world = args.world or (osp.join(work, 'world') if args.quick
                           else DEFAULT_WORLD)
    os.makedirs(work, exist_ok=True)
    os.environ['GA2CLIP_SYNTH_ROOT'] = world
    os.environ.setdefault('OMP_NUM_THREADS', str(os.cpu_count() or 1))

    methods = [m for m in method_table.demo_methods()
               if m.key in args.methods]
    needs_stage1 = any(m.hard_prompt for m in methods)
    progress = Progress(1 + int(needs_stage1) + len(methods) + 1)

    if not osp.isfile(CLIP_CKPT):
        raise SystemExit(
            f'error: the tiny CLIP checkpoint {CLIP_CKPT} is missing; '
            'restore it from git or remake it with '
            'python tools/synthetic/pretrain_clip.py')
    from ga2clip.synthetic import generate_world
    kw = dict(counts=QUICK_COUNTS, shots=2, num_fewshot_seeds=3) \
        if args.quick else {}
    generate_world(world, seed=0, workers=args.workers,
                   log=lambda msg: print('   ' + msg, flush=True), **kw)
    progress.step(f'synthetic world ready in {world}')

    epochs = 1 if args.quick and args.epochs is None else args.epochs
    epoch_opts = [f'train_cfg.max_epochs={epochs}'] if epochs else []
    opts = list(epoch_opts)
    if needs_stage1:
        hard = stage1(work, epoch_opts, progress)
        opts_ga2 = opts + [f'model.text_head.hard_prompt.path={hard}']
    results = []
    for method in methods:
        method_opts = opts_ga2 if method.hard_prompt else (
            opts if method.trains else [])
        runs = read_runs(run_method(method, splits, work, method_opts,
                                    progress))
        results.append((method.key, method.label,
                        by_split(method, runs, splits)))

    note = (f'Synthetic world `{world}`: base {len(splits)} split(s) '
            f'{", ".join(f"s{s}" for s in splits)}; mean ± std (n-1) over '
            'splits; the zero-shot row is one test run (it trains nothing '
            'and the test set is the same for every split), paired with '
            f'every split. Work dir: `{work}`. Total time '
            f'{time.time() - t0:.0f} s.')
    md, png = write_outputs(work, results, splits, note)
    progress.step('summary written')
    print('\n' + md)
    print(f'table: {work}/results.md, {work}/results.csv; chart: {png}')
    return 0
