"""Building CLIP from open_clip and loading third-party weights.

``build_clip(name, pretrained)`` is the only place the project creates a CLIP:

- ``pretrained=None``: random weights of the open_clip architecture ``name``;
- ``pretrained=<open_clip tag>`` (e.g. ``'openai'``): open_clip downloads and
  loads it (for users; the tests never do this);
- ``pretrained=<local file>``: a state dict in OpenAI's key layout
  (``visual.*``, ``transformer.*``, ``token_embedding.*``, ...), which is also
  open_clip's own ``CLIP.state_dict()`` layout and the layout of ViFi-CLIP /
  K400 fully fine-tuned checkpoints. It may be wrapped under ``state_dict`` /
  ``model_state_dict`` / ``model`` and its keys may carry ``module.`` /
  ``model.`` prefixes. Loaded with ``torch.load(weights_only=True)``
  (:mod:`ga2clip.utils.safe_load`).

Mismatching files raise a one-line ``ValueError`` that names the file and the
first missing / unexpected / wrongly shaped keys.
"""
import contextlib
import logging
import os
import os.path as osp
from typing import Dict, Iterable, Optional, Tuple

import torch
from torch import nn

WRAPPER_KEYS = ('state_dict', 'model_state_dict', 'model')
PREFIXES = ('module.', 'model.')
# Keys that OpenAI's TorchScript archives carry next to the weights.
_OPENAI_EXTRA_KEYS = ('input_resolution', 'context_length', 'vocab_size')


def _looks_like_path(value: str) -> bool:
    return (os.sep in value or value.endswith(
        ('.pt', '.pth', '.bin', '.safetensors', '.ckpt'))
            or osp.exists(value))


def _fmt_keys(keys: Iterable[str], limit: int = 5) -> str:
    keys = list(keys)
    shown = ', '.join(keys[:limit])
    more = f', ... (+{len(keys) - limit} more)' if len(keys) > limit else ''
    return f'[{shown}{more}]'


def torch_load(path: str, what: str = 'file'):
    """Load a checkpoint file on CPU the safe way
    (:func:`ga2clip.utils.safe_load.load_checkpoint_file`:
    ``weights_only=True``, one-line refusal of anything that could run
    code unless the user opted in), with one-line errors for absent or
    unreadable files. OpenAI's TorchScript archives are read with
    ``torch.jit.load`` (TorchScript, no Python pickle)."""
    from ..utils.safe_load import UnsafeCheckpointError, load_checkpoint_file
    path = osp.expanduser(str(path))
    if not osp.isfile(path):
        raise FileNotFoundError(f'{what} not found: {path}')
    try:
        return load_checkpoint_file(path, map_location='cpu', what=what)
    except UnsafeCheckpointError:
        raise
    except Exception as err:  # noqa: BLE001 - reported in one line below
        first = (str(err).strip().splitlines() or [''])[0]
        if 'TorchScript' in first:  # OpenAI's original .pt archives
            return torch.jit.load(path, map_location='cpu').state_dict()
        raise ValueError(f'cannot load {what} {path}: '
                         f'{type(err).__name__}: {first}') from err


def unwrap_state_dict(obj, source: str = '<state dict>') -> Dict[str, torch.Tensor]:
    """Return the flat tensor dict inside a checkpoint object.

    Descends through ``state_dict`` / ``model_state_dict`` / ``model`` keys,
    strips ``module.`` / ``model.`` prefixes (repeatedly) and drops the
    non-weight keys of OpenAI's archives.
    """
    while isinstance(obj, dict) and not any(
            torch.is_tensor(v) for v in obj.values()):
        for key in WRAPPER_KEYS:
            if isinstance(obj.get(key), dict):
                obj = obj[key]
                break
        else:
            break
    if not isinstance(obj, dict) or not obj:
        raise ValueError(f'{source} holds no state dict (looked under '
                         f'{", ".join(WRAPPER_KEYS)})')
    out = {}
    for key, value in obj.items():
        changed = True
        while changed:
            changed = False
            for prefix in PREFIXES:
                if key.startswith(prefix):
                    key, changed = key[len(prefix):], True
        out[key] = value
    for key in _OPENAI_EXTRA_KEYS:
        out.pop(key, None)
    return out


