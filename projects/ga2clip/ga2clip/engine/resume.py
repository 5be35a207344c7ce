"""Exact resume and preemption-safe training (mmengine hooks).

mmengine 0.10.7 restores the weights, optimizer, schedulers and the
epoch/iteration counters on ``--resume``, but not the random streams, and
its ``EpochBasedTrainLoop`` restarts an interrupted epoch from its first
batch. Two hooks, both in ``configs/_base_/default_runtime.py``, close the
gap (docs/inference.md, "Resume guarantees"):

* :class:`ExactResumeHook` makes a resumed run continue with the same
  random numbers as an uninterrupted one:

  - every checkpoint carries the python / numpy / torch (and CUDA) RNG
    states of every rank (``checkpoint['rng_state']``, tensors and plain
    python values only, so it loads with ``torch.load(weights_only=True)``);
    they are restored just before training continues;
  - each training sample's augmentation is drawn from RNGs seeded with
    ``(seed, epoch, rank, batch index, position in the batch)``, so it does
    not depend on which dataloader worker loads it, on whether workers are
    persistent, or on how much of the epoch was skipped. (mmengine seeds a
    worker with ``seed + rank * num_workers + worker_id`` every time it is
    created, so non-persistent workers repeated the same augmentation
    draws every epoch.) The main process's RNGs are left untouched by data
    loading;
  - validation runs with the RNG states saved and restored around it, so
    training draws the same numbers with or without validation;
  - a run resumed from a mid-epoch checkpoint skips exactly the batches
    already consumed in that epoch (their indices are drawn, not loaded).

* :class:`PreemptionHook` saves ``iter_N.pth`` every
  ``iter_checkpoint_interval`` training iterations (a top-level config
  key; ``None`` = epoch checkpoints only) and, on SIGTERM or SIGUSR1, at
  the next iteration boundary, after which the run exits with status
  :data:`PREEMPTED_EXIT_CODE` (75, ``EX_TEMPFAIL``: "try again later").
  ``tools/train.py CONFIG --resume auto`` continues from that checkpoint.
  An iteration checkpoint is deleted once the next epoch checkpoint is
  written.
"""
import os
import os.path as osp
import random
import signal
import threading
from typing import List, Optional

import numpy as np
import torch
from mmengine.dist import (all_gather_object, all_reduce, barrier,
                           get_dist_info, is_main_process)
from mmengine.hooks import Hook
from mmengine.runner import EpochBasedTrainLoop
from torch.utils.data import DataLoader, get_worker_info

from mmaction.registry import HOOKS

#: Exit status of a run stopped by SIGTERM/SIGUSR1 after saving a checkpoint
#: (sysexits.h EX_TEMPFAIL). ``tools/slurm_train.sh`` requeues on it.
PREEMPTED_EXIT_CODE = 75

_RNG_FORMAT = 1


class TrainingPreempted(SystemExit):
    """Raised (on every rank) after the preemption checkpoint is saved;
    exits the process with :data:`PREEMPTED_EXIT_CODE`."""

    def __init__(self, message: str):
        super().__init__(PREEMPTED_EXIT_CODE)
        self.message = message


# --------------------------------------------------------------------------
# RNG states as tensors and plain python values (weights_only-loadable)
# --------------------------------------------------------------------------
def capture_rng_state() -> dict:
    """This process's python, numpy, torch (and current CUDA device) RNG
    states, as tensors / ints / floats / tuples only."""
    kind, key, pos, has_gauss, gauss = np.random.get_state()
    state = dict(
        python=random.getstate(),
        numpy=dict(kind=str(kind), key=torch.from_numpy(
            key.astype(np.int64)), pos=int(pos), has_gauss=int(has_gauss),
            cached_gaussian=float(gauss)),
        torch=torch.get_rng_state())
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state['cuda'] = torch.cuda.get_rng_state()
    return state


