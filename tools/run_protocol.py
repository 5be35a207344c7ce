#!/usr/bin/env python
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

Common options: ``--method {ga2clip,ivlp,clip-zeroshot}``, ``--splits 1 2``
(a subset), ``--num-frames {8,16,32}``, ``--select {last,best}`` (``last``:
the last epoch, the default; ``best``: best epoch on the held-out *training*
videos of the config's val set, never on the test split), ``--gpus N``
(``tools/dist_train.sh``/``dist_test.sh``), ``--work-dir``,
``--cfg-options`` (passed to train and test), ``--dry-run``.

Each run lives in ``<work-dir>/<protocol>/<run>/`` (``train/``, ``test/``,
``metrics.json``). A run with ``metrics.json`` is finished and is not redone;
an interrupted training resumes from its last checkpoint. Results:
``<work-dir>/<protocol>/results.csv`` (group, metric, mean, std, n, runs),
``results.md`` (a markdown table, mean ± std with the sample standard
deviation, n-1) and ``runs.csv`` (every run's metrics).
"""
import argparse
import csv
import glob
import json
import math
import os
import os.path as osp
import subprocess
import sys
from collections import OrderedDict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / 'projects' / 'ga2clip' / 'configs'
ZS_TARGETS = {
    'hmdb51': [f'hmdb51_val{s}' for s in (1, 2, 3)],
    'ucf101': [f'ucf101_val{s}' for s in (1, 2, 3)],
    'k600': [f'k600_s{s}' for s in (1, 2, 3)],
}


class UsageError(Exception):
    pass


# ------------------------------------------------------------------ plan
def plan_runs(args):
    """[(group, run name, config, train config or None, extra train args)]
    plus the zero-shot training config (or None)."""
    m = args.method
    runs = []
    if args.protocol == 'b2n':
        for s in args.splits or (1, 2, 3):
            cfg = CONFIGS / 'base2novel' / f'{m}_vit-b16_b2n_{args.dataset}_s{s}.py'
            runs.append((f'{args.dataset}', f's{s}', cfg))
    elif args.protocol == 'fewshot':
        for k in args.shots or (2, 4, 8, 16):
            cfg = (CONFIGS / 'fewshot' /
                   f'{m}_vit-b16_fewshot_{args.dataset}_k{k}.py')
            runs.append((f'{args.dataset}_k{k}', f'k{k}', cfg))
    elif args.protocol == 'zeroshot':
        if args.dataset not in ZS_TARGETS:
            raise UsageError(f'zeroshot --dataset must be one of '
                             f'{sorted(ZS_TARGETS)}')
        targets = ZS_TARGETS[args.dataset]
        if args.splits:
            targets = [targets[s - 1] for s in args.splits]
        for t in targets:
            cfg = CONFIGS / 'zeroshot' / f'{m}_vit-b16_zs_eval_{t}.py'
            runs.append((args.dataset, t, cfg))
    else:
        if not args.configs:
            raise UsageError('custom needs --configs')
        for path in args.configs:
            runs.append((args.name, Path(path).stem, Path(path)))
    seeds = args.seeds or [None]
    out = []
    for group, name, cfg in runs:
        if not cfg.is_file():
            raise UsageError(f'config not found: {cfg}')
        for seed in seeds:
            out.append((group, name if seed is None else f'{name}_seed{seed}',
                        cfg, seed))
    zs_train = None
    if args.protocol == 'zeroshot' and m != 'clip-zeroshot':
        zs_train = CONFIGS / 'zeroshot' / f'{m}_vit-b16_zs_k400_train.py'
    return out, zs_train


# ------------------------------------------------------------- commands
_LOADED = {}


def _load(cfg_path):
    from mmengine.config import Config
    key = str(cfg_path)
    if key not in _LOADED:
        _LOADED[key] = Config.fromfile(key, import_custom_modules=False)
    return _LOADED[key]


def _options(cfg_path, args):
    """--cfg-options for a config: the user's plus frame count / selection,
    only for the dataloaders the config has."""
    cfg = _load(cfg_path)
    opts = list(args.cfg_options or [])
    if args.num_frames:
        for loader in ('train_dataloader', 'val_dataloader',
                       'test_dataloader'):
            if cfg.get(loader):
                opts.append(f'{loader}.dataset.num_frames={args.num_frames}')
    trains = bool(cfg.get('train_dataloader'))
    if args.select == 'best' and trains:
        if args.no_validate:
            raise UsageError('--select best needs validation')
        if not cfg.get('val_dataloader'):
            raise UsageError(f'{cfg_path}: --select best needs a val set')
        opts += ['default_hooks.checkpoint.save_best=top1',
                 'default_hooks.checkpoint.rule=greater']
    return opts, trains


def _tool(script, args):
    if args.gpus and args.gpus > 1:
        return ['bash', str(ROOT / 'tools' / f'dist_{script}.sh')]
    return [sys.executable, str(ROOT / 'tools' / f'{script}.py')]


def _call(cmd, args, log):
    print('$ ' + ' '.join(map(str, cmd)), flush=True)
    if args.dry_run:
        return
    os.makedirs(osp.dirname(log), exist_ok=True)
    with open(log, 'a') as f:
        proc = subprocess.run(list(map(str, cmd)), cwd=ROOT, stdout=f,
                              stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        tail = Path(log).read_text().strip().splitlines()[-5:]
        raise RuntimeError(f'{cmd[1] if len(cmd) > 1 else cmd[0]} failed '
                           f'(exit {proc.returncode}); log {log}:\n  ' +
                           '\n  '.join(tail))


def train(cfg, work, seed, args):
    """Train (resuming an interrupted run) and return the checkpoint."""
    opts, _ = _options(cfg, args)
    tdir = osp.join(work, 'train')
    cmd = _tool('train', args) + [cfg]
    if args.gpus and args.gpus > 1:
        cmd.append(args.gpus)
    cmd += ['--work-dir', tdir]
    if osp.isfile(osp.join(tdir, 'last_checkpoint')):
        cmd.append('--resume')
    if seed is not None:
        cmd += ['--seed', seed]
    if args.no_validate:
        cmd.append('--no-validate')
    if opts:
        cmd += ['--cfg-options', *opts]
    _call(cmd, args, osp.join(work, 'train.log'))
    if args.dry_run:
        return osp.join(tdir, 'epoch_N.pth')
    return pick_checkpoint(tdir, args.select)


def pick_checkpoint(tdir, select):
    if select == 'best':
        best = sorted(glob.glob(osp.join(tdir, 'best_*.pth')))
        if not best:
            raise RuntimeError(f'no best_*.pth in {tdir}')
        return best[-1]
    with open(osp.join(tdir, 'last_checkpoint')) as f:
        path = f.read().strip()
    if not osp.isabs(path) and not osp.isfile(path):
        path = osp.join(tdir, osp.basename(path))
    return path


def read_test_metrics(tdir):
    """Metrics of the newest mmengine test log json in ``tdir``."""
    files = sorted(glob.glob(osp.join(tdir, '*', '*.json')),
                   key=osp.getmtime)
    for path in reversed(files):
        with open(path) as f:
            lines = [json.loads(ln) for ln in f if ln.strip()]
        for row in reversed(lines):
            metrics = {k: v for k, v in row.items()
                       if isinstance(v, (int, float)) and k not in (
                           'step', 'epoch', 'iter', 'time', 'data_time')}
            if metrics:
                return metrics
    raise RuntimeError(f'no test metrics found under {tdir}')


def test(cfg, ckpt, work, args):
    opts, _ = _options(cfg, args)
    tdir = osp.join(work, 'test')
    cmd = _tool('test', args) + [cfg, ckpt]
    if args.gpus and args.gpus > 1:
        cmd.append(args.gpus)
    cmd += ['--work-dir', tdir]
    if opts:
        cmd += ['--cfg-options', *opts]
    _call(cmd, args, osp.join(work, 'test.log'))
    return {} if args.dry_run else read_test_metrics(tdir)


# ------------------------------------------------------------ aggregate
def mean_std(values):
    n = len(values)
    mean = sum(values) / n
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) \
        if n > 1 else 0.0
    return mean, std


def aggregate(results):
    """results: [(group, run, metrics)] -> {group: {metric: (mean, std, n,
    [values])}} (metrics in first-seen order)."""
    out = OrderedDict()
    for group, _, metrics in results:
        g = out.setdefault(group, OrderedDict())
        for key, value in metrics.items():
            g.setdefault(key, []).append(float(value))
    return OrderedDict(
        (group, OrderedDict((k, (*mean_std(v), len(v), v))
                            for k, v in metrics.items()))
        for group, metrics in out.items())


def write_results(out_dir, results):
    os.makedirs(out_dir, exist_ok=True)
    agg = aggregate(results)
    with open(osp.join(out_dir, 'runs.csv'), 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['group', 'run', 'metric', 'value'])
        for group, run, metrics in results:
            for k, v in metrics.items():
                w.writerow([group, run, k, f'{v:.4f}'])
    with open(osp.join(out_dir, 'results.csv'), 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['group', 'metric', 'mean', 'std', 'n', 'runs'])
        for group, metrics in agg.items():
            for k, (mean, std, n, values) in metrics.items():
                w.writerow([group, k, f'{mean:.4f}', f'{std:.4f}', n,
                            ' '.join(f'{v:.4f}' for v in values)])
    lines = []
    for group, metrics in agg.items():
        keys = list(metrics)
        lines.append(f'| {group} | ' + ' | '.join(keys) + ' |')
        lines.append('|---|' + '---|' * len(keys))
        for g, run, m in results:
            if g == group:
                lines.append(f'| {run} | ' + ' | '.join(
                    f'{m[k]:.2f}' if k in m else '-' for k in keys) + ' |')
        lines.append(f'| mean ± std (n={metrics[keys[0]][2]}) | ' + ' | '.join(
            f'{metrics[k][0]:.2f} ± {metrics[k][1]:.2f}' for k in keys) + ' |')
        lines.append('')
    md = '\n'.join(lines)
    with open(osp.join(out_dir, 'results.md'), 'w') as f:
        f.write(md)
    return md


# ------------------------------------------------------------------ main
def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description='Train and test all splits of a protocol.',
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument('protocol', choices=['b2n', 'fewshot', 'zeroshot',
                                        'custom'])
    p.add_argument('--dataset', default='hmdb51',
                   help='k400, hmdb51, ucf101, ssv2 (zeroshot: hmdb51, '
                   'ucf101, k600)')
    p.add_argument('--method', default='ga2clip',
                   choices=['ga2clip', 'ivlp', 'clip-zeroshot'])
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
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT / 'projects' / 'ga2clip'))
    try:
        runs, zs_train = plan_runs(args)
        tag = (f'{args.protocol}_{args.method}_{args.dataset}'
               if args.protocol != 'custom' else f'custom_{args.name}')
        if args.num_frames:
            tag += f'_f{args.num_frames}'
        if args.select == 'best':
            tag += '_best'
        root = osp.join(args.work_dir, tag)
        zs_ckpt = None
        results = []
        for group, name, cfg, seed in runs:
            work = osp.join(root, name)
            done = osp.join(work, 'metrics.json')
            if osp.isfile(done):
                with open(done) as f:
                    metrics = json.load(f)
                print(f'[{name}] finished earlier: {metrics}')
                results.append((group, name, metrics))
                continue
            _, trains = _options(cfg, args)
            if zs_train is not None:
                if zs_ckpt is None:
                    zs_ckpt = train(zs_train, osp.join(root, 'k400_train'),
                                    seed, args)
                ckpt = zs_ckpt
            elif trains and args.method != 'clip-zeroshot':
                ckpt = train(cfg, work, seed, args)
            else:
                ckpt = 'none'
            metrics = test(cfg, ckpt, work, args)
            if args.dry_run:
                continue
            with open(done + '.tmp', 'w') as f:
                json.dump(metrics, f, indent=1)
            os.replace(done + '.tmp', done)
            print(f'[{name}] ' + ', '.join(f'{k} {v:.2f}'
                                          for k, v in metrics.items()))
            results.append((group, name, metrics))
        if results:
            print(write_results(root, results))
            print(f'results: {root}/results.csv, results.md, runs.csv')
        return 0
    except UsageError as exc:
        print(f'error: {exc}', file=sys.stderr)
        return 2
    except RuntimeError as exc:
        print(f'error: {exc}', file=sys.stderr)
        return 1


if __name__ == '__main__':
    sys.exit(main())
