"""Running the runs of a protocol: one subprocess helper (:func:`run_step`,
shared with the demo), ``tools/train.py`` / ``tools/test.py`` (or the
``dist_*.sh`` launchers) per run, checkpoint choice, test metrics, and the
resumable loop of :func:`run_protocol`."""
import copy
import glob
import json
import os
import os.path as osp
import subprocess
import sys
from pathlib import Path

from . import methods
from .aggregate import write_results
from .plan import (SYNTHETIC_PROTOCOLS, UsageError, plan_runs,
                   resolve_method, run_dir, stage1_dir)

ROOT = Path(__file__).resolve().parents[4]


class StepFailed(RuntimeError):
    """A command exited with a non-zero status; the message names it, its
    log and the log's last lines."""

    def __init__(self, cmd, returncode, log):
        tail = Path(log).read_text().strip().splitlines()[-5:]
        name = cmd[1] if len(cmd) > 1 else cmd[0]
        super().__init__(f'{name} failed (exit {returncode}); log {log}:\n  '
                         + '\n  '.join(tail))
        self.cmd, self.returncode, self.log = cmd, returncode, log


#: ``GA2CLIP_INPROCESS=1``: run the project's Python tools inside this
#: process (see :func:`run_step`)
INPROCESS_ENV = 'GA2CLIP_INPROCESS'


def _inprocess_tool(cmd):
    """The tool script of ``[python, <ROOT>/tools/<name>.py, ...]`` when it
    is one of this checkout's Python tools, else None."""
    if len(cmd) < 2 or cmd[0] != sys.executable or not cmd[1].endswith('.py'):
        return None
    script = Path(cmd[1])
    if not script.is_absolute():
        script = ROOT / script
    try:
        script.resolve().relative_to((ROOT / 'tools').resolve())
    except ValueError:
        return None
    return script if script.is_file() else None


def _run_inprocess(script, argv, f):
    """Run a thin tool script as ``__main__`` in this process with
    ``sys.argv = argv`` and stdout/stderr going to the open log ``f``;
    return its exit status. Logging handlers left pointing at ``f`` are
    removed afterwards (mmengine keeps its loggers alive)."""
    import contextlib
    import logging
    import runpy
    saved_argv, saved_cwd = sys.argv, os.getcwd()
    code = 0
    try:
        sys.argv = [str(script), *argv]
        os.chdir(ROOT)
        with contextlib.redirect_stdout(f), contextlib.redirect_stderr(f):
            try:
                runpy.run_path(str(script), run_name='__main__')
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (
                    0 if exc.code is None else 1)
                if not isinstance(exc.code, (int, type(None))):
                    print(exc.code, file=f)
            except Exception as exc:  # noqa: BLE001 - reported as a failure
                import traceback
                traceback.print_exc(file=f)
                code = 1
    finally:
        sys.argv = saved_argv
        os.chdir(saved_cwd)
        loggers = [logging.getLogger()] + [
            lg for lg in logging.Logger.manager.loggerDict.values()
            if isinstance(lg, logging.Logger)]
        # mmengine's MMLogger instances live outside logging's manager; the
        # current one logs the next Config.fromfile's messages
        from mmengine.logging import MMLogger
        loggers += list(MMLogger._instance_dict.values())
        for lg in loggers:
            for h in list(lg.handlers):
                if getattr(h, 'stream', None) is f:
                    lg.removeHandler(h)
    return code


def run_step(cmd, log, echo=None, show=False, dry_run=False,
             inprocess=None):
    """Run ``cmd`` in the repository root, appending its output to ``log``.

    ``show``: print the command first (``$ ...``); ``dry_run``: only that.
    ``echo``: called with every output line; what it returns (if anything)
    is printed, indented. Raises :class:`StepFailed` on a non-zero exit.

    ``inprocess`` (default: ``GA2CLIP_INPROCESS=1`` in the environment): a
    command that runs one of this checkout's ``tools/*.py`` with this
    Python is executed in this process (``runpy``, same argv, same tool
    code) instead of a new interpreter -- it saves the seconds of importing
    torch/mmaction/open_clip per step (the embedded demo runs dozens of
    short steps). The Runner seeds every run from its config, so the
    results are the same as in a subprocess (tested). Other commands (the
    ``dist_*.sh`` launchers) always run as subprocesses."""
    cmd = [str(c) for c in cmd]
    if show:
        print('$ ' + ' '.join(cmd), flush=True)
    if dry_run:
        return
    os.makedirs(osp.dirname(log) or '.', exist_ok=True)
    if inprocess is None:
        inprocess = os.environ.get(INPROCESS_ENV) == '1'
    script = _inprocess_tool(cmd) if inprocess else None
    with open(log, 'a') as f:
        if script is not None:
            start = f.tell()
            f.flush()
            returncode = _run_inprocess(script, cmd[2:], f)
            f.flush()
            if echo is not None:
                with open(log) as g:
                    g.seek(start)
                    for line in g:
                        shown = echo(line)
                        if shown:
                            print('      ' + shown, flush=True)
        elif echo is None:
            returncode = subprocess.run(cmd, cwd=ROOT, stdout=f,
                                        stderr=subprocess.STDOUT).returncode
        else:
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True)
            for line in proc.stdout:
                f.write(line)
                shown = echo(line)
                if shown:
                    print('      ' + shown, flush=True)
            returncode = proc.wait()
    if returncode != 0:
        raise StepFailed(cmd, returncode, log)


