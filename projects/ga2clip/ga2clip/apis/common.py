"""Pieces shared by the tools' back ends (:mod:`.cli`, :mod:`.inference`,
:mod:`ga2clip.protocols`): the user-error type and its one-line reporting,
config loading with ``--cfg-options``, and checked checkpoint loading.

It imports nothing from the other ``ga2clip.apis`` modules, so every one of
them can import it (no import cycle).
"""
import os
import os.path as osp
import sys

# frozen CLIP weights: a checkpoint may leave them to ``clip.pretrained``
_PRETRAINED_KEYS = ('video_encoder.visual.', 'text_head.text.', 'logit_scale')


class UserError(Exception):
    """A mistake in the command line or the files it names."""


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
    :class:`UserError` and a refused unsafe checkpoint, 1 otherwise).
    ``GA2CLIP_DEBUG=1`` re-raises."""
    from ..utils.safe_load import UnsafeCheckpointError
    try:
        return fn(argv)
    except (UserError, UnsafeCheckpointError) as exc:
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


def add_trust_flag(parser):
    """``--trust-checkpoint``: the opt-in of
    :func:`ga2clip.utils.safe_load.trust_checkpoints`."""
    from ..utils.safe_load import TRUST_ENV
    parser.add_argument(
        '--trust-checkpoint', action='store_true',
        help='load checkpoints that need more than tensors and plain data '
        '(with pickle, which can run code: only for files you trust; same '
        f'as {TRUST_ENV}=1)')


def apply_trust_flag(args):
    if getattr(args, 'trust_checkpoint', False):
        from ..utils.safe_load import trust_checkpoints
        trust_checkpoints()


class InferenceError(UserError):
    """A mistake in the videos, class names, config or checkpoint given."""


def _unwrap_model(model):
    from mmengine.model import is_model_wrapper
    return model.module if is_model_wrapper(model) else model


def load_checked_checkpoint(model, path: str, allow_pretrained_missing=None,
                            hint: str = 'use the config the checkpoint was '
                            'trained with') -> dict:
    """Load an mmengine checkpoint into ``model`` after checking it: any
    unexpected key, wrongly shaped tensor, or missing key raises one line
    naming the file. Missing frozen-CLIP keys are allowed when the config
    loads CLIP weights itself (``model.clip.pretrained``; e.g. converted
    official checkpoints lack ``token_embedding``).

    The file is loaded safely (``weights_only=True``, see
    :mod:`ga2clip.utils.safe_load`): one that could run code is refused.

    Returns the checkpoint dict (``meta`` etc.)."""
    from mmengine.runner.checkpoint import (_load_checkpoint,
                                            _load_checkpoint_to_model)
    model = _unwrap_model(model)
    if not osp.isfile(path):
        raise InferenceError(f'checkpoint not found: {path} (give a .pth '
                             'written by tools/train.py)')
    from ..utils.safe_load import UnsafeCheckpointError
    try:
        ckpt = _load_checkpoint(path, map_location='cpu')
    except UnsafeCheckpointError as err:
        raise InferenceError(str(err)) from None
    except Exception as err:  # noqa: BLE001 - one line
        first = (str(err).strip().splitlines() or [''])[0]
        raise InferenceError(
            f'cannot load checkpoint {path}: {type(err).__name__}: {first} '
            '(truncated or not a torch file: use another epoch_N.pth or '
            'train again)') from None
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else None
    if not isinstance(state, dict) or not state:
        raise InferenceError(f'checkpoint {path} holds no state_dict')
    state = {k[len('module.'):] if k.startswith('module.') else k: v
             for k, v in state.items()}
    if allow_pretrained_missing is None:
        clip = getattr(model, 'clip_cfg', {}) or {}
        allow_pretrained_missing = bool(clip.get('pretrained'))
    own = model.state_dict()
    missing = [k for k in own if k not in state and not (
        allow_pretrained_missing and k.startswith(_PRETRAINED_KEYS))]
    unexpected = [k for k in state if k not in own]
    shapes = [f'{k} {tuple(state[k].shape)} (model: {tuple(v.shape)})'
              for k, v in own.items() if k in state and hasattr(
                  state[k], 'shape') and tuple(state[k].shape) != tuple(v.shape)]
    problems = []
    for what, keys in (('wrong shapes', shapes), ('missing keys', missing),
                       ('unexpected keys', unexpected)):
        if keys:
            more = f' (+{len(keys) - 3} more)' if len(keys) > 3 else ''
            problems.append(f'{what}: {", ".join(keys[:3])}{more}')
    if problems:
        raise InferenceError(
            f'checkpoint {path} does not fit the model of the config: '
            + '; '.join(problems) + f' ({hint})')
    _load_checkpoint_to_model(model, dict(ckpt, state_dict=state),
                              strict=False)
    return ckpt