def restore_rng_state(state: dict) -> None:
    """Inverse of :func:`capture_rng_state`."""
    version, internal, gauss = state['python']
    random.setstate((version, tuple(internal), gauss))
    npy = state['numpy']
    np.random.set_state((npy['kind'], npy['key'].numpy().astype(np.uint32),
                         npy['pos'], npy['has_gauss'],
                         npy['cached_gaussian']))
    torch.set_rng_state(state['torch'])
    if 'cuda' in state and torch.cuda.is_available():
        torch.cuda.set_rng_state(state['cuda'])


def _sample_seed(*entropy: int) -> int:
    return int(np.random.SeedSequence([int(e) for e in entropy])
               .generate_state(1, np.uint64)[0])


def _seed_all(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


# --------------------------------------------------------------------------
# data: per-sample seeds, batch-exact skipping
# --------------------------------------------------------------------------
class SeededBatchSampler:
    """Wraps the train loader's batch sampler: yields each index as
    ``(index, seed)`` with ``seed = f(seed, epoch, rank, batch, position)``,
    and can skip the first ``n`` batches of one epoch (drawn from the
    wrapped sampler, so samplers with their own random draws per batch,
    e.g. :class:`AnchorBatchSampler`, stay in step; nothing is loaded)."""

    def __init__(self, batch_sampler, seed: int, rank: int):
        self.batch_sampler = batch_sampler
        self.seed = int(seed)
        self.rank = int(rank)
        self.epoch = 0
        self.skip = 0

    @property
    def sampler(self):  # DistSamplerSeedHook sets the epoch through this
        return self.batch_sampler.sampler

    def __len__(self) -> int:
        return len(self.batch_sampler)

    def __iter__(self):
        skip, self.skip = self.skip, 0
        for b, batch in enumerate(self.batch_sampler):
            if b < skip:
                continue
            yield [(idx, _sample_seed(self.seed, self.epoch, self.rank, b, j))
                   for j, idx in enumerate(batch)]


class SeededDataset:
    """Loads ``dataset[index]`` with python/numpy/torch seeded by the seed
    paired with the index. In the main process (``num_workers=0``) the
    RNG states around the call are kept, so data loading does not shift
    the model's random stream. Other attributes are the wrapped
    dataset's."""

    def __init__(self, dataset):
        self.dataset = dataset

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, key):
        if not isinstance(key, tuple):
            return self.dataset[key]
        idx, seed = key
        if get_worker_info() is not None:
            _seed_all(seed)
            return self.dataset[idx]
        saved = capture_rng_state()
        try:
            _seed_all(seed)
            return self.dataset[idx]
        finally:
            restore_rng_state(saved)

    def __getattr__(self, name):
        if name.startswith('__') or name == 'dataset':
            raise AttributeError(name)
        return getattr(self.dataset, name)


def _rebuild_loader(loader: DataLoader, seed: int, rank: int) -> DataLoader:
    batch_sampler = SeededBatchSampler(loader.batch_sampler, seed, rank)
    generator = torch.Generator()
    generator.manual_seed(_sample_seed(seed, rank))
    kwargs = dict(
        batch_sampler=batch_sampler, num_workers=loader.num_workers,
        collate_fn=loader.collate_fn, pin_memory=loader.pin_memory,
        timeout=loader.timeout, worker_init_fn=loader.worker_init_fn,
        multiprocessing_context=loader.multiprocessing_context,
        # worker base seeds come from this generator, not the global RNG
        generator=generator,
        persistent_workers=loader.persistent_workers,
        pin_memory_device=loader.pin_memory_device)
    if loader.num_workers > 0:
        kwargs['prefetch_factor'] = loader.prefetch_factor
    if hasattr(loader, 'in_order'):
        kwargs['in_order'] = loader.in_order
    return DataLoader(SeededDataset(loader.dataset), **kwargs)


