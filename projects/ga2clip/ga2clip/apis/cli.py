"""Entry points behind ``tools/train.py`` and ``tools/test.py``.

They follow MMAction2's tools (same flags) and add clear one-line errors for
user mistakes (missing config/checkpoint, malformed ``--cfg-options``, a work
directory that already holds a run) instead of tracebacks. Set
``GA2CLIP_DEBUG=1`` to see the full traceback of such errors.
"""
import argparse
import os
import os.path as osp

# re-exported: they lived here before apis/common.py
from .common import (UserError, _finish_distributed, _run_guarded,  # noqa: F401
                     add_trust_flag, apply_trust_flag,
                     load_checked_checkpoint, load_config, one_line,
                     parse_cfg_options)


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
    add_trust_flag(parser)


def _finish_env(args):
    apply_trust_flag(args)
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


# --------------------------------------------------------------------------
# train
# --------------------------------------------------------------------------
def train_parser():
    p = argparse.ArgumentParser(description='Train a GA2-CLIP recognizer')
    p.add_argument('config', help='train config file path')
    p.add_argument(
        '--resume', nargs='?', type=str, const='auto',
        help='resume from a checkpoint PATH, or with no value (or "auto") '
        'from the latest checkpoint in the work dir (none there: start '
        'fresh). Exit status 75: stopped by SIGTERM/SIGUSR1 after saving '
        'a checkpoint; run again with --resume auto')
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
    from ..engine.resume import TrainingPreempted
    try:
        runner.train()
    except TrainingPreempted as stop:  # checkpoint saved; see PreemptionHook
        _finish_distributed()
        return stop.code
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
