"""Which runs a protocol is made of: configs from the method table, one run
per split (b2n, synthetic), K (fewshot), zero-shot target or given config
(custom), times the training seeds."""
import os.path as osp
from pathlib import Path

from . import methods


class UsageError(Exception):
    """A bad command line (exit status 2)."""


#: run_protocol's protocols -> the method-table field holding each
#: method's config pattern (``custom`` takes ``--configs`` instead)
PROTOCOL_FIELDS = {'b2n': 'b2n', 'fewshot': 'fewshot',
                   'zeroshot': 'zeroshot_eval'}
#: the synthetic world's protocols (one run per split, ``--no-validate``,
#: GA2 entries get stage 1's hard prompt): protocol -> method-table field.
#: Another one is one line here; a method whose entry lacks the field (or
#: has None) lacks the protocol.
SYNTHETIC_PROTOCOLS = {'synthetic': 'synthetic_b2n',
                       'synthetic_temporal': 'synthetic_temporal'}
PROTOCOL_FIELDS.update(SYNTHETIC_PROTOCOLS)
PROTOCOLS = (*PROTOCOL_FIELDS, 'custom')
#: the protocols whose runs report base/top1, novel/top1 and HM, i.e. the
#: ones a ``--methods`` leaderboard is made for
B2N_PROTOCOLS = ('b2n', *SYNTHETIC_PROTOCOLS)
#: other spellings of method keys (the issue's ``zero-shot``)
ALIASES = {'zero-shot': 'clip-zeroshot', 'zeroshot': 'clip-zeroshot'}
#: the run name of a split-less synthetic pattern: one test-only run that
#: serves every split (frozen CLIP zero-shot)
ALL_SPLITS = 'all_splits'


def resolve_method(key):
    """The table entry of ``key`` (or an alias of it); :class:`UsageError`
    for an unknown one."""
    try:
        return methods.get(ALIASES.get(key, key))
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None


def method_protocols(method):
    """run_protocol's protocols ``method`` has configs for."""
    return [p for p, field in PROTOCOL_FIELDS.items()
            if getattr(method, field, None)]


def _pattern(method, protocol):
    field = PROTOCOL_FIELDS.get(protocol, protocol)
    pattern = getattr(method, field, None)
    if pattern is None:
        having = [m.key for m in methods.METHODS
                  if getattr(m, field, None)]
        raise UsageError(
            f'method {method.key} has no {protocol} configs (its protocols: '
            f'{", ".join(method_protocols(method)) or "none"}; methods with '
            f'{protocol}: {", ".join(having) or "none"}); see '
            'ga2clip/protocols/methods.py')
    return pattern


def plan_runs(args):
    """``[(group, run name, config, seed)]`` of a parsed command line plus
    the zero-shot training config (or None)."""
    method = resolve_method(args.method)
    runs = []
    if args.protocol in SYNTHETIC_PROTOCOLS:
        pattern = _pattern(method, args.protocol)
        if '{split}' in pattern:
            for s in args.splits or methods.SPLITS:
                runs.append((args.protocol, f's{s}',
                             methods.config(pattern, split=s)))
        else:  # test only, the same test set for every split
            runs.append((args.protocol, ALL_SPLITS,
                         methods.config(pattern)))
    elif args.protocol == 'b2n':
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
        pattern = _pattern(method, 'zeroshot')
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


def _suffix(args):
    return (f'_f{args.num_frames}' if args.num_frames else '') + (
        '_best' if args.select == 'best' else '')


def run_dir(args):
    """``<work-dir>/<tag>``: where the runs and tables of a command live
    (``<protocol>_<method>_<dataset>``; the synthetic protocols have no
    dataset: ``<protocol>_<method>``)."""
    key = ALIASES.get(args.method, args.method)
    if args.protocol == 'custom':
        tag = f'custom_{args.name}'
    elif args.protocol in SYNTHETIC_PROTOCOLS:
        tag = f'{args.protocol}_{key}'
    else:
        tag = f'{args.protocol}_{key}_{args.dataset}'
    return osp.join(args.work_dir, tag + _suffix(args))


def leaderboard_dir(args):
    """``<work-dir>/leaderboard_<protocol>[_<dataset>]``: the table and
    chart of a ``--methods`` command."""
    tag = f'leaderboard_{args.protocol}'
    if args.protocol not in SYNTHETIC_PROTOCOLS:
        tag += f'_{args.dataset}'
    return osp.join(args.work_dir, tag + _suffix(args))


def stage1_dir(args):
    """``<work-dir>/synthetic_stage1``: the synthetic protocols' stage 1
    (IVLP on the world's auxiliary classes -> GA2's hard prompt), trained
    once and reused by every GA2 entry of every synthetic protocol (one
    config, ``methods.SYNTHETIC_STAGE1``, whatever the protocol)."""
    return osp.join(args.work_dir, 'synthetic_stage1' + _suffix(args))