@HOOKS.register_module()
class ExactResumeHook(Hook):
    """Resume reproduces the uninterrupted run: RNG states in checkpoints,
    per-sample augmentation seeds, RNG-neutral validation, mid-epoch skip
    (see the module docstring).

    Args:
        seed_samples (bool): seed each training sample's augmentation from
            ``(seed, epoch, rank, batch, position)``. Without it (and for a
            loader without a ``batch_sampler``) only the main process's RNG
            is restored, which is exact for ``num_workers=0`` at epoch
            boundaries only.
    """

    priority = 'BELOW_NORMAL'  # after_train_epoch: before CheckpointHook

    def __init__(self, seed_samples: bool = True):
        self.seed_samples = seed_samples
        self._pending: Optional[dict] = None
        self._gathered: Optional[List[dict]] = None
        self._gathered_at = None
        self._val_state: Optional[dict] = None

    # -- checkpoints ------------------------------------------------------
    def gather_rng_states(self, runner) -> None:
        """Collect every rank's RNG states for a checkpoint saved at this
        iteration (call on all ranks, right before the save)."""
        state = capture_rng_state()
        _, world = get_dist_info()
        self._gathered = all_gather_object(state) if world > 1 else [state]
        self._gathered_at = (runner.epoch, runner.iter)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        ranks = [capture_rng_state()]  # rank 0's (saving runs on rank 0)
        if self._gathered_at == (runner.epoch, runner.iter):
            ranks = self._gathered
        checkpoint['rng_state'] = dict(format=_RNG_FORMAT, ranks=ranks)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        # used in before_train, and only when resuming (load_from starts a
        # new run at iteration 0 with its own seed)
        self._pending = checkpoint.get('rng_state', 'missing')

    # -- training ---------------------------------------------------------
    def before_train(self, runner) -> None:
        loop = runner.train_loop
        loader = loop.dataloader
        rank, world = get_dist_info()
        if (self.seed_samples and isinstance(loop, EpochBasedTrainLoop)
                and isinstance(loader, DataLoader)
                and loader.batch_sampler is not None
                and not isinstance(loader.batch_sampler, SeededBatchSampler)):
            loop.dataloader = _rebuild_loader(loader, runner.seed or 0, rank)
        pending, self._pending = self._pending, None
        if pending is None or runner.iter == 0:
            return
        if pending == 'missing':
            runner.logger.warning(
                'the checkpoint holds no RNG state (written before exact '
                'resume existed): training continues, but its random '
                'augmentation differs from an uninterrupted run')
        else:
            ranks = pending['ranks']
            if len(ranks) != world:
                runner.logger.warning(
                    f'the checkpoint holds RNG states of {len(ranks)} '
                    f'rank(s), this run has {world}: random streams after '
                    'the resume differ from an uninterrupted run')
            restore_rng_state(ranks[rank % len(ranks)])

    def before_train_epoch(self, runner) -> None:
        sampler = runner.train_loop.dataloader.batch_sampler
        if not isinstance(sampler, SeededBatchSampler):
            return
        sampler.epoch = runner.epoch
        per_epoch = len(runner.train_loop.dataloader)
        consumed = runner.iter - runner.epoch * per_epoch
        if 0 < consumed <= per_epoch:
            runner.logger.info(
                f'resuming inside epoch {runner.epoch + 1}: skipping the '
                f'{consumed} batch(es) it already trained on')
            sampler.skip = consumed
        elif consumed:
            runner.logger.warning(
                f'iteration {runner.iter} does not fall in epoch '
                f'{runner.epoch + 1} of {per_epoch} batches (batch size or '
                'data changed since the checkpoint?): the epoch is not '
                'skipped into')

    def after_train_epoch(self, runner) -> None:
        self.gather_rng_states(runner)  # for CheckpointHook's checkpoint

    # -- validation leaves the training RNG alone ------------------------
    def before_val(self, runner) -> None:
        self._val_state = capture_rng_state()

    def after_val(self, runner) -> None:
        if self._val_state is not None:
            restore_rng_state(self._val_state)
            self._val_state = None


