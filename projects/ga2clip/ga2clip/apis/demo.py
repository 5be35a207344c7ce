"""The embedded default: the full base-to-novel comparison on the synthetic
world, run with the real tools (``tools/train.py`` / ``tools/test.py``
through ``tools/run_protocol.py``) and the real configs in
``projects/ga2clip/configs/synthetic/``.

Steps: generate (or reuse) the world; check the shipped tiny CLIP; stage 1
(IVLP on the auxiliary classes -> GA2's hard prompt); then, for every
method and split, train and test; print a Base / Novel / HM table
(mean ± std over splits) and write ``results.md``, ``results.csv`` and
``results.png`` in the work dir. Finished steps are reused on a re-run.

    python tools/demo.py [--work-dir work_dirs/demo] [--splits 1 2 3]
        [--methods ...] [--quick]
"""
import argparse
import csv
import json
import os
import os.path as osp
import re
import sys
import time

from ..protocols import methods as method_table
from ..protocols.aggregate import aggregate, read_runs
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


def summarise(results, splits):
    """results: [(key, label, {run: metrics})] -> table rows (mean ± std,
    n-1, of :func:`ga2clip.protocols.aggregate.aggregate`)."""
    rows = []
    for key, label, runs in results:
        agg = aggregate([(key, run, m) for run, m in runs.items()])
        stats = agg.get(key, {})
        row = dict(key=key, method=label, n=len(runs))
        for metric in ('base/top1', 'novel/top1', 'HM'):
            row[metric] = (stats[metric][:2] if metric in stats
                           else (float('nan'), 0.0))
        rows.append(row)
    return rows


def markdown(rows, note):
    lines = ['| method | Base | Novel | HM | runs |', '|---|---|---|---|---|']
    for r in rows:
        cells = [f'{r[m][0]:.1f} ± {r[m][1]:.1f}'
                 for m in ('base/top1', 'novel/top1', 'HM')]
        lines.append(f"| {r['method']} | " + ' | '.join(cells) +
                     f" | {r['n']} |")
    return '\n'.join(lines) + '\n\n' + note + '\n'


def write_outputs(work, rows, results, splits, note):
    md = markdown(rows, note)
    with open(osp.join(work, 'results.md'), 'w') as f:
        f.write(md)
    with open(osp.join(work, 'results.csv'), 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['method', 'metric', 'mean', 'std', 'n'])
        for r in rows:
            for m in ('base/top1', 'novel/top1', 'HM'):
                w.writerow([r['key'], m, f'{r[m][0]:.4f}', f'{r[m][1]:.4f}',
                            r['n']])
    with open(osp.join(work, 'results.json'), 'w') as f:
        json.dump(dict(splits=splits, methods={
            key: runs for key, _, runs in results}), f, indent=1)
    from ga2clip.apis.plots import plot_base_novel_hm
    plot_rows = [dict(method=r['method'], split=f"mean of {r['n']}",
                      base_top1=r['base/top1'][0],
                      base_top1_std=r['base/top1'][1],
                      novel_top1=r['novel/top1'][0],
                      novel_top1_std=r['novel/top1'][1],
                      HM=r['HM'][0], HM_std=r['HM'][1]) for r in rows]
    for r in plot_rows:
        r['split'] = 'synthetic world'
    png = plot_base_novel_hm(plot_rows, osp.join(work, 'results.png'),
                             title='Synthetic base-to-novel, top-1 (%), '
                             'mean ± std over splits')
    return md, png


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
        if '{split}' not in method.synthetic_b2n:
            # test only: the same run serves all splits
            runs = {f's{s}': next(iter(runs.values())) for s in splits}
        results.append((method.key, method.label, runs))

    rows = summarise(results, splits)
    note = (f'Synthetic world `{world}`: base {len(splits)} split(s) '
            f'{", ".join(f"s{s}" for s in splits)}; mean ± std (n-1) over '
            'splits; the zero-shot row is one test run (it trains nothing '
            'and the test set is the same for every split). Work dir: '
            f'`{work}`. Total time {time.time() - t0:.0f} s.')
    md, png = write_outputs(work, rows, results, splits, note)
    progress.step('summary written')
    print('\n' + md)
    print(f'table: {work}/results.md, {work}/results.csv; chart: {png}')
    return 0
