"""Crash safety: SIGKILL during training then ``--resume`` reaches the
uninterrupted run's final weights and metrics; a kill while checkpoints are
being written never leaves a corrupt latest checkpoint; a work dir's run is
not overwritten unless asked.

Tolerance of the resume test: the final state dict and the epoch-2 val
metrics must be equal to 1e-6 (measured: bit-identical), under the
deterministic settings of ``ga2_runs.DET_EXTRA`` (no random augmentation,
no dropout; mmengine does not checkpoint the RNG state, so random
augmentations after a resume differ from the uninterrupted run's)."""
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
import torch

from conftest import REPO_ROOT
from ga2_runs import (PY, max_param_diff, run_tool, single_run, state_dict,
                      val_metrics)


def _wait_for(path, proc, timeout=300):
    start = time.time()
    while not path.exists():
        if proc.poll() is not None:
            out = proc.stdout.read() if proc.stdout else ''
            pytest.fail(f'training ended (rc {proc.returncode}) before '
                        f'{path.name} appeared:\n{out[-3000:]}')
        if time.time() - start > timeout:
            proc.kill()
            pytest.fail(f'{path.name} did not appear in {timeout}s')
        time.sleep(0.02)


def test_sigkill_then_resume_matches_uninterrupted(tiny_video_dataset,
                                                   tmp_path_factory, tmp_path,
                                                   capsys):
    cfg, ref = single_run(tiny_video_dataset, tmp_path_factory)
    work = tmp_path / 'killed'
    proc = subprocess.Popen(
        [PY, 'tools/train.py', str(cfg), '--work-dir', str(work), '--seed',
         '0'], cwd=REPO_ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
        env=dict(os.environ, OMP_NUM_THREADS='1'))
    _wait_for(work / 'last_checkpoint', proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    assert not (work / 'epoch_2.pth').exists(), 'killed too late'
    # the latest checkpoint is complete
    latest = (work / 'last_checkpoint').read_text().strip()
    assert latest.endswith('epoch_1.pth')
    assert torch.load(latest, map_location='cpu', weights_only=False)[
        'meta']['epoch'] == 1

    # without --resume the work dir is not overwritten (in-process: cheap)
    from ga2clip.apis.cli import train_main
    assert train_main([str(cfg), '--work-dir', str(work)]) == 2
    assert 'already holds a training run' in capsys.readouterr().err

    out = run_tool([PY, 'tools/train.py', cfg, '--work-dir', work, '--seed',
                    '0', '--resume']).stdout
    assert 'resumed epoch: 1' in out
    diff = max_param_diff(ref / 'epoch_2.pth', work / 'epoch_2.pth')
    assert diff <= 1e-6, diff
    a, b = val_metrics(ref)[2], val_metrics(work)[2]
    for key in ('top1', 'top5', 'mean_class_accuracy'):
        assert abs(a[key] - b[key]) <= 1e-6, (key, a[key], b[key])
    print(f'resume: max |param diff| = {diff:.3g}; val top1 {a["top1"]:.4f} '
          f'vs {b["top1"]:.4f}')


_WRITER = r'''
import importlib.util, os, sys, torch
spec = importlib.util.spec_from_file_location(
    'ga2compat', os.path.join(sys.argv[2], 'projects/ga2clip/ga2clip/compat.py'))
compat = importlib.util.module_from_spec(spec); spec.loader.exec_module(compat)
compat._fix_atomic_checkpoint_writes()
from mmengine.hooks import checkpoint_hook
from mmengine.runner.checkpoint import save_checkpoint
d = sys.argv[1]
start = int(sys.argv[3])
w = torch.randn(1_000_000)
print('ready', flush=True)
for i in range(start, start + 10_000):
    # what CheckpointHook does: save the checkpoint, then the pointer
    save_checkpoint({'meta': {'epoch': i}, 'state_dict': {'w': w + i}},
                    os.path.join(d, f'epoch_{i}.pth'))
    with checkpoint_hook.open(os.path.join(d, 'last_checkpoint'), 'w') as f:
        f.write(os.path.join(d, f'epoch_{i}.pth'))
    if os.path.exists(os.path.join(d, f'epoch_{i - 2}.pth')):
        os.remove(os.path.join(d, f'epoch_{i - 2}.pth'))  # max_keep_ckpts=2
'''


def test_kill_while_writing_checkpoints_keeps_latest_loadable(tmp_path):
    """SIGKILL a process that writes 4 MB checkpoints and the
    last_checkpoint pointer in a loop (the CheckpointHook's writes, with
    compat fix 4), at two moments: every checkpoint file and the pointer
    are complete, and the pointer names one of the two newest checkpoints
    (the newest unless the kill fell between the two writes)."""
    script = tmp_path / 'writer.py'
    script.write_text(_WRITER)
    start = 1
    for delay in (0.7, 1.3):
        proc = subprocess.Popen(
            [sys.executable, str(script), str(tmp_path), str(REPO_ROOT),
             str(start)], stdout=subprocess.PIPE, text=True,
            env=dict(os.environ, OMP_NUM_THREADS='1'))
        assert proc.stdout.readline().strip() == 'ready'
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        proc.stdout.close()
        pointer = (tmp_path / 'last_checkpoint').read_text().strip()
        ckpts = sorted(tmp_path.glob('epoch_*.pth'),
                       key=lambda p: int(p.stem.split('_')[1]))
        assert pointer in [str(p) for p in ckpts[-2:]], (pointer, ckpts)
        for path in ckpts:  # complete files only under final names
            epoch = int(path.stem.split('_')[1])
            sd = torch.load(path, map_location='cpu', weights_only=False)
            assert sd['meta']['epoch'] == epoch
            assert sd['state_dict']['w'].shape == (1_000_000, )
        start = int(ckpts[-1].stem.split('_')[1]) + 1
    assert start > 3, 'the writer wrote too few checkpoints to test anything'


def test_resume_auto_survives_a_dangling_pointer(tmp_path):
    """``--resume auto`` with a last_checkpoint naming a removed file
    (max_keep_ckpts=1 removes before saving) picks the newest epoch_N.pth."""
    import ga2clip  # noqa: F401 - compat fixes
    from mmengine.runner import runner
    (tmp_path / 'epoch_1.pth').write_bytes(b'x')
    (tmp_path / 'epoch_2.pth').write_bytes(b'x')
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_3.pth'))
    assert runner.find_latest_checkpoint(str(tmp_path)) == str(
        tmp_path / 'epoch_2.pth')
    (tmp_path / 'last_checkpoint').write_text('')
    assert runner.find_latest_checkpoint(str(tmp_path)) == str(
        tmp_path / 'epoch_2.pth')


def test_test_py_never_overwrites_results(tmp_path, tiny_video_dataset,
                                          capsys):
    """tools/test.py writes logs into a new timestamped folder of the work
    dir and refuses to overwrite an existing --dump file."""
    from ga2clip.apis.cli import test_main
    dump = tmp_path / 'preds.pkl'
    dump.write_bytes(b'earlier results')
    rc = test_main([str(REPO_ROOT / 'projects/ga2clip/configs/smoke/'
                        'ga2clip_tiny_smoke.py'), 'none', '--dump', str(dump),
                    '--work-dir', str(tmp_path / 'w')])
    assert rc == 2 and 'exists' in capsys.readouterr().err
    assert dump.read_bytes() == b'earlier results'
