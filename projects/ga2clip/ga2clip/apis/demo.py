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
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
CONFIGS = ROOT / 'projects' / 'ga2clip' / 'configs' / 'synthetic'
DEFAULT_WORLD = 'data/synthetic/world'
CLIP_CKPT = os.environ.get('GA2CLIP_SYNTH_CLIP', 'checkpoints/ga2clip-synth.pt')

# (key, label, config pattern; '{s}' is the split, absent = test only)
METHODS = [
    ('clip-zeroshot', 'CLIP zero-shot', 'clip-zeroshot_synth_b2n.py'),
    ('ivlp', 'IVLP', 'ivlp_synth_b2n_s{s}.py'),
    ('ga2clip-official', 'GA2-CLIP, official anchors (no-op)',
     'ga2clip-official_synth_b2n_s{s}.py'),
    ('ga2clip-else', 'GA2-CLIP, else-class anchors',
     'ga2clip-else_synth_b2n_s{s}.py'),
    ('ga2clip-kl', 'GA2-CLIP, KL anchors', 'ga2clip-kl_synth_b2n_s{s}.py'),
    ('ga2clip-margin', 'GA2-CLIP, margin anchors',
     'ga2clip-margin_synth_b2n_s{s}.py'),
]
STAGE1 = 'ivlp_synth_stage1_aux.py'
QUICK_COUNTS = dict(base_train=6, base_test=1, novel_test=1, aux_train=2,
                    aux_test=1, anchor=8)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--work-dir', default='work_dirs/demo')
    p.add_argument('--world', default=None,
                   help=f'world folder (default {DEFAULT_WORLD}; --quick: '
                   '<work-dir>/world)')
    p.add_argument('--splits', type=int, nargs='+', default=[1, 2, 3],
                   choices=[1, 2, 3])
    p.add_argument('--methods', nargs='+', default=[m[0] for m in METHODS],
                   choices=[m[0] for m in METHODS])
    p.add_argument('--epochs', type=int, default=None,
                   help='override the configs\' epochs (default: theirs)')
    p.add_argument('--quick', action='store_true',
                   help='a reduced smoke run: tiny world (2 shots, 1 test '
                   'clip per class), 1 epoch, split 1 unless --splits')
    p.add_argument('--workers', type=int, default=2,
                   help='processes that render the world')
    return p.parse_args(argv)


class Progress:
    def __init__(self, total):
        self.total, self.done, self.t0 = total, 0, time.time()

    def step(self, what):
        self.done += 1
        print(f'[{self.done}/{self.total} | {time.time() - self.t0:5.0f}s] '
              f'{what}', flush=True)


def _run(cmd, log=None, echo=None):
    """Run a step; its output goes to ``log``. Lines for which ``echo``
    returns True are also printed (per-run progress)."""
    cmd = [str(c) for c in cmd]
    if log is None:
        proc = subprocess.run(cmd, cwd=ROOT)
        returncode = proc.returncode
    else:
        os.makedirs(osp.dirname(log), exist_ok=True)
        with open(log, 'a') as f:
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True)
            for line in proc.stdout:
                f.write(line)
                shown = echo(line) if echo is not None else None
                if shown:
                    print('      ' + shown, flush=True)
            returncode = proc.wait()
    if returncode != 0:
        where = f' (log: {log})' if log else ''
        raise SystemExit(f'error: step failed: {" ".join(cmd)}{where}')


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
        cmd = [sys.executable, 'tools/train.py', CONFIGS / STAGE1,
               '--work-dir', tdir]
        if epoch_opts:
            cmd += ['--cfg-options', *epoch_opts]
        _run(cmd, log=osp.join(work, 'stage1.log'))
        progress.step('stage 1 (IVLP on auxiliary classes): trained')
    with open(last) as f:
        path = f.read().strip()
    return path if osp.isabs(path) else osp.join(tdir, osp.basename(path))


def run_method(key, pattern, splits, work, opts, progress):
    """Train + test every split of one method via tools/run_protocol.py;
    return the path of its runs.csv."""
    configs = ([CONFIGS / pattern.format(s=s) for s in splits]
               if '{s}' in pattern else [CONFIGS / pattern])
    cmd = [sys.executable, 'tools/run_protocol.py', 'custom', '--configs',
           *configs, '--name', key, '--work-dir', osp.join(work, key),
           '--no-validate']
    if opts:
        cmd += ['--cfg-options', *opts]
    _run(cmd, log=osp.join(work, f'{key}.log'), echo=_run_result)
    progress.step(f'{key}: {len(configs)} run(s) trained and tested')
    return osp.join(work, key, f'custom_{key}', 'runs.csv')


def read_runs(path):
    """{run: {metric: value}} from run_protocol's runs.csv."""
    runs = {}
    with open(path, newline='') as f:
        for row in csv.DictReader(f):
            runs.setdefault(row['run'], {})[row['metric']] = float(
                row['value'])
    return runs


def _mean_std(values):
    n = len(values)
    mean = sum(values) / n
    var = sum((v - mean) ** 2 for v in values) / (n - 1) if n > 1 else 0.0
    return mean, var ** 0.5


def summarise(results, splits):
    """results: [(key, label, {run: metrics})] -> table rows."""
    rows = []
    for key, label, runs in results:
        row = dict(key=key, method=label, n=len(runs))
        for metric in ('base/top1', 'novel/top1', 'HM'):
            vals = [m[metric] for m in runs.values() if metric in m]
            row[metric] = _mean_std(vals) if vals else (float('nan'), 0.0)
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

    methods = [m for m in METHODS if m[0] in args.methods]
    needs_stage1 = any(k.startswith('ga2clip') for k, _, _ in methods)
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
    for key, label, pattern in methods:
        method_opts = opts_ga2 if key.startswith('ga2clip') else (
            opts if '{s}' in pattern else [])
        runs_csv = run_method(key, pattern, splits, work, method_opts,
                              progress)
        runs = read_runs(runs_csv)
        if '{s}' not in pattern:  # test only: the same run serves all splits
            runs = {f's{s}': next(iter(runs.values())) for s in splits}
        results.append((key, label, runs))

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
