"""tools/train.py -> tools/test.py -> --resume auto, tools/dist_train.sh with
2 CPU processes, and MMAction2's own packaged train.py on a project config.
Tiny random CLIP, generated mp4 videos, CPU only."""
import os
import pickle
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO_ROOT, write_smoke_config

PY = sys.executable


def _run(args, timeout=400, env=None):
    full_env = dict(os.environ, OMP_NUM_THREADS='1', **(env or {}))
    proc = subprocess.run(args, cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=timeout, env=full_env)
    return proc


def _ok(proc):
    assert proc.returncode == 0, (proc.stdout[-3000:], proc.stderr[-5000:])
    return proc.stdout + proc.stderr


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture(scope='module')
def smoke_cfg(tiny_video_dataset, tmp_path_factory):
    path = tmp_path_factory.mktemp('cfg') / 'smoke.py'
    return write_smoke_config(path, tiny_video_dataset)


def test_train_test_resume(smoke_cfg, tmp_path, tiny_video_dataset):
    work = tmp_path / 'work'
    out = _ok(_run([PY, 'tools/train.py', str(smoke_cfg), '--work-dir',
                    str(work), '--seed', '0', '--cfg-options',
                    'train_cfg.max_epochs=1']))
    assert (work / 'epoch_1.pth').is_file()
    assert 'Epoch(train) [1][3/3]' in out
    assert re.search(r'Epoch\(val\) \[1\]\[3/3\]\s+top1', out), out[-2000:]

    # a second run into the same work dir must not overwrite it silently
    proc = _run([PY, 'tools/train.py', str(smoke_cfg), '--work-dir',
                 str(work)])
    assert proc.returncode != 0
    assert 'already holds a training run' in proc.stderr.splitlines()[-1]

    # resume from the latest checkpoint and continue to epoch 2
    out = _ok(_run([PY, 'tools/train.py', str(smoke_cfg), '--work-dir',
                    str(work), '--resume', '--cfg-options',
                    'train_cfg.max_epochs=2']))
    assert 'resumed epoch: 1' in out, out[-3000:]
    assert 'Epoch(train) [1]' not in out
    assert 'Epoch(train) [2][3/3]' in out
    assert (work / 'epoch_2.pth').is_file()

    # test the checkpoint and dump the predictions
    dump = tmp_path / 'preds.pkl'
    out = _ok(_run([PY, 'tools/test.py', str(smoke_cfg),
                    str(work / 'epoch_2.pth'), '--work-dir', str(work),
                    '--dump', str(dump)]))
    assert re.search(r'Epoch\(test\) \[3/3\]\s+top1', out), out[-2000:]
    with open(dump, 'rb') as f:
        preds = pickle.load(f)
    assert len(preds) == 12
    assert all(len(p['pred_score']) == 3 for p in preds)
    # an existing dump is not overwritten without --force
    proc = _run([PY, 'tools/test.py', str(smoke_cfg),
                 str(work / 'epoch_2.pth'), '--dump', str(dump)])
    assert proc.returncode != 0 and 'exists' in proc.stderr


def test_dist_train_two_cpu_processes(smoke_cfg, tmp_path):
    work = tmp_path / 'dist'
    out = _ok(_run(['bash', 'tools/dist_train.sh', str(smoke_cfg), '2',
                    '--work-dir', str(work), '--cfg-options',
                    'train_cfg.max_epochs=1'],
                   env=dict(PYTHON=PY, PORT=str(_free_port()))))
    assert 'Distributed training is not used' not in out
    assert (work / 'epoch_1.pth').is_file()
    # 12 videos, batch 4 per process, 2 processes -> 2 iterations an epoch
    assert 'Epoch(train) [1][2/2]' in out, out[-3000:]
    assert re.search(r'Epoch\(val\) \[1\]\[2/2\]\s+top1', out), out[-2000:]


def test_mmaction_packaged_train_runs_project_config(smoke_cfg, tmp_path):
    import mmaction
    mim_train = Path(mmaction.__file__).parent / '.mim' / 'tools' / 'train.py'
    assert mim_train.is_file()
    work = tmp_path / 'mim'
    _ok(_run([PY, str(mim_train), str(smoke_cfg), '--work-dir', str(work),
              '--cfg-options', 'train_cfg.max_epochs=1']))
    assert (work / 'epoch_1.pth').is_file()