def load_state_dict_strict(module: nn.Module, state_dict: Dict[str, torch.Tensor],
                           source: str, ignore: Tuple[str, ...] = ()) -> None:
    """Load ``state_dict`` into ``module``; any missing, unexpected or wrongly
    shaped key raises one ``ValueError`` line naming ``source``."""
    own = module.state_dict()
    state_dict = dict(state_dict)
    if 'logit_scale' in state_dict and 'logit_scale' in own:
        state_dict['logit_scale'] = state_dict['logit_scale'].reshape(
            own['logit_scale'].shape)
    missing = [k for k in own if k not in state_dict and k not in ignore]
    unexpected = [k for k in state_dict if k not in own]
    shape = [f'{k} {tuple(state_dict[k].shape)} vs {tuple(v.shape)}'
             for k, v in own.items()
             if k in state_dict and tuple(state_dict[k].shape) != tuple(v.shape)]
    problems = []
    if missing:
        problems.append(f'missing keys {_fmt_keys(missing)}')
    if unexpected:
        problems.append(f'unexpected keys {_fmt_keys(unexpected)}')
    if shape:
        problems.append(f'wrong shapes {_fmt_keys(shape, 3)}')
    if problems:
        raise ValueError(f'weights in {source} do not fit '
                         f'{type(module).__name__}: ' + '; '.join(problems))
    module.load_state_dict(state_dict, strict=False)


def load_clip_weights(model: nn.Module, path: str) -> None:
    """Load an OpenAI-layout CLIP state dict file into an open_clip model."""
    obj = torch_load(path, what='CLIP weights')
    state_dict = unwrap_state_dict(obj, source=str(path))
    load_state_dict_strict(model, state_dict, source=str(path))


def build_clip(name: str = 'ViT-B-16',
               pretrained: Optional[str] = None,
               force_quick_gelu: bool = False,
               precision: str = 'fp32',
               **kwargs) -> Tuple[nn.Module, object]:
    """Create an open_clip model and its tokenizer.

    Args:
        name: open_clip model config name (``'ViT-B-16'``,
            ``'ViT-B-16-quickgelu'``, ``'ga2clip-tiny'``, ...).
        pretrained: ``None`` (random), an open_clip tag, or a local file in
            OpenAI key layout (see module docstring).
        force_quick_gelu: build with QuickGELU (needed for OpenAI weights and
            every checkpoint derived from them).
        precision: open_clip precision (``'fp32'`` on CPU).
        **kwargs: passed to ``open_clip.create_model``.

    Returns:
        ``(model, tokenizer)``.
    """
    import open_clip

    from .clip_configs import register_model_configs
    register_model_configs()
    tag = None
    path = None
    if pretrained:
        if _looks_like_path(str(pretrained)):
            path = str(pretrained)
            if not osp.isfile(osp.expanduser(path)):
                raise FileNotFoundError(f'CLIP weights not found: {path}')
        else:
            tag = pretrained
    if path is None:
        model = open_clip.create_model(
            name, pretrained=tag, precision=precision,
            force_quick_gelu=force_quick_gelu, **kwargs)
    else:
        # open_clip would announce a random model before the file is
        # loaded: drop that line and say what is loaded instead.
        with _without_random_init_warning():
            model = open_clip.create_model(
                name, pretrained=None, precision=precision,
                force_quick_gelu=force_quick_gelu, **kwargs)
        load_clip_weights(model, path)
        from mmengine.logging import print_log
        print_log(f'CLIP {name}: weights loaded from {path}',
                  logger='current', level=logging.INFO)
    tokenizer = open_clip.get_tokenizer(name)
    return model, tokenizer


class _DropRandomInitWarning(logging.Filter):
    def filter(self, record):
        return 'Model initialized randomly' not in record.getMessage()


@contextlib.contextmanager
def _without_random_init_warning():
    """Drop open_clip's "No pretrained weights loaded for model ... Model
    initialized randomly." (logged on the root logger) while building a
    model whose weights are loaded from a file right after."""
    root = logging.getLogger()
    drop = _DropRandomInitWarning()
    root.addFilter(drop)
    try:
        yield
    finally:
        root.removeFilter(drop)
