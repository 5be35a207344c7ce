"""Exact resume under random augmentation, mid-epoch resume, preemption.

End-to-end (CPU, tiny GA2-CLIP, random resized crop + flip + text-head
dropout 0.5, i.e. python, numpy and torch random streams; 3 epochs of 6
batches, ``iter_N.pth`` every 4 iterations): a run interrupted at a random
iteration (SIGKILL) or stopped by SIGTERM/SIGUSR1 and continued with
``--resume auto`` ends with final weights ``torch.equal`` to the
uninterrupted run's, for ``num_workers`` 0 and 2 (persistent workers, the
setting of the real configs). The uninterrupted reference run uses
``num_workers=0``: augmentation does not depend on the worker count.

Unit tests: per-sample seeds (worker count, persistence and skipping leave
the augmentation unchanged; epochs differ; the main process's RNG is not
consumed by data loading) and the RNG states' round trip through
``torch.load(weights_only=True)``.
"""
import os
import random
import re
import signal
import subprocess
import textwrap
from functools import partial

import numpy as np
import pytest
import torch

from conftest import REPO_ROOT, write_smoke_config
from ga2_runs import PY, run_tool

EXTRA = """
train_cfg = dict(max_epochs=3)
train_dataloader['batch_size'] = 2
param_scheduler = [dict(type='CosineAnnealingLR', T_max=3, eta_min=0,
                        by_epoch=True, begin=0, end=3,
                        convert_to_iter_based=True)]
iter_checkpoint_interval = 4
"""
ITERS_PER_EPOCH = 6  # 12 videos, batch 2
WORKERS = {0: [], 2: ['--cfg-options', 'train_dataloader.num_workers=2',
                      'train_dataloader.persistent_workers=True']}

SIGNAL_HOOK = '''
import os
from mmengine.hooks import Hook
from mmaction.registry import HOOKS


@HOOKS.register_module()
class SendSignalHook(Hook):
    """Sends ``signum`` to this process during iteration ``at_iter``."""

    def __init__(self, at_iter, signum):
        self.at_iter, self.signum = at_iter, signum

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if runner.iter == self.at_iter:
            os.kill(os.getpid(), self.signum)
'''


@pytest.fixture(scope='module')
def resume_setup(tiny_video_dataset, tmp_path_factory):
    root = tmp_path_factory.mktemp('resume_exact')
    cfg = write_smoke_config(root / 'cfg.py', tiny_video_dataset,
                             extra=EXTRA)
    ref = root / 'ref'
    run_tool([PY, 'tools/train.py', cfg, '--work-dir', ref, '--seed', '0'])
    return cfg, ref


def _weights(path):
    return torch.load(str(path), map_location='cpu',
                      weights_only=False)['state_dict']


def _assert_equal_weights(ref, work):
    a, b = _weights(ref / 'epoch_3.pth'), _weights(work / 'epoch_3.pth')
    assert a.keys() == b.keys()
    differ = [k for k in a if not torch.equal(a[k], b[k])]
    assert not differ, f'{len(differ)} tensors differ, e.g. {differ[:3]}'


def _resume(cfg, work, workers):
    return run_tool([PY, 'tools/train.py', cfg, '--work-dir', work, '--seed',
                     '0', '--resume', 'auto', *WORKERS[workers]]).stdout


@pytest.mark.parametrize('workers', [0, 2])
def test_sigkill_at_random_iteration_then_resume_is_exact(resume_setup,
                                                          tmp_path, workers):
    cfg, ref = resume_setup
    # kill while iteration `target` runs (0-based); printed for reproduction
    target = random.Random().randrange(5, 3 * ITERS_PER_EPOCH - 1)
    print(f'SIGKILL during iteration {target}')
    epoch, batch = divmod(target - 1, ITERS_PER_EPOCH)
    done_line = f'Epoch(train) [{epoch + 1}][{batch + 1}/{ITERS_PER_EPOCH}]'
    work = tmp_path / 'killed'
    proc = subprocess.Popen(
        [PY, 'tools/train.py', str(cfg), '--work-dir', str(work), '--seed',
         '0', *WORKERS[workers]], cwd=REPO_ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
        env=dict(os.environ, OMP_NUM_THREADS='1'))
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if done_line in line:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL, ''.join(seen[-20:])
    assert not (work / 'epoch_3.pth').exists(), 'killed too late'

    out = _resume(cfg, work, workers)
    found = re.search(r'resumed from the latest checkpoint \S*iter_(\d+)',
                      out)
    if found and int(found.group(1)) % ITERS_PER_EPOCH:  # mid-epoch
        assert 'skipping the' in out
    print(found.group(0) if found else 'resumed from an epoch checkpoint')
    _assert_equal_weights(ref, work)


