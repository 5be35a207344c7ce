"""Compatibility fixes for mmaction2 1.2.0 / mmengine 0.10.7 on current torch.

Applied once by ``import ga2clip``. Each fix is independent, guarded, and can
be deleted when upstream releases a fix (see the note on each):

1. ``mmaction.models.localizers.drn`` is missing from the mmaction2 1.2.0
   wheel (open-mmlab/mmaction2#2714), which breaks ``import mmaction.models``.
   We install a placeholder module whose ``DRN`` raises a clear ImportError.
   Remove when mmaction2 ships the module.
2. Safe checkpoint loading. mmengine's local-file loader calls
   ``torch.load`` without ``weights_only``; a pickle can run code when it is
   loaded. We re-register it with
   :func:`ga2clip.utils.safe_load.load_checkpoint_file`
   (``weights_only=True``, numpy data types allowed by name, one-line
   refusal naming the file and the type; opt-in ``--trust-checkpoint`` /
   ``GA2CLIP_TRUST_CHECKPOINTS=1``). mmengine pickles ``HistoryBuffer``
   with ``builtins.getattr``, which cannot be allowed: the ``save_checkpoint``
   that ``Runner.save_checkpoint`` calls stores the message hub in plain
   types (:func:`~ga2clip.utils.safe_load.pack_message_hub`) and the loader
   rebuilds the buffers, so ``--resume`` keeps its log history.
   Remove when mmengine saves and loads with ``weights_only=True`` itself.
3. Distributed training without CUDA: mmengine's ``pytorch`` launcher calls
   ``torch.cuda.set_device``. When CUDA is absent we initialise the process
   group with gloo instead. The matching DDP wrapper without ``device_ids`` is
   :class:`ga2clip.engine.CPUCompatDDP` (set in ``configs/_base_/default_runtime.py``).
   Remove when mmengine supports CPU DDP.
4. Crash-safe checkpoints: mmengine's local file backend writes checkpoints
   (and the ``last_checkpoint`` pointer) in place, so a kill mid-write can
   leave a truncated file that ``--resume auto`` then picks up. We make
   ``LocalBackend.put``/``put_text`` write to a temporary file in the same
   folder, fsync it and ``os.replace`` it over the target (atomic on POSIX).
   ``CheckpointHook`` writes the ``last_checkpoint`` pointer with a plain
   ``open(..., 'w')``: that ``open`` (in ``mmengine.hooks.checkpoint_hook``
   only) writes atomically too. And ``--resume auto`` falls back to the
   newest ``epoch_N.pth``/``iter_N.pth`` when the pointer is empty or names
   a file that is gone (e.g. ``max_keep_ckpts=1`` removes the old
   checkpoint before saving the new one).
   Remove when mmengine writes atomically.
"""
import importlib.util
import io
import os
import sys
import types

_APPLIED = False


def _fix_missing_drn():
    name = 'mmaction.models.localizers.drn'
    if name in sys.modules:
        return
    try:
        if importlib.util.find_spec(name) is not None:
            return  # upstream ships it: nothing to do
    except ModuleNotFoundError:
        pass
    except ImportError:
        pass

    pkg = types.ModuleType(name)
    pkg.__path__ = []  # mark as package
    sub = types.ModuleType(name + '.drn')

    class DRN:  # noqa: D401 - placeholder
        """Placeholder: DRN is missing from the mmaction2 1.2.0 wheel."""

        def __init__(self, *args, **kwargs):
            raise ImportError(
                'mmaction2 1.2.0 wheel lacks mmaction.models.localizers.drn '
                '(open-mmlab/mmaction2#2714); install mmaction2 from source '
                'to use DRN.')

    sub.DRN = DRN
    pkg.DRN = DRN
    pkg.drn = sub
    sys.modules[name] = pkg
    sys.modules[name + '.drn'] = sub


def _fix_safe_checkpoint_loading():
    from mmengine.runner import runner as runner_module
    from mmengine.runner.checkpoint import CheckpointLoader

    from .utils.safe_load import (load_checkpoint_file, pack_message_hub,
                                  unpack_message_hub)

    def load_local_checkpoint(filename, map_location):
        filename = os.path.expanduser(filename)
        if not os.path.isfile(filename):
            raise FileNotFoundError(
                f'checkpoint not found: {filename} (check the path given to '
                '--resume/load_from/test checkpoint)')
        return unpack_message_hub(
            load_checkpoint_file(filename, map_location=map_location))

    CheckpointLoader.register_scheme(
        prefixes='', loader=load_local_checkpoint, force=True)

    original_save = runner_module.save_checkpoint
    if getattr(original_save, '_ga2clip_patched', False):
        return

    def save_checkpoint(checkpoint, filename, *args, **kwargs):
        return original_save(pack_message_hub(checkpoint), filename, *args,
                             **kwargs)

    save_checkpoint._ga2clip_patched = True
    runner_module.save_checkpoint = save_checkpoint
    # FlexibleRunner's strategies import it from here when they save.
    from mmengine.runner import checkpoint as checkpoint_module
    checkpoint_module.save_checkpoint = save_checkpoint


