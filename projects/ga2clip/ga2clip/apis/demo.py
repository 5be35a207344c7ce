"""The embedded default: base-to-novel comparisons on the synthetic world,
run with the real tools -- the demo *is* ``tools/run_protocol.py
<protocol> --methods ...``
(:func:`ga2clip.protocols.leaderboard.run_leaderboard` ->
``tools/train.py`` / ``tools/test.py``, the configs in
``projects/ga2clip/configs/synthetic/``), called in this process, once per
world and protocol.

Steps: generate (or reuse) the world of every world seed; check the shipped
tiny CLIP; per world: stage 1 (IVLP on the auxiliary classes -> GA2's hard
prompt, shared by both protocols), then for each protocol (``synthetic``:
the world's base-to-novel; ``synthetic_temporal``: the temporal split,
classes that differ only in how the object moves) every method and split.
One progress line per finished run with the elapsed time and an ETA. Then
one Base / Novel / HM leaderboard per protocol over every (world, split) run
(mean ± std, each method's paired difference to IVLP on the same world and
split; :mod:`ga2clip.protocols.leaderboard`), printed and written to
``<work-dir>/b2n/results.{md,csv,json,png}`` and
``<work-dir>/temporal/results.{md,csv,json,png}``. Finished runs are reused
on a re-run.

The default run: the method table's ``demo_default`` entries, world seed 0,
splits 1 2 3, both protocols; ``--full``: every ``in_demo`` entry and world
seeds 0 1 2. The steps run inside this one process
(``GA2CLIP_INPROCESS=1`` unless set to 0;
:func:`~ga2clip.protocols.runner.run_step`).

    python tools/demo.py [--full] [--quick] [--work-dir work_dirs/demo]
        [--protocols synthetic synthetic_temporal] [--splits 1 2 3]
        [--world-seeds 0 1 2] [--methods ...] [--epochs N]
"""
import argparse
import contextlib
import copy
import io
import json
import os
import os.path as osp
import re
import sys
import time
from collections import namedtuple

from ..protocols import methods as method_table
from ..protocols.runner import INPROCESS_ENV, ROOT

DEFAULT_WORLD = 'data/synthetic/world'
CLIP_CKPT = os.environ.get('GA2CLIP_SYNTH_CLIP', 'checkpoints/ga2clip-synth.pt')
QUICK_COUNTS = dict(base_train=6, base_test=1, novel_test=1, aux_train=2,
                    aux_test=1, anchor=8, temporal_train=6,
                    temporal_base_test=1, temporal_novel_test=1)
#: the demo's protocols -> the folder of their leaderboard in the work dir
PROTOCOLS = {'synthetic': 'b2n', 'synthetic_temporal': 'temporal'}
TITLES = {'synthetic': 'Synthetic base-to-novel',
          'synthetic_temporal': 'Synthetic temporal split'}
FULL_WORLD_SEEDS = [0, 1, 2]

#: one unit of work: a run (``protocol`` set) or a world's stage 1
#: (``protocol`` None); ``trains`` False: a cheap test-only run
Unit = namedtuple('Unit', 'world protocol method run trains')


