"""Building CLIP from open_clip and loading third-party weights.

``build_clip(name, pretrained)`` is the only place the project creates a CLIP:

- ``pretrained=None``: random weights of the open_clip architecture ``name``;
- ``pretrained=<open_clip tag>`` (e.g. ``'openai'``): open_clip downloads and
  loads it (for users; the tests never do this);
- ``pretrained=<open_clip tag>`` is checked against
  ``open_clip.list_pretrained_tags_by_model(name)`` first: an unknown tag
  is a one-line ``ValueError`` listing the valid ones;
- ``pretrained=<local file>``: a state dict in OpenAI's key layout
  (``visual.*``, ``transformer.*``, ``token_embedding.*``, ...), which is also
  open_clip's own ``CLIP.state_dict()`` layout; or a checkpoint released by
  ViFi-CLIP (``model`` -> ``module.image_encoder.*`` /
  ``module.text_encoder.*`` / ``module.logit_scale``; detected by its keys
  and converted in memory, :mod:`ga2clip.models.convert_vifi`). It may be
  wrapped under ``state_dict`` / ``model_state_dict`` / ``model`` and its
  keys may carry ``module.`` / ``model.`` prefixes. Loaded with
  ``torch.load(weights_only=True)`` (:mod:`ga2clip.utils.safe_load`).
  ViFi-CLIP files hold no ``token_embedding``: it comes from
  ``token_embedding_from`` (open_clip tag, default ``'openai'``, or an
  OpenAI-layout file), the frozen table ViFi-CLIP used.

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


def read_clip_state_dict(path: str) -> Tuple[Dict[str, torch.Tensor], bool]:
    """Read a CLIP weights file into OpenAI key layout.

    Returns ``(state_dict, is_vifi)``; a released ViFi-CLIP checkpoint is
    converted (:func:`ga2clip.models.convert_vifi.vifi_to_openai`) and has
    no ``token_embedding.weight``.
    """
    from .convert_vifi import is_vifi_state_dict, vifi_to_openai
    obj = torch_load(path, what='CLIP weights')
    state_dict = unwrap_state_dict(obj, source=str(path))
    if is_vifi_state_dict(state_dict):
        return vifi_to_openai(state_dict, source=str(path)), True
    return state_dict, False


def load_clip_weights(model: nn.Module, path: str,
                      ignore: Tuple[str, ...] = ()) -> None:
    """Load a CLIP weights file (OpenAI layout, or a released ViFi-CLIP
    checkpoint) into an open_clip model; keys in ``ignore`` may be
    absent from the file (the model keeps its own)."""
    state_dict, _ = read_clip_state_dict(path)
    load_state_dict_strict(model, state_dict, source=str(path), ignore=ignore)


def check_pretrained_tag(name: str, tag: str) -> None:
    """One-line ``ValueError`` unless ``tag`` is an open_clip pretrained
    tag of model ``name`` (nothing is downloaded)."""
    import open_clip
    if open_clip.get_pretrained_cfg(name, tag):
        return
    tags = open_clip.list_pretrained_tags_by_model(name)
    raise ValueError(
        f'clip.pretrained={tag!r} is neither a file nor an open_clip tag of '
        f'{name!r}; open_clip.list_pretrained_tags_by_model({name!r}) = '
        f'{tags}; for a local file give a path that exists')


def _token_embedding(source: str) -> torch.Tensor:
    """``token_embedding.weight`` of an OpenAI-layout file."""
    from .convert_vifi import TOKEN_EMBEDDING
    state_dict, _ = read_clip_state_dict(source)
    if TOKEN_EMBEDDING not in state_dict:
        raise ValueError(f'{source} has no {TOKEN_EMBEDDING}: give an '
                         'OpenAI-layout CLIP file (or an open_clip tag) as '
                         'clip.token_embedding_from')
    return state_dict[TOKEN_EMBEDDING]


def build_clip(name: str = 'ViT-B-16',
               pretrained: Optional[str] = None,
               force_quick_gelu: bool = False,
               precision: str = 'fp32',
               token_embedding_from: Optional[str] = 'openai',
               **kwargs) -> Tuple[nn.Module, object]:
    """Create an open_clip model and its tokenizer.

    Args:
        name: open_clip model config name (``'ViT-B-16'``,
            ``'ViT-B-16-quickgelu'``, ``'ga2clip-tiny'``, ...).
        pretrained: ``None`` (random), an open_clip tag, or a local file in
            OpenAI key layout or a released ViFi-CLIP checkpoint (see module
            docstring).
        force_quick_gelu: build with QuickGELU (needed for OpenAI weights and
            every checkpoint derived from them).
        precision: open_clip precision (``'fp32'`` on CPU).
        token_embedding_from: where a ViFi-CLIP file's missing
            ``token_embedding`` comes from: an open_clip tag of ``name``
            (``'openai'``, downloaded by open_clip) or an OpenAI-layout
            file. Unused for other files.
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
        if tag is not None:
            check_pretrained_tag(name, tag)
        model = open_clip.create_model(
            name, pretrained=tag, precision=precision,
            force_quick_gelu=force_quick_gelu, **kwargs)
    else:
        from .convert_vifi import TOKEN_EMBEDDING
        state_dict, is_vifi = read_clip_state_dict(path)
        base_tag, ignore = None, ()
        if is_vifi and TOKEN_EMBEDDING not in state_dict:
            src = token_embedding_from
            if not src:
                raise ValueError(
                    f'{path} is a ViFi-CLIP checkpoint without '
                    f'{TOKEN_EMBEDDING} (ViFi-CLIP never trains it): set '
                    "clip.token_embedding_from='openai' or an OpenAI-layout "
                    'CLIP file')
            if _looks_like_path(str(src)):
                state_dict[TOKEN_EMBEDDING] = _token_embedding(str(src))
            else:
                check_pretrained_tag(name, src)
                base_tag, ignore = src, (TOKEN_EMBEDDING,)
        # open_clip would announce a random model before the file is
        # loaded: drop that line and say what is loaded instead.
        with _without_random_init_warning():
            model = open_clip.create_model(
                name, pretrained=base_tag, precision=precision,
                force_quick_gelu=force_quick_gelu, **kwargs)
        load_state_dict_strict(model, state_dict, source=path, ignore=ignore)
        from mmengine.logging import print_log
        what = (f'ViFi-CLIP checkpoint {path} (converted in memory, '
                f'token_embedding from {token_embedding_from})'
                if is_vifi else path)
        print_log(f'CLIP {name}: weights loaded from {what}',
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
