"""Shared helpers of the inference / crash-safety / distributed tests: one
deterministic tiny training run (cached for the whole session) and tool
runners. Deterministic = the test pipeline for training (no random crop or
flip) and no dropout in the GA2 text head, so two runs with the same seed
and the same total batch must agree."""
import functools
import glob
import json
import os
import os.path as osp
import subprocess
import sys
from pathlib import Path

import torch

from conftest import REPO_ROOT, write_smoke_config

PY = sys.executable

# Deterministic training: the test pipeline, dropout off, batch 8.
DET_EXTRA = """
_det_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=4, num_clips=1, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 32)),
    dict(type='CenterCrop', crop_size=32),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', meta_keys=('img_shape', 'vocab',
                                             'is_anchor', 'filename')),
]
train_dataloader['batch_size'] = 8
train_dataloader['dataset']['pipeline'] = _det_pipeline
model = dict(text_head=dict(dropout=0.0))
"""


def run_tool(args, timeout=400, env=None, check=True):
    full_env = dict(os.environ, OMP_NUM_THREADS='1', **(env or {}))
    proc = subprocess.run([str(a) for a in args], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=timeout,
                          env=full_env)
    if check:
        assert proc.returncode == 0, (proc.stdout[-3000:],
                                      proc.stderr[-5000:])
    return proc


def det_config(data, path):
    return write_smoke_config(path, data, extra=DET_EXTRA)


@functools.lru_cache(maxsize=None)
def _single_run(root: str, cfg: str) -> str:
    work = Path(root) / 'single'
    run_tool([PY, 'tools/train.py', cfg, '--work-dir', work, '--seed', '0'])
    return str(work)


def single_run(data, tmp_path_factory):
    """``(config path, work dir)`` of the cached uninterrupted 2-epoch run
    (batch 8, seed 0, deterministic). Its ``epoch_2.pth`` is the trained
    tiny checkpoint the inference tests use."""
    key = str(data['root'])
    cfg = Path(key) / 'det_smoke.py'
    if not cfg.is_file():
        det_config(data, cfg)
    root = Path(key) / 'runs'
    root.mkdir(exist_ok=True)
    return cfg, Path(_single_run(str(root), str(cfg)))


def val_metrics(work_dir):
    """The val records (``top1``, ``top5``, ..., ``step`` = epoch) written
    by all runs into ``work_dir`` (also across a resume), by epoch."""
    out = {}
    for path in sorted(glob.glob(osp.join(str(work_dir), '*', 'vis_data',
                                          'scalars.json'))):
        with open(path) as f:
            for line in f:
                rec = json.loads(line)
                if 'top1' in rec:
                    out[rec['step']] = rec
    return out


def state_dict(path):
    return torch.load(str(path), map_location='cpu',
                      weights_only=False)['state_dict']


def max_param_diff(a, b):
    sa, sb = state_dict(a), state_dict(b)
    assert sa.keys() == sb.keys()
    return max(float((sa[k].float() - sb[k].float()).abs().max())
               if sa[k].numel() else 0.0 for k in sa)