def build_parser():
    """The parser of ``tools/demo.py``; ``--methods`` are the method table's
    :func:`~ga2clip.protocols.methods.demo_methods`."""
    keys = [m.key for m in method_table.demo_methods()]
    default = [m.key for m in method_table.demo_default_methods()]
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--work-dir', default='work_dirs/demo')
    p.add_argument('--world', default=None,
                   help=f'the folder of world seed 0 (default '
                   f'{DEFAULT_WORLD}; --quick: <work-dir>/world); seed k: '
                   'the same name + _seed<k>')
    p.add_argument('--world-seeds', type=int, nargs='+', default=None,
                   help='one world per seed (default 0; --full: 0 1 2)')
    p.add_argument('--protocols', nargs='+', choices=list(PROTOCOLS),
                   default=list(PROTOCOLS))
    p.add_argument('--splits', type=int, nargs='+', default=None,
                   choices=[1, 2, 3],
                   help='training splits (default 1 2 3; --quick: 1)')
    p.add_argument('--methods', nargs='+', default=None, choices=keys,
                   help=f'default: {" ".join(default)}; --full: every one')
    p.add_argument('--full', action='store_true',
                   help='every method of the demo and world seeds 0 1 2')
    p.add_argument('--epochs', type=int, default=None,
                   help='override the configs\' epochs (default: theirs)')
    p.add_argument('--quick', action='store_true',
                   help='a reduced smoke run: tiny world (2 shots, 1 test '
                   'clip per class), 1 epoch, split 1 unless --splits')
    p.add_argument('--workers', type=int, default=2,
                   help='processes that render the world')
    return p


def parse_args(argv=None):
    """Parsed ``tools/demo.py`` arguments with the defaults that depend on
    ``--full`` / ``--quick`` filled in (methods, world seeds, splits)."""
    args = build_parser().parse_args(argv)
    # the default run's temporal rows are a subset (protocol_methods)
    args.default_methods = args.methods is None and not args.full
    if args.methods is None:
        args.methods = [m.key for m in (
            method_table.demo_methods() if args.full
            else method_table.demo_default_methods())]
    if args.world_seeds is None:
        args.world_seeds = list(FULL_WORLD_SEEDS) if args.full else [0]
    if args.splits is None:
        args.splits = [1] if args.quick else [1, 2, 3]
    args.world_seeds = list(dict.fromkeys(args.world_seeds))
    return args


def world_dir(args, seed):
    """The world folder of a world seed: ``--world`` (default
    ``data/synthetic/world``; --quick: ``<work-dir>/world``) for seed 0,
    that name + ``_seed<k>`` for seed k."""
    base = args.world or (osp.join(args.work_dir, 'world') if args.quick
                          else DEFAULT_WORLD)
    return base if seed == 0 else f'{base}_seed{seed}'


def world_work_dir(args, seed):
    """``<work-dir>/w<seed>``: run_protocol's work dir for one world."""
    return osp.join(args.work_dir, f'w{seed}')


def cfg_options(args):
    epochs = 1 if args.quick and args.epochs is None else args.epochs
    return [f'train_cfg.max_epochs={epochs}'] if epochs else []


def protocol_methods(args, protocol):
    """The methods the demo runs under ``protocol``: ``--methods`` (or
    ``--full``'s every demo method); the default run's temporal split keeps
    the frame-mean references and the frame-order methods of the default
    set (:func:`~ga2clip.protocols.methods.demo_default_temporal_methods`):
    the other frame-mean methods are bounded there by the same 50% order
    accuracy, and leaving them out keeps the default run within its 10
    minutes."""
    if protocol == 'synthetic_temporal' and getattr(
            args, 'default_methods', False):
        keep = {m.key for m in method_table.demo_default_temporal_methods()}
        return [k for k in args.methods if k in keep]
    return list(args.methods)


def needs_stage1(args):
    """Whether a method the demo runs (any protocol) needs stage 1's hard
    prompt."""
    return any(method_table.get(k).hard_prompt for p in args.protocols
               for k in protocol_methods(args, p))


def protocol_argv(args, seed, protocol):
    """The ``tools/run_protocol.py`` command line the demo runs for one
    world and protocol (without the program name)."""
    argv = [protocol, '--methods', *protocol_methods(args, protocol),
            '--splits', *map(str, args.splits),
            '--work-dir', world_work_dir(args, seed), '--no-validate']
    opts = cfg_options(args)
    if opts:
        argv += ['--cfg-options', *opts]
    return argv


def _protocol_args(args, seed, protocol):
    from ..protocols.cli import parse_args as run_protocol_args
    return run_protocol_args(protocol_argv(args, seed, protocol))