@pytest.mark.parametrize('signame,workers', [('SIGTERM', 0), ('SIGUSR1', 2)])
def test_signal_mid_epoch_checkpoints_exits_75_and_resumes_exact(
        resume_setup, tmp_path, signame, workers):
    cfg, ref = resume_setup
    (tmp_path / 'send_signal_hook.py').write_text(SIGNAL_HOOK)
    signum = int(getattr(signal, signame))
    signalled = tmp_path / 'signalled.py'
    signalled.write_text(textwrap.dedent(f'''\
        _base_ = [{str(cfg)!r}]
        custom_imports = dict(imports=['ga2clip', 'send_signal_hook'],
                              allow_failed_imports=False)
        custom_hooks = [dict(type='VocabularyHook'),
                        dict(type='ExactResumeHook'),
                        dict(type='PreemptionHook'),
                        dict(type='SendSignalHook', at_iter=8,
                             signum={signum})]
        '''))
    work = tmp_path / 'work'
    proc = run_tool([PY, 'tools/train.py', signalled, '--work-dir', work,
                     '--seed', '0', *WORKERS[workers]], check=False,
                    env=dict(PYTHONPATH=str(tmp_path)))
    log = proc.stdout + proc.stderr
    assert proc.returncode == 75, log[-3000:]
    # signal during iteration 8 (epoch 2, batch 3): saved after it
    assert f'{signame} received: saved' in log
    assert (work / 'iter_9.pth').is_file()
    assert (work / 'last_checkpoint').read_text().strip() == str(
        work / 'iter_9.pth')
    assert not (work / 'epoch_2.pth').exists()
    meta = torch.load(work / 'iter_9.pth', map_location='cpu',
                      weights_only=False)['meta']
    assert (meta['epoch'], meta['iter']) == (1, 9)

    out = _resume(cfg, work, workers)
    assert 'resuming inside epoch 2: skipping the 3 batch(es)' in out
    _assert_equal_weights(ref, work)
    # superseded by epoch_2.pth, the iteration checkpoint is gone
    assert not (work / 'iter_9.pth').exists()


# --------------------------------------------------------------------------
# unit tests
# --------------------------------------------------------------------------
class _Draws(torch.utils.data.Dataset):
    """Each item: the python, numpy and torch draws an augmentation would
    make."""

    def __len__(self):
        return 12

    def __getitem__(self, idx):
        return torch.tensor([float(idx), random.random(), np.random.rand(),
                             torch.rand(()).item()], dtype=torch.float64)


def _loader(num_workers, persistent=False, shuffle=True):
    from mmengine.dataset import DefaultSampler
    from mmengine.dataset import worker_init_fn as mmengine_init
    dataset = _Draws()
    return torch.utils.data.DataLoader(
        dataset, batch_size=3, sampler=DefaultSampler(dataset, shuffle, 7),
        num_workers=num_workers, persistent_workers=persistent,
        worker_init_fn=partial(mmengine_init, num_workers=num_workers,
                               rank=0, seed=7) if num_workers else None)


def _epochs(loader, n=2, skip=0):
    out = []
    for epoch in range(n):
        loader.batch_sampler.sampler.set_epoch(epoch)
        if hasattr(loader.batch_sampler, 'epoch'):
            loader.batch_sampler.epoch = epoch
            loader.batch_sampler.skip = skip if epoch == 1 else 0
        out.append(torch.cat(list(loader)))
    return out


def test_mmengine_workers_repeat_draws_every_epoch():
    """The fault: mmengine reseeds re-created workers identically, so each
    epoch's augmentation draws repeat (same batch positions, no shuffle)."""
    first, second = _epochs(_loader(2, shuffle=False))
    assert torch.equal(first[:, 1:], second[:, 1:])


