"""Import, registration and command-line error handling of the tools."""
import subprocess
import sys

import pytest

from conftest import REPO_ROOT

PY = sys.executable


def test_import_registers_components():
    import ga2clip  # noqa: F401
    from mmaction.registry import HOOKS, MODEL_WRAPPERS
    assert HOOKS.get('VocabularyHook') is not None
    assert MODEL_WRAPPERS.get('CPUCompatDDP') is not None
    # compat fix 1: mmaction.models imports despite the missing drn module
    import mmaction.models  # noqa: F401
    from mmaction.models.localizers.drn import DRN
    with pytest.raises(ImportError, match='2714'):
        DRN()


def test_compat_safe_checkpoint_loader(tmp_path, monkeypatch):
    """compat fix 2: mmengine's loader loads with weights_only=True: the
    project's plain message-hub form comes back as HistoryBuffer objects,
    numpy data loads, a pickled HistoryBuffer (it needs builtins.getattr)
    is refused in one line, a missing file is named."""
    import numpy as np
    import torch
    import ga2clip  # noqa: F401
    from ga2clip.utils.safe_load import (UnsafeCheckpointError,
                                         pack_message_hub)
    from mmengine.logging import HistoryBuffer
    from mmengine.runner.checkpoint import _load_checkpoint
    buf = HistoryBuffer([1.0, 2.5], [1, 2], max_length=7)
    hub = dict(log_scalars={'train/loss': buf},
               runtime_info={'eta': np.float64(3.5), 'iter': 4},
               resumed_keys={'train/loss': True})
    path = tmp_path / 'ckpt.pth'
    torch.save(pack_message_hub({'meta': {'arr': np.arange(3)},
                                 'message_hub': hub, 'state_dict': {}}), path)
    ckpt = _load_checkpoint(str(path), map_location='cpu')
    back = ckpt['message_hub']['log_scalars']['train/loss']
    assert isinstance(back, HistoryBuffer)
    assert back._log_history.tolist() == [1.0, 2.5]
    assert back._count_history.tolist() == [1, 2] and back.max_length == 7
    assert ckpt['message_hub']['runtime_info']['eta'] == 3.5
    assert ckpt['meta']['arr'].tolist() == [0, 1, 2]

    legacy = tmp_path / 'legacy.pth'
    monkeypatch.delenv('GA2CLIP_TRUST_CHECKPOINTS', raising=False)
    torch.save({'meta': {'buf': HistoryBuffer()}, 'state_dict': {}}, legacy)
    with pytest.raises(UnsafeCheckpointError, match='legacy.pth') as info:
        _load_checkpoint(str(legacy), map_location='cpu')
    assert 'HistoryBuffer' in str(info.value)
    assert '--trust-checkpoint' in str(info.value)
    assert '\n' not in str(info.value)
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        _load_checkpoint(str(tmp_path / 'nope.pth'), map_location='cpu')


def _run(args, **kw):
    return subprocess.run([PY, *args], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=300, **kw)


def _one_line_error(proc, *needles):
    assert proc.returncode != 0, proc.stdout + proc.stderr
    lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
    assert lines, proc.stdout
    last = lines[-1]
    assert last.startswith('error:'), proc.stderr
    for needle in needles:
        assert needle in last, (needle, last)
    assert 'Traceback' not in proc.stderr, proc.stderr


def test_train_missing_config():
    proc = _run(['tools/train.py', 'configs/does_not_exist.py'])
    _one_line_error(proc, 'configs/does_not_exist.py')


def test_test_missing_config_and_checkpoint():
    proc = _run(['tools/test.py', 'nope_cfg.py', 'x.pth'])
    _one_line_error(proc, 'nope_cfg.py')
    proc = _run(['tools/test.py', 'configs/_base_/default_runtime.py',
                 'missing_ckpt.pth'])
    _one_line_error(proc, 'missing_ckpt.pth')


def test_malformed_cfg_options():
    cfg = 'configs/_base_/default_runtime.py'
    proc = _run(['tools/train.py', cfg, '--cfg-options', 'log_level'])
    _one_line_error(proc, "'log_level'", 'KEY=VALUE')
    proc = _run(['tools/train.py', cfg, '--cfg-options', 'no_such_key=3'])
    _one_line_error(proc, "'no_such_key'")


def test_dist_scripts_are_valid_bash():
    for name in ('dist_train.sh', 'dist_test.sh', 'slurm_train.sh',
                 'slurm_test.sh', 'setup_env.sh', 'run_tests.sh'):
        proc = subprocess.run(['bash', '-n', str(REPO_ROOT / 'tools' / name)],
                              capture_output=True, text=True)
        assert proc.returncode == 0, (name, proc.stderr)


def test_compat_atomic_checkpoint_write(tmp_path, monkeypatch):
    """compat fix 4: a write that dies midway leaves the old file intact."""
    import ga2clip  # noqa: F401
    from mmengine.fileio import get_file_backend
    target = tmp_path / 'epoch_1.pth'
    backend = get_file_backend(str(target))
    backend.put(b'old-checkpoint', str(target))
    assert target.read_bytes() == b'old-checkpoint'

    import os as _os
    real_fsync = _os.fsync

    def dying_fsync(fd):
        raise KeyboardInterrupt('killed mid-write')

    monkeypatch.setattr(_os, 'fsync', dying_fsync)
    with pytest.raises(KeyboardInterrupt):
        backend.put(b'new-but-never-finished', str(target))
    monkeypatch.setattr(_os, 'fsync', real_fsync)
    assert target.read_bytes() == b'old-checkpoint'
    assert sorted(p.name for p in tmp_path.iterdir()) == ['epoch_1.pth']
    backend.put_text('epoch_2.pth', str(tmp_path / 'last_checkpoint'))
    assert (tmp_path / 'last_checkpoint').read_text() == 'epoch_2.pth'
