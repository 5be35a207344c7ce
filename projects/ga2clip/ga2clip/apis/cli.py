"""Entry points behind ``tools/train.py`` and ``tools/test.py``.

They follow MMAction2's tools (same flags) and add clear one-line errors for
user mistakes (missing config/checkpoint, malformed ``--cfg-options``, a work
directory that already holds a run) instead of tracebacks. Set
``GA2CLIP_DEBUG=1`` to see the full traceback of such errors.
"""
import argparse
import os
import os.path as osp
import sys


class UserError(Exception):
    """A mistake in the command line or the files it names."""


def _add_common(parser):
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--cfg-options', nargs='+', default=None, metavar='KEY=VALUE',
        help='override config settings, e.g. model.text_head.num_ctx=8 '
        'train_dataloader.batch_size=4 (lists: key="[a,b]", no spaces)')
    parser.add_argument(
        '--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def parse_cfg_options(items):
    """Parse ``KEY=VALUE`` strings with mmengine's DictAction rules, raising
    :class:`UserError` that names the malformed item."""
    from mmengine.config import DictAction
    if not items:
        return None
    options = {}
    for item in items:
        key, sep, value = item.partition('=')
        if not sep or not key or not value:
            raise UserError(
                f'malformed --cfg-options item {item!r}: expected KEY=VALUE '
                '(e.g. train_dataloader.batch_size=4)')
        try:
            options[key] = DictAction._parse_iterable(value)
        except Exception as exc:  # noqa: BLE001 - report as user error
            raise UserError(
                f'malformed --cfg-options value for {key!r}: {value!r} '
                f'({exc}); lists need quotes and no spaces: key="[a,b]"')
    return options


def load_config(path, cfg_options=None):
    """Load an mmengine config, with one-line errors for a missing file or
    an override of an unknown top-level key."""
    from mmengine.config import Config
    if not osp.isfile(path):
        raise UserError(f'config file not found: {path} (give the path of a '
                        'config, e.g. projects/ga2clip/configs/...)')
    cfg = Config.fromfile(path)
    if cfg_options:
        for key in cfg_options:
            top = key.split('.')[0]
            if top not in cfg:
                raise UserError(
                    f'--cfg-options key {key!r}: {path} has no top-level key '
                    f'{top!r} (check the spelling; keys: '
                    f'{", ".join(sorted(cfg.keys())[:12])}, ...)')
        cfg.merge_from_dict(cfg_options)
    return cfg


def _finish_env(args):
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)


def _default_work_dir(config_path):
    return osp.join('./work_dirs', osp.splitext(osp.basename(config_path))[0])


def _build_runner(cfg):
    from mmengine.runner import Runner
    from mmaction.registry import RUNNERS
    if 'runner_type' not in cfg:
        return Runner.from_cfg(cfg)
    return RUNNERS.build(cfg)


def one_line(exc: BaseException) -> str:
    """One line for an exception, also when it was raised in a dataloader
    worker process (torch wraps it: ``Caught X in DataLoader worker ...
    Original Traceback ... X: message``): the original type and message."""
    text = str(exc).strip()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    name = type(exc).__name__
    if lines and lines[0].startswith('Caught ') and 'worker' in lines[0]:
        last = lines[-1]
        head, sep, msg = last.partition(': ')
        if sep and ' ' not in head:
            name, last = head.rsplit('.', 1)[-1], msg
        return f'{name}: {last} (raised in a dataloader worker)'
    msg = lines[-1] if lines else ''
    if isinstance(exc, KeyError) and len(exc.args) == 1:
        msg = str(exc.args[0]).strip().splitlines()[-1:] or ['']
        msg = msg[0]
    if isinstance(exc, TypeError) and 'unexpected keyword argument' in msg:
        msg += (' (an unknown config key: check its spelling in the config '
                'or --cfg-options)')
    return f'{name}: {msg}' if msg else name


def _finish_distributed():
    """Tear the process group down before exit: left to interpreter exit,
    gloo's threads can abort the process (``terminate called without an
    active exception``) after a successful run."""
    import torch.distributed as dist
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