def test_per_sample_seeds_independent_of_workers_and_skip():
    from ga2clip.engine.resume import _rebuild_loader
    ref = _epochs(_rebuild_loader(_loader(0), seed=7, rank=0))
    assert not torch.equal(ref[0][:, 1:], ref[1][:, 1:])  # epochs differ
    for workers, persistent in ((2, False), (2, True)):
        got = _epochs(_rebuild_loader(_loader(workers, persistent), 7, 0))
        assert all(torch.equal(a, b) for a, b in zip(ref, got))
    skipped = _epochs(_rebuild_loader(_loader(2, True), 7, 0), skip=2)
    assert torch.equal(skipped[1], ref[1][2 * 3:])  # exactly the tail
    # loading in the main process leaves its random streams alone
    state = (random.getstate(), np.random.get_state()[1].copy(),
             torch.get_rng_state())
    _epochs(_rebuild_loader(_loader(0), seed=7, rank=0))
    assert random.getstate() == state[0]
    assert np.array_equal(np.random.get_state()[1], state[1])
    assert torch.equal(torch.get_rng_state(), state[2])


def test_rng_state_round_trip_with_weights_only_load(tmp_path):
    from ga2clip.engine.resume import capture_rng_state, restore_rng_state
    random.random(), np.random.randn(), torch.rand(3)  # nonzero positions
    torch.save(dict(rng_state=capture_rng_state()), tmp_path / 's.pth')
    expected = (random.random(), np.random.randn(), torch.rand(3))
    state = torch.load(tmp_path / 's.pth', weights_only=True)['rng_state']
    restore_rng_state(state)
    got = (random.random(), np.random.randn(), torch.rand(3))
    assert got[0] == expected[0] and got[1] == expected[1]
    assert torch.equal(got[2], expected[2])


FAKE = '''#!/usr/bin/env bash
echo "$(basename "$0") $*" >> "{log}"
exit ${{FAKE_RC:-0}}
'''


def test_slurm_train_asks_signal_and_requeue_then_requeues_on_75(tmp_path):
    """tools/slurm_train.sh with fake sbatch/srun/scontrol: it submits a
    requeueable job with a pre-timeout SIGUSR1; inside the job it runs
    train.py with --resume auto and requeues when training exits 75."""
    log = tmp_path / 'calls.log'
    fake = tmp_path / 'bin'
    fake.mkdir()
    for name in ('sbatch', 'srun', 'scontrol'):
        (fake / name).write_text(FAKE.format(log=log))
        (fake / name).chmod(0o755)
    script = str(REPO_ROOT / 'tools' / 'slurm_train.sh')
    env = dict(os.environ, PATH=f'{fake}:{os.environ["PATH"]}')
    env.pop('SLURM_JOB_ID', None)
    work = str(tmp_path / 'w')
    args = ['bash', script, 'part', 'job', 'cfg.py', work, '--seed', '1']

    subprocess.run(args, env=env, check=True)
    sbatch = log.read_text().splitlines()
    assert len(sbatch) == 1 and sbatch[0].startswith('sbatch ')
    assert ' --requeue ' in sbatch[0] and ' --signal=USR1@180 ' in sbatch[0]
    assert sbatch[0].endswith(f'{script} part job cfg.py {work} --seed 1')

    inside = dict(env, SLURM_JOB_ID='123',
                  GA2CLIP_SLURM_TOOLS=str(REPO_ROOT / 'tools'))
    for rc, requeued in ((75, True), (0, False), (1, False)):
        log.unlink()
        proc = subprocess.run(args, env=dict(inside, FAKE_RC=str(rc)),
                              capture_output=True, text=True)
        calls = log.read_text().splitlines()
        assert calls[0].startswith('srun ') and calls[0].endswith(
            '--launcher=slurm --resume auto --seed 1'), calls
        assert ('scontrol requeue 123' in calls) == requeued, calls
        assert proc.returncode == (0 if requeued else rc)


def test_bad_iter_checkpoint_interval_is_one_line(resume_setup, tmp_path,
                                                  capsys):
    from ga2clip.apis.cli import train_main
    cfg, _ = resume_setup
    rc = train_main([str(cfg), '--work-dir', str(tmp_path / 'w'),
                     '--cfg-options', 'iter_checkpoint_interval=-3'])
    err = capsys.readouterr().err.strip()
    assert rc == 1 and len(err.splitlines()) == 1, err
    assert 'iter_checkpoint_interval must be a whole number' in err
    assert str(cfg) in err