def _fix_cpu_distributed():
    import torch
    import torch.distributed as torch_dist
    from mmengine.dist import utils as dist_utils

    original = dist_utils._init_dist_pytorch
    if getattr(original, '_ga2clip_patched', False):
        return

    def init_dist_pytorch(backend, init_backend='torch', **kwargs):
        if torch.cuda.is_available():
            return original(backend, init_backend=init_backend, **kwargs)
        if backend == 'nccl':
            backend = 'gloo'
        torch_dist.init_process_group(backend=backend, **kwargs)

    init_dist_pytorch._ga2clip_patched = True
    dist_utils._init_dist_pytorch = init_dist_pytorch


def _fix_atomic_checkpoint_writes():
    import tempfile

    import mmengine
    from mmengine.fileio.backends.local_backend import LocalBackend

    if getattr(LocalBackend.put, '_ga2clip_patched', False):
        return

    def _atomic_write(data: bytes, filepath) -> None:
        filepath = os.fspath(filepath)
        folder = os.path.dirname(filepath) or '.'
        mmengine.mkdir_or_exist(folder)
        fd, tmp = tempfile.mkstemp(
            dir=folder, prefix='.' + os.path.basename(filepath) + '.',
            suffix='.tmp')
        try:
            with os.fdopen(fd, 'wb') as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600 files
            os.replace(tmp, filepath)
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise

    def put(self, obj, filepath):
        _atomic_write(obj, filepath)

    def put_text(self, obj, filepath, encoding='utf-8'):
        _atomic_write(obj.encode(encoding), filepath)

    put._ga2clip_patched = True
    LocalBackend.put = put
    LocalBackend.put_text = put_text

    from mmengine.hooks import checkpoint_hook
    from mmengine.runner import runner as runner_module

    class _AtomicTextFile(io.StringIO):
        def __init__(self, path, encoding):
            super().__init__()
            self._path, self._encoding = path, encoding or 'utf-8'

        def __exit__(self, exc_type, exc, tb):
            if exc_type is None:
                _atomic_write(self.getvalue().encode(self._encoding),
                              self._path)
            return super().__exit__(exc_type, exc, tb)

    def hook_open(file, mode='r', *args, encoding=None, **kwargs):
        if mode == 'w' and not args and not kwargs:
            return _AtomicTextFile(file, encoding)
        return open(file, mode, *args, encoding=encoding, **kwargs)

    checkpoint_hook.open = hook_open

    original_find = runner_module.find_latest_checkpoint

    def find_latest_checkpoint(path):
        found = original_find(path)
        if found and os.path.isfile(found):
            return found
        import re
        steps = []
        for name in os.listdir(path) if os.path.isdir(path) else []:
            match = re.fullmatch(r'(?:epoch|iter)_(\d+)\.pth', name)
            if match:
                steps.append((int(match.group(1)), name))
        if not steps:
            return found
        newest = os.path.join(path, max(steps)[1])
        from mmengine.logging import print_log
        print_log(f'last_checkpoint in {path} names {found!r}, which is '
                  f'missing: resuming from the newest checkpoint {newest}',
                  logger='current', level=30)
        return newest

    runner_module.find_latest_checkpoint = find_latest_checkpoint


def _quiet_mmcv_lite_warning():
    # mmcv-lite has no compiled ops; mmcv warns about it on every import of
    # mmcv.cnn.bricks.transformer although GA2-CLIP uses none of them.
    import warnings
    warnings.filterwarnings(
        'ignore', message='Fail to import ``MultiScaleDeformableAttention``')


def apply():
    """Apply every fix once (idempotent)."""
    global _APPLIED
    if _APPLIED:
        return
    _quiet_mmcv_lite_warning()
    _fix_missing_drn()
    _fix_safe_checkpoint_loading()
    _fix_cpu_distributed()
    _fix_atomic_checkpoint_writes()
    _APPLIED = True