def _run_guarded(fn, argv):
    """Run a tool; user mistakes and errors raised deep inside the Runner or
    in dataloader workers end as one ``error:`` line on stderr (exit 2 for
    :class:`UserError`, 1 otherwise). ``GA2CLIP_DEBUG=1`` re-raises."""
    try:
        return fn(argv)
    except UserError as exc:
        if os.environ.get('GA2CLIP_DEBUG'):
            raise
        print(f'error: {exc}', file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - one line, traceback on demand
        if os.environ.get('GA2CLIP_DEBUG'):
            raise
        print(f'error: {one_line(exc)} (set GA2CLIP_DEBUG=1 for the '
              'traceback)', file=sys.stderr)
        return 1


# --------------------------------------------------------------------------
# train
# --------------------------------------------------------------------------
def train_parser():
    p = argparse.ArgumentParser(description='Train a GA2-CLIP recognizer')
    p.add_argument('config', help='train config file path')
    p.add_argument(
        '--resume', nargs='?', type=str, const='auto',
        help='resume from a checkpoint PATH, or with no value (or "auto") '
        'from the latest checkpoint in the work dir')
    p.add_argument('--amp', action='store_true',
                   help='automatic mixed precision (needs a GPU)')
    p.add_argument('--no-validate', action='store_true',
                   help='do not evaluate during training')
    p.add_argument('--auto-scale-lr', action='store_true',
                   help='scale the lr by actual / base batch size')
    p.add_argument('--seed', type=int, default=None, help='random seed')
    p.add_argument('--diff-rank-seed', action='store_true')
    p.add_argument('--deterministic', action='store_true')
    p.add_argument('--force', action='store_true',
                   help='train into a work dir that already holds '
                   'checkpoints without resuming (overwrites them)')
    _add_common(p)
    return p


def _check_work_dir(cfg, args):
    work_dir = cfg.work_dir
    if args.resume is not None or args.force:
        return
    if osp.isfile(osp.join(work_dir, 'last_checkpoint')):
        raise UserError(
            f'work dir {work_dir} already holds a training run; use '
            '--resume to continue it, --work-dir for a new run, or --force '
            'to overwrite it')


def train(argv=None):
    args = train_parser().parse_args(argv)
    _finish_env(args)
    cfg = load_config(args.config, parse_cfg_options(args.cfg_options))

    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = _default_work_dir(args.config)

    if args.amp:
        import torch
        if not torch.cuda.is_available():
            raise UserError('--amp needs a CUDA GPU (mmengine AmpOptimWrapper);'
                            ' drop --amp on CPU')
        wrapper = cfg.optim_wrapper.get('type', 'OptimWrapper')
        if wrapper not in ('OptimWrapper', 'AmpOptimWrapper'):
            raise UserError(f'--amp does not support optim wrapper {wrapper}')
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')

    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        if not osp.isfile(args.resume):
            raise UserError(f'checkpoint to resume from not found: '
                            f'{args.resume} (use --resume with no value to '
                            'resume from the work dir)')
        cfg.resume = True
        cfg.load_from = args.resume

    if args.auto_scale_lr:
        if 'auto_scale_lr' not in cfg:
            raise UserError(f'{args.config} has no auto_scale_lr setting')
        cfg.auto_scale_lr.enable = True

    randomness = dict(cfg.get('randomness', None) or {})
    if args.seed is not None or not randomness:
        randomness.update(seed=args.seed if args.seed is not None
                          else randomness.get('seed'))
    if args.diff_rank_seed:
        randomness['diff_rank_seed'] = True
    if args.deterministic:
        randomness['deterministic'] = True
    cfg.randomness = randomness

    _check_work_dir(cfg, args)
    runner = _build_runner(cfg)
    runner.train()
    _finish_distributed()
    return 0


# --------------------------------------------------------------------------
# test
# --------------------------------------------------------------------------
def test_parser():
    p = argparse.ArgumentParser(description='Test a GA2-CLIP recognizer')
    p.add_argument('config', help='test config file path')
    p.add_argument('checkpoint', help='checkpoint file (or "none" for a '
                   'model that needs no trained weights, e.g. zero-shot '
                   'CLIP)')
    p.add_argument('--dump', type=str,
                   help='dump predictions to a pickle file (.pkl)')
    p.add_argument('--force', action='store_true',
                   help='overwrite an existing --dump file')
    _add_common(p)
    return p


def test(argv=None):
    args = test_parser().parse_args(argv)
    _finish_env(args)
    cfg = load_config(args.config, parse_cfg_options(args.cfg_options))
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = _default_work_dir(args.config)

    if args.checkpoint.lower() == 'none':
        cfg.load_from = None
    else:
        if not osp.isfile(args.checkpoint):
            raise UserError(f'checkpoint not found: {args.checkpoint} (give '
                            'a .pth written by tools/train.py, or "none")')
        cfg.load_from = args.checkpoint

    if args.dump is not None:
        if not args.dump.endswith(('.pkl', '.pickle')):
            raise UserError(f'--dump {args.dump}: must end with .pkl')
        if osp.exists(args.dump) and not args.force:
            raise UserError(f'--dump target {args.dump} exists; pick another '
                            'name or add --force to overwrite it')
        dump_metric = dict(type='DumpResults', out_file_path=args.dump)
        if isinstance(cfg.test_evaluator, (list, tuple)):
            cfg.test_evaluator = [*cfg.test_evaluator, dump_metric]
        else:
            cfg.test_evaluator = [cfg.test_evaluator, dump_metric]

    checkpoint = cfg.load_from
    cfg.load_from = None
    runner = _build_runner(cfg)
    if checkpoint:
        # Checked key by key and shape by shape (mmengine would load a
        # checkpoint of another model non-strictly, with a warning only).
        from .inference import load_checked_checkpoint
        ckpt = load_checked_checkpoint(runner.model, checkpoint)
        runner.call_hook('after_load_checkpoint', checkpoint=ckpt)
        runner.logger.info(f'Load checkpoint from {checkpoint}')
    runner.test()
    _finish_distributed()
    return 0


def train_main(argv=None):
    return _run_guarded(train, argv)


def test_main(argv=None):
    return _run_guarded(test, argv)