def _run_name(args, seed, name):
    """A run's name in the demo's tables: ``s2`` (one world) or ``w1_s2``."""
    return name if len(args.world_seeds) == 1 else f'w{seed}_{name}'


def plan(args):
    """Every :class:`Unit` of the demo, in the order it runs: per world,
    stage 1 (when a GA2 entry is in ``--methods``), then per protocol every
    method's runs (their names from run_protocol's own plan)."""
    from ..protocols.plan import plan_runs
    units = []
    for seed in args.world_seeds:
        if needs_stage1(args):
            units.append(Unit(seed, None, 'stage 1', None, True))
        for protocol in args.protocols:
            pargs = _protocol_args(args, seed, protocol)
            for m in map(method_table.get, protocol_methods(args, protocol)):
                one = copy.copy(pargs)
                one.method = m.key
                for _, name, _, _ in plan_runs(one)[0]:
                    units.append(Unit(seed, protocol, m.key, name, m.trains))
    return units


class Progress:
    """``[k/N | 123s elapsed | ETA 245s] <what>``: the ETA is the mean time
    of the training runs finished in this process times the training runs
    left, plus the same for the (cheap) test-only runs; reused runs count
    as done and take no time."""

    def __init__(self, units, stream=None):
        self.total, self.done = len(units), 0
        self.left = {True: sum(u.trains for u in units),
                     False: sum(not u.trains for u in units)}
        self.spent = {True: [0.0, 0], False: [0.0, 0]}
        self.stream = stream or sys.stdout
        self.t0 = self.last = time.time()

    def elapsed(self):
        return time.time() - self.t0

    def mark(self):
        """Start timing the next unit now."""
        self.last = time.time()

    def eta(self):
        rest = 0.0
        for kind in (True, False):
            seconds, n = self.spent[kind]
            if self.left[kind] and n:
                rest += seconds / n * self.left[kind]
            elif self.left[kind] and kind:  # no training run timed yet
                return '?'
        return f'{rest:.0f}s'

    def step(self, trains, what, reused=False):
        now = time.time()
        if not reused:
            self.spent[trains][0] += now - self.last
            self.spent[trains][1] += 1
        self.last = now
        self.done += 1
        self.left[trains] -= 1
        self.say(f'[{self.done}/{self.total} | {self.elapsed():.0f}s '
                 f'elapsed | ETA {self.eta()}] {what}')

    def say(self, line):
        print(line, file=self.stream, flush=True)


class _LineTee(io.TextIOBase):
    """A text stream that appends to ``log`` and calls ``on_line`` with
    every complete line (run_protocol's output: the demo's progress)."""

    def __init__(self, log, on_line):
        self.log, self.on_line, self.buf = log, on_line, ''

    def writable(self):
        return True

    def write(self, s):
        self.log.write(s)
        self.buf += s
        while '\n' in self.buf:
            line, self.buf = self.buf.split('\n', 1)
            self.on_line(line)
        return len(s)

    def flush(self):
        self.log.flush()


# run_protocol's lines: "== [2/8] ivlp: IVLP ==" (a method starts) and
# "[s1] base/top1 ..." / "[s1] finished earlier: {...}" (a run is done)
_METHOD_LINE = re.compile(r'^== \[\d+/\d+\] (\S+): ')
_RUN_LINE = re.compile(r'^\[([^\]]+)\] ')


def _result(metrics):
    return (f"base {metrics['base/top1']:.1f}  novel "
            f"{metrics['novel/top1']:.1f}  HM {metrics['HM']:.1f}")


