"""Which runs a protocol is made of: configs from the method table, one run
per split (b2n), K (fewshot), zero-shot target or given config (custom),
times the training seeds."""
import os.path as osp
from pathlib import Path

from . import methods


class UsageError(Exception):
    """A bad command line (exit status 2)."""


def _pattern(method, protocol):
    pattern = getattr(method, protocol)
    if pattern is None:
        having = [m.key for m in methods.METHODS if getattr(m, protocol)]
        raise UsageError(f'method {method.key} has no {protocol} configs '
                         f'(methods with: {", ".join(having)}); see '
                         'ga2clip/protocols/methods.py')
    return pattern


def plan_runs(args):
    """``[(group, run name, config, seed)]`` of a parsed command line plus
    the zero-shot training config (or None)."""
    method = methods.get(args.method)
    runs = []
    if args.protocol == 'b2n':
        pattern = _pattern(method, 'b2n')
        for s in args.splits or methods.SPLITS:
            runs.append((args.dataset, f's{s}', methods.config(
                pattern, dataset=args.dataset, split=s)))
    elif args.protocol == 'fewshot':
        pattern = _pattern(method, 'fewshot')
        for k in args.shots or methods.SHOTS:
            runs.append((f'{args.dataset}_k{k}', f'k{k}', methods.config(
                pattern, dataset=args.dataset, shots=k)))
    elif args.protocol == 'zeroshot':
        if args.dataset not in methods.ZS_TARGETS:
            raise UsageError(f'zeroshot --dataset must be one of '
                             f'{sorted(methods.ZS_TARGETS)}')
        pattern = _pattern(method, 'zeroshot_eval')
        targets = methods.ZS_TARGETS[args.dataset]
        if args.splits:
            targets = [targets[s - 1] for s in args.splits]
        for t in targets:
            runs.append((args.dataset, t, methods.config(pattern, target=t)))
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
    if args.protocol == 'zeroshot' and method.zeroshot_train:
        zs_train = methods.config(method.zeroshot_train)
    return out, zs_train


def run_dir(args):
    """``<work-dir>/<tag>``: where the runs and tables of a command live."""
    tag = (f'{args.protocol}_{args.method}_{args.dataset}'
           if args.protocol != 'custom' else f'custom_{args.name}')
    if args.num_frames:
        tag += f'_f{args.num_frames}'
    if args.select == 'best':
        tag += '_best'
    return osp.join(args.work_dir, tag)
