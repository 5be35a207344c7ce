"""Loading checkpoints without running the code a pickle may carry.

Every checkpoint the project reads (``--resume``, ``load_from``,
``tools/test.py``, ``tools/infer.py``, GA2 hard-prompt files, the official
converter, CLIP weight files) goes through :func:`load_checkpoint_file`:
``torch.load(weights_only=True)`` with, allowed by name, only the numpy data
types (arrays, scalars, numeric dtypes; torch documents this allow-listing)
that mmengine checkpoints may hold. Nothing callable is allowed: an object
whose pickle calls ``os.system`` (or anything else) is refused before it is
built, with one line naming the file, the refused type and the opt-in.

mmengine pickles its ``HistoryBuffer`` (the log history in
``message_hub``) with ``builtins.getattr`` calls, which cannot be allowed
safely. The checkpoints this project writes therefore store each history
buffer as a plain dict (:func:`pack_message_hub`, applied by
:mod:`ga2clip.compat` to every checkpoint the Runner saves) and the loader
turns it back into a ``HistoryBuffer`` (:func:`unpack_message_hub`), so
resume keeps its log history and iteration counters.

Opt-in for a file you trust (e.g. a checkpoint written by plain mmengine,
or by this project before safe loading): ``--trust-checkpoint`` on
``tools/train.py`` / ``test.py`` / ``infer.py`` / ``convert_official_ckpt.py``
or the environment variable ``GA2CLIP_TRUST_CHECKPOINTS=1``. Off by default.
"""
import logging
import os
import pickle
import re
from collections import OrderedDict

TRUST_ENV = 'GA2CLIP_TRUST_CHECKPOINTS'
TRUST_HINT = ('if you trust this file, rerun with --trust-checkpoint or set '
              f'{TRUST_ENV}=1')
# a history buffer stored as plain data (see pack_message_hub)
_HISTORY_MARK = '__ga2clip_history_buffer__'


class UnsafeCheckpointError(ValueError):
    """A checkpoint needs a type outside the allow-list (message: one line
    with the file, the refused type and the opt-in)."""


def trusted() -> bool:
    """Whether the user opted in to loading checkpoints with pickle."""
    return os.environ.get(TRUST_ENV, '').strip().lower() in (
        '1', 'true', 'yes', 'on')


def trust_checkpoints(enabled: bool = True) -> None:
    """Opt in (the ``--trust-checkpoint`` flags): sets :data:`TRUST_ENV` in
    this process, so dataloader workers and launched ranks inherit it."""
    if enabled:
        os.environ[TRUST_ENV] = '1'


def allowed_globals():
    """The non-torch types a checkpoint may hold, for
    ``torch.serialization.safe_globals``: numpy arrays, numpy scalars and
    the numeric/bool numpy dtypes, under numpy 2 and numpy 1 names. No
    function that could do more than build these data objects."""
    import numpy as np
    try:
        from numpy._core import multiarray
    except ImportError:  # numpy < 2
        from numpy.core import multiarray
    dtypes = [type(np.dtype(code)) for code in '?bhilqBHILQefdgFDG']
    out = [np.ndarray, np.dtype, *dict.fromkeys(dtypes)]
    for module in ('numpy._core.multiarray', 'numpy.core.multiarray'):
        out.append((multiarray._reconstruct, f'{module}._reconstruct'))
        out.append((multiarray.scalar, f'{module}.scalar'))
    return out


_REFUSED = (
    re.compile(r'GLOBAL (\S+?)(?: was not| whose module|\s|$)'),
    re.compile(r'unrecognized function (.+?)(?: which belongs|$)', re.M),
    re.compile(r"but got <class '([^']+)'>"),
)


def _refused_type(err: BaseException):
    """Why the weights-only unpickler refused the file (naming the global
    it refused where torch says), or None when the error is something else
    (a truncated file, not a torch file, ...)."""
    text = str(err)
    if 'Weights only load failed' not in text:
        return None
    detail = text.split('Weights only load failed', 1)[1]
    if 'WeightsUnpickler error:' in detail:
        detail = detail.split('WeightsUnpickler error:', 1)[1]
    else:  # torch's advice first, then the refusal: keep the last part
        detail = detail.strip().split('\n\n')[-2:][0]
    detail = detail.split('Check the documentation of torch.load')[0]
    for pattern in _REFUSED:
        match = pattern.search(detail)
        if match:
            return (f'it needs {match.group(1).strip().rstrip(".")}, which '
                    'is not on the allow-list of plain data types')
    detail = ' '.join(detail.split())
    return f'the weights-only unpickler refuses it ({detail[:120]})'