def _run_protocol(args, seed, protocol, progress):
    """``run_protocol <protocol> --methods ...`` for one world in this
    process (its output to ``<work-dir>/w<seed>/<protocol>.log``, a progress
    line per finished run); return ``{method: {run: metrics}}``."""
    from ..protocols.leaderboard import run_leaderboard
    from ..protocols.plan import leaderboard_dir, run_dir
    pargs = _protocol_args(args, seed, protocol)
    log = osp.join(world_work_dir(args, seed), f'{protocol}.log')
    os.makedirs(osp.dirname(log), exist_ok=True)
    state = dict(method=None)

    def on_line(line):
        found = _METHOD_LINE.match(line)
        if found:
            state['method'] = method_table.get(found.group(1))
            return
        found = _RUN_LINE.match(line)
        if not found or state['method'] is None or \
                found.group(1) == 'stage 1':
            return
        method, name = state['method'], found.group(1)
        one = copy.copy(pargs)
        one.method = method.key
        with open(osp.join(run_dir(one), name, 'metrics.json')) as f:
            metrics = json.load(f)
        reused = 'finished earlier' in line
        progress.step(method.trains,
                      f'{method.key} {protocol} '
                      f'{_run_name(args, seed, name)}: {_result(metrics)}'
                      + (' (finished earlier, reused)' if reused else ''),
                      reused=reused)

    command = ' '.join(protocol_argv(args, seed, protocol))
    with open(log, 'a') as f:
        f.write(f'$ GA2CLIP_SYNTH_ROOT={os.environ["GA2CLIP_SYNTH_ROOT"]} '
                f'python tools/run_protocol.py {command}\n')
        with contextlib.redirect_stdout(_LineTee(f, on_line)):
            run_leaderboard(pargs)
    with open(osp.join(leaderboard_dir(pargs), 'leaderboard.json')) as f:
        return json.load(f)['methods']


def _stage1(args, seed, progress):
    """Stage 1 of one world (run_protocol's own, shared by the synthetic
    protocols), before its runs, so that it has a progress line."""
    from ..protocols.plan import stage1_dir
    from ..protocols.runner import synthetic_stage1
    pargs = _protocol_args(args, seed, args.protocols[0])
    pargs.no_validate = True  # as run_protocol runs the synthetic protocols
    reused = osp.isfile(osp.join(stage1_dir(pargs), 'stage1.json'))
    log = osp.join(world_work_dir(args, seed), 'stage1.log')
    os.makedirs(osp.dirname(log), exist_ok=True)
    with open(log, 'a') as f, contextlib.redirect_stdout(f):
        synthetic_stage1(pargs)
    progress.step(True, f'stage 1 (IVLP on the auxiliary classes) w{seed}: '
                  + ('finished earlier, reused' if reused else 'trained'),
                  reused=reused)


def _quiet_config_logs():
    """run_protocol loads each config in this process; mmengine's current
    logger would print an INFO line per load ('Using env variable
    GA2CLIP_SYNTH_ROOT ...') on the console: its console handlers show
    warnings and errors only (the runs' own logs are unchanged)."""
    import logging

    from mmengine.logging import MMLogger
    for handler in MMLogger.get_current_instance().handlers:
        if type(handler) is logging.StreamHandler:
            handler.setLevel(logging.WARNING)


def write_outputs(args, protocol, runs, labels, note):
    """``<work-dir>/<b2n|temporal>/results.{md,csv,json,png}`` from
    :mod:`ga2clip.protocols.leaderboard`; return the markdown and the
    paths."""
    from ..protocols.leaderboard import leaderboard, write_leaderboard
    board = leaderboard(runs, labels)
    return write_leaderboard(
        osp.join(args.work_dir, PROTOCOLS[protocol]), board, runs,
        stem='results', note=note,
        title=f'{TITLES[protocol]}, top-1 (%), mean ± std over runs',
        group='synthetic world', extra=dict(
            protocol=protocol, splits=args.splits,
            world_seeds=args.world_seeds,
            worlds=[world_dir(args, s) for s in args.world_seeds]))