# --------------------------------------------------------------------------
# iteration checkpoints and signals
# --------------------------------------------------------------------------
@HOOKS.register_module()
class PreemptionHook(Hook):
    """Iteration checkpoints and a checkpoint-then-exit on SIGTERM/SIGUSR1.

    Args:
        interval (int, optional): save ``iter_N.pth`` every ``interval``
            training iterations. ``None``: the config's top-level
            ``iter_checkpoint_interval`` (``None`` or 0 there: only the
            signal checkpoints).
        signals (tuple[str]): signals that stop training at the next
            iteration boundary, after a checkpoint.
    """

    priority = 'LOWEST'  # after CheckpointHook and the logger
    _KEY = 'ga2clip_iter_checkpoints'

    def __init__(self, interval: Optional[int] = None,
                 signals=('SIGTERM', 'SIGUSR1')):
        self.interval = interval
        self.signals = tuple(signals)
        self._received: Optional[int] = None
        self._previous = {}

    def _handler(self, signum, frame):
        self._received = signum

    def before_train(self, runner) -> None:
        if self.interval is None:
            self.interval = runner.cfg.get('iter_checkpoint_interval', None)
        if self.interval is not None and (
                not isinstance(self.interval, int) or self.interval < 0):
            raise ValueError(
                f'iter_checkpoint_interval must be a whole number of '
                f'iterations or None, got {self.interval!r} (config '
                f'{runner.cfg.filename})')
        if threading.current_thread() is not threading.main_thread():
            runner.logger.warning('training runs outside the main thread: '
                                  'SIGTERM/SIGUSR1 checkpoints are off')
            return
        for name in self.signals:
            signum = getattr(signal, name)
            self._previous[signum] = signal.signal(signum, self._handler)

    def after_train(self, runner) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous = {}

    def _stop_requested(self) -> bool:
        flag = self._received is not None
        _, world = get_dist_info()
        if world > 1:  # every rank stops at the same iteration
            t = torch.tensor([int(flag)])
            all_reduce(t, op='max')
            flag = bool(t.item())
        return flag

    def _save(self, runner) -> str:
        for hook in runner.hooks:
            if isinstance(hook, ExactResumeHook):
                hook.gather_rng_states(runner)
        name = f'iter_{runner.iter + 1}.pth'
        path = osp.join(runner.work_dir, name)
        older = list(runner.message_hub.get_info(self._KEY, None) or [])
        # recorded before saving, so that the checkpoint knows it is one
        runner.message_hub.update_info(self._KEY, [path])
        runner.save_checkpoint(runner.work_dir, name, by_epoch=False)
        if is_main_process():
            from mmengine.fileio import put_text
            put_text(path, osp.join(runner.work_dir, 'last_checkpoint'))
            for old in older:  # only after the new one is complete
                if old != path and osp.isfile(old):
                    os.remove(old)
        return path

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None) -> None:
        stop = self._stop_requested()
        # (the epoch checkpoint follows the last batch of an epoch anyway)
        periodic = bool(self.interval) and (
            runner.iter + 1) % self.interval == 0 and (
                runner.iter + 1) % len(runner.train_dataloader) != 0
        if not (stop or periodic):
            return
        path = self._save(runner)
        if not stop:
            runner.logger.info(f'iteration checkpoint {path}')
            return
        name = signal.Signals(self._received).name if self._received \
            else 'a stop signal on another rank'
        message = (f'{name} received: saved {path} after iteration '
                   f'{runner.iter + 1}; exiting with status '
                   f'{PREEMPTED_EXIT_CODE}. Continue with tools/train.py '
                   'CONFIG --work-dir ... --resume auto')
        runner.logger.warning(message)
        barrier()
        raise TrainingPreempted(message)

    def after_train_epoch(self, runner) -> None:
        # The epoch checkpoint (CheckpointHook, which runs before this hook)
        # supersedes the iteration checkpoints of this epoch.
        if not is_main_process():
            return
        pointer = osp.join(runner.work_dir, 'last_checkpoint')
        latest = open(pointer).read().strip() if osp.isfile(pointer) else ''
        saved = list(runner.message_hub.get_info(self._KEY, None) or [])
        if saved and latest and latest not in saved:
            for old in saved:
                if osp.isfile(old):
                    os.remove(old)
            runner.message_hub.update_info(self._KEY, [])