def load_checkpoint_file(path, map_location='cpu', what: str = 'checkpoint'):
    """``torch.load(path, weights_only=True)`` with :func:`allowed_globals`.

    A file that needs another type raises :class:`UnsafeCheckpointError`
    (one line), unless the user opted in (:func:`trusted`): then it is
    loaded with ``weights_only=False`` and a warning names the type.
    Other load errors (truncated file, ...) propagate unchanged.
    """
    import torch
    path = os.fspath(path)
    try:
        with torch.serialization.safe_globals(allowed_globals()):
            return torch.load(path, map_location=map_location,
                              weights_only=True)
    except pickle.UnpicklingError as err:
        refused = _refused_type(err)
        if refused is None:
            raise
        if not trusted():
            raise UnsafeCheckpointError(
                f'refused to load {what} {path}: {refused} (unpickling it '
                f'could run code); {TRUST_HINT}') from None
    from mmengine.logging import print_log
    print_log(f'{what} {path}: {refused}; loading it with '
              f'weights_only=False because {TRUST_ENV}=1 '
              '(--trust-checkpoint)', logger='current', level=logging.WARNING)
    return torch.load(path, map_location=map_location, weights_only=False)


# --------------------------------------------------------------------------
# plain pickles the user hands back (``tools/test.py --dump`` predictions)
# --------------------------------------------------------------------------
def _tensor_from_bytes(data):
    """``torch.storage._load_from_bytes`` (how a pickled tensor's storage is
    stored) without its ``weights_only=False``."""
    import io

    import torch
    return torch.load(io.BytesIO(data), weights_only=True)


# (module, name) a prediction dump may need: tensors, numpy arrays/scalars,
# OrderedDict; a tensor's storage is read with weights_only=True
_DATA_GLOBALS = {
    ('collections', 'OrderedDict'), ('torch', 'Size'), ('torch', 'device'),
    ('torch._utils', '_rebuild_tensor_v2'), ('torch._utils', '_rebuild_tensor'),
    ('numpy', 'ndarray'), ('numpy', 'dtype'),
    ('numpy._core.multiarray', '_reconstruct'),
    ('numpy._core.multiarray', 'scalar'),
    ('numpy.core.multiarray', '_reconstruct'),
    ('numpy.core.multiarray', 'scalar'),
}


class _DataUnpickler(pickle.Unpickler):

    def __init__(self, f, path):
        super().__init__(f)
        self.path = path

    def find_class(self, module, name):
        if (module, name) == ('torch.storage', '_load_from_bytes'):
            return _tensor_from_bytes
        if (module, name) in _DATA_GLOBALS or (
                module == 'numpy.dtypes' and name.endswith('DType')):
            return super().find_class(module, name)
        raise UnsafeCheckpointError(
            f'refused to load {self.path}: it needs {module}.{name}, which is '
            'not on the allow-list of plain data types (unpickling it could '
            f'run code); {TRUST_HINT}')


def load_pickle_data(path, what: str = 'file'):
    """A plain pickle (lists/dicts of tensors, numpy arrays, numbers,
    strings) loaded without running code: any other global is refused with
    one line (:class:`UnsafeCheckpointError`) unless the user opted in
    (:func:`trusted`)."""
    path = os.fspath(path)
    with open(path, 'rb') as f:
        try:
            return _DataUnpickler(f, f'{what} {path}').load()
        except UnsafeCheckpointError:
            if not trusted():
                raise
    with open(path, 'rb') as f:
        return pickle.load(f)


# --------------------------------------------------------------------------
# the message hub of the checkpoints the Runner saves
# --------------------------------------------------------------------------
def _plain(value):
    import numpy as np
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)) and any(
            isinstance(v, np.generic) for v in value):
        return type(value)(_plain(v) for v in value)
    return value


def pack_message_hub(checkpoint: dict) -> dict:
    """``checkpoint`` with its ``message_hub`` in plain types: every
    ``HistoryBuffer`` as a dict of lists, numpy scalars in ``runtime_info``
    as python numbers. Returns a new dict; the argument is not changed."""
    from mmengine.logging import HistoryBuffer
    hub = checkpoint.get('message_hub') if isinstance(checkpoint, dict) \
        else None
    if not isinstance(hub, dict):
        return checkpoint
    hub = dict(hub)
    scalars = hub.get('log_scalars')
    if isinstance(scalars, dict):
        hub['log_scalars'] = OrderedDict(
            (key, {_HISTORY_MARK: 1,
                   'log_history': buf._log_history.tolist(),
                   'count_history': buf._count_history.tolist(),
                   'max_length': int(buf.max_length)})
            if isinstance(buf, HistoryBuffer) else (key, buf)
            for key, buf in scalars.items())
    info = hub.get('runtime_info')
    if isinstance(info, dict):
        hub['runtime_info'] = OrderedDict(
            (key, _plain(value)) for key, value in info.items())
    return dict(checkpoint, message_hub=hub)


def unpack_message_hub(checkpoint):
    """Turn the plain history buffers of :func:`pack_message_hub` back into
    ``HistoryBuffer`` objects (in place); returns ``checkpoint``."""
    hub = checkpoint.get('message_hub') if isinstance(checkpoint, dict) \
        else None
    scalars = hub.get('log_scalars') if isinstance(hub, dict) else None
    if not isinstance(scalars, dict):
        return checkpoint
    from mmengine.logging import HistoryBuffer
    for key, value in list(scalars.items()):
        if isinstance(value, dict) and value.get(_HISTORY_MARK):
            scalars[key] = HistoryBuffer(value['log_history'],
                                         value['count_history'],
                                         value['max_length'])
    return checkpoint