def main(argv=None):
    args = parse_args(argv)
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT / 'projects' / 'ga2clip'))
    os.makedirs(args.work_dir, exist_ok=True)
    os.environ.setdefault('OMP_NUM_THREADS', str(os.cpu_count() or 1))
    os.environ.setdefault(INPROCESS_ENV, '1')
    from ..protocols.plan import UsageError
    try:
        units = plan(args)
    except UsageError as exc:
        raise SystemExit(f'error: {exc}') from None
    progress = Progress(units)
    progress.say(
        'demo: ' + ' + '.join(
            f'{len(protocol_methods(args, p))} method(s) on {p}'
            for p in args.protocols) +
        f' x split(s) {" ".join(map(str, args.splits))} x world '
        f'seed(s) {" ".join(map(str, args.world_seeds))} = {len(units)} '
        f'runs (stage 1 included); in-process: '
        f'{os.environ[INPROCESS_ENV] == "1"}')

    if not osp.isfile(CLIP_CKPT):
        raise SystemExit(
            f'error: the tiny CLIP checkpoint {CLIP_CKPT} is missing; '
            'restore it from git or remake it with '
            'python tools/synthetic/pretrain_clip.py')
    from ga2clip.synthetic import generate_world
    from ga2clip.synthetic.generate import DEFAULT_TEMPORAL_SHOTS
    kw = dict(counts=QUICK_COUNTS, shots=2, num_fewshot_seeds=3) \
        if args.quick else dict(temporal_shots=DEFAULT_TEMPORAL_SHOTS)
    for seed in args.world_seeds:
        world = world_dir(args, seed)
        generate_world(world, seed=seed, workers=args.workers,
                       log=lambda msg: progress.say('   ' + msg), **kw)
        progress.say(f'[world {seed} | {progress.elapsed():.0f}s elapsed] '
                     f'synthetic world ready in {world}')

    _quiet_config_logs()
    runs = {p: {} for p in args.protocols}
    progress.mark()
    try:
        for seed in args.world_seeds:
            os.environ['GA2CLIP_SYNTH_ROOT'] = world_dir(args, seed)
            if needs_stage1(args):
                _stage1(args, seed, progress)
            for protocol in args.protocols:
                by_method = _run_protocol(args, seed, protocol, progress)
                for key, by_run in by_method.items():
                    runs[protocol].setdefault(key, {}).update(
                        {_run_name(args, seed, name): m
                         for name, m in by_run.items()})
                progress.mark()  # the leaderboard's files are not a run
    except (UsageError, RuntimeError) as exc:
        raise SystemExit(f'error: {exc}') from None

    labels = {k: method_table.get(k).label for k in args.methods}
    worlds = ', '.join(f'`{world_dir(args, s)}` (seed {s})'
                       for s in args.world_seeds)
    names = ('s1 ... (one world)' if len(args.world_seeds) == 1
             else 'w<seed>_s<split>')
    outputs = []
    for protocol in args.protocols:
        note = (
            f'{TITLES[protocol]} (`{protocol}`) of the synthetic world(s) '
            f'{worlds}; training split(s) '
            f'{", ".join(f"s{s}" for s in args.splits)}; runs named '
            f'{names}; mean ± std (n-1) over runs; the zero-shot row is one '
            'test-only run per world (it trains nothing and the test set '
            'is the same for every split), paired with every split of its '
            f'world. Per-world tables: `{args.work_dir}/w<seed>/'
            f'leaderboard_{protocol}/`. Total time of the demo '
            f'{progress.elapsed():.0f} s.')
        md, paths = write_outputs(args, protocol, runs[protocol], labels,
                                  note)
        outputs.append((protocol, md, paths))
    progress.say(f'[{progress.elapsed():.0f}s elapsed] summary written: '
                 + ', '.join(paths['md'] for _, _, paths in outputs))
    for protocol, md, paths in outputs:
        progress.say(f'\n## {TITLES[protocol]}\n\n{md}')
    for protocol, _, paths in outputs:
        progress.say(f'{PROTOCOLS[protocol]}: table {paths["md"]}, '
                     f'{paths["csv"]}; chart {paths["png"]}')
    return 0