# ------------------------------------------------------------- commands
_LOADED = {}


def _load(cfg_path):
    from mmengine.config import Config
    key = str(cfg_path)
    if key not in _LOADED:
        _LOADED[key] = Config.fromfile(key, import_custom_modules=False)
    return _LOADED[key]


def cfg_options(cfg_path, args):
    """--cfg-options for a config: the user's plus frame count / selection,
    only for the dataloaders the config has; and whether it trains."""
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
    run_step(cmd, log, show=True, dry_run=args.dry_run)


def train(cfg, work, seed, args):
    """Train (resuming an interrupted run) and return the checkpoint."""
    opts, _ = cfg_options(cfg, args)
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
    """``best``: the newest ``best_*.pth``; else the last checkpoint."""
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
    opts, _ = cfg_options(cfg, args)
    tdir = osp.join(work, 'test')
    cmd = _tool('test', args) + [cfg, ckpt]
    if args.gpus and args.gpus > 1:
        cmd.append(args.gpus)
    cmd += ['--work-dir', tdir]
    if opts:
        cmd += ['--cfg-options', *opts]
    _call(cmd, args, osp.join(work, 'test.log'))
    return {} if args.dry_run else read_test_metrics(tdir)


# ----------------------------------------------------------------- loop
def synthetic_stage1(args):
    """Stage 1 of the synthetic protocols (IVLP on the world's auxiliary
    classes, ``methods.SYNTHETIC_STAGE1``; the demo's ``stage1()`` does the
    same): trained once in :func:`~.plan.stage1_dir` and reused (its
    ``stage1.json``); return the checkpoint, GA2's hard prompt."""
    work = stage1_dir(args)
    done = osp.join(work, 'stage1.json')
    if osp.isfile(done):
        with open(done) as f:
            ckpt = json.load(f)['checkpoint']
        if osp.isfile(ckpt):
            print(f'[stage 1] finished earlier: {ckpt}')
            return ckpt
    ckpt = train(methods.config(methods.SYNTHETIC_STAGE1), work, None, args)
    if not args.dry_run:
        with open(done + '.tmp', 'w') as f:
            json.dump(dict(checkpoint=ckpt), f)
        os.replace(done + '.tmp', done)
    return ckpt


def _with_hard_prompt(args):
    """``args`` whose --cfg-options point GA2's hard prompt at stage 1."""
    hard = synthetic_stage1(args)
    out = copy.copy(args)
    out.cfg_options = list(args.cfg_options or []) + [
        f'model.text_head.hard_prompt.path={hard}']
    return out


#: top-level config keys that only training reads: a test-only method
#: (``trains=False``) drops the --cfg-options that set them (one
#: ``--methods`` command passes the same options to every method)
TRAIN_ONLY_KEYS = ('train_cfg', 'train_dataloader', 'optim_wrapper',
                   'param_scheduler', 'auto_scale_lr')


def _test_only_args(args):
    """``args`` without the --cfg-options of :data:`TRAIN_ONLY_KEYS`."""
    keep = [o for o in args.cfg_options or []
            if o.split('=', 1)[0].split('.', 1)[0] not in TRAIN_ONLY_KEYS]
    if len(keep) == len(args.cfg_options or []):
        return args
    out = copy.copy(args)
    out.cfg_options = keep
    return out


def run_protocol(args):
    """Train and test every planned run not finished earlier (a run with
    ``metrics.json``), then write the tables; return ``[(group, run,
    metrics)]`` (dry run: the runs finished earlier only). The synthetic
    protocols train without validation and give GA2 entries
    (``hard_prompt``) stage 1's checkpoint (:func:`synthetic_stage1`, run
    the first time a GA2 run needs it). Raises :class:`UsageError` or
    :class:`RuntimeError`."""
    runs, zs_train = plan_runs(args)
    method = resolve_method(args.method)
    trains_method = method.trains
    root = run_dir(args)
    synthetic = args.protocol in SYNTHETIC_PROTOCOLS
    if synthetic:
        args = copy.copy(args)
        args.no_validate = True
    step_args = None  # args of the runs (+ the hard prompt, synthetic GA2)
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
        if step_args is None:
            step_args = (_with_hard_prompt(args) if synthetic
                         and method.hard_prompt and trains_method else args)
            if not trains_method:
                step_args = _test_only_args(step_args)
        _, trains = cfg_options(cfg, step_args)
        if zs_train is not None:
            if zs_ckpt is None:
                zs_ckpt = train(zs_train, osp.join(root, 'k400_train'),
                                seed, step_args)
            ckpt = zs_ckpt
        elif trains and trains_method:
            ckpt = train(cfg, work, seed, step_args)
        else:
            ckpt = 'none'
        metrics = test(cfg, ckpt, work, step_args)
        if args.dry_run:
            continue
        with open(done + '.tmp', 'w') as f:
            json.dump(metrics, f, indent=1)
        os.replace(done + '.tmp', done)
        print(f'[{name}] ' + ', '.join(f'{k} {v:.2f}'
                                      for k, v in metrics.items()))
        results.append((group, name, metrics))
    if results and not args.dry_run:
        print(write_results(root, results))
        print(f'results: {root}/results.csv, results.md, runs.csv')
    return results
