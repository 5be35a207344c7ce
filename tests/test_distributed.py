"""What of docs/distributed.md runs on CPU: gradient checkpointing under full
fine-tuning (same loss and gradients), and mmengine's FlexibleRunner with
DDPStrategy (gloo, one process) training through tools/train.py."""
import os
import re
import subprocess
import sys

import torch

from conftest import REPO_ROOT

MODELS_DIR = REPO_ROOT / 'configs' / '_base_' / 'models'


def _vifi_ft(grad_checkpointing):
    import ga2clip  # noqa: F401
    from mmaction.registry import MODELS
    from mmengine.config import Config
    cfg = Config.fromfile(str(MODELS_DIR / 'vifi-ft_tiny.py')).model
    cfg.batch_augments = None  # Mixup/CutMix draw random numbers
    cfg.video_encoder.grad_checkpointing = grad_checkpointing
    cfg.text_head.grad_checkpointing = grad_checkpointing
    torch.manual_seed(0)
    model = MODELS.build(cfg).train()
    model.set_vocabularies({'default': ['archery', 'bowling', 'cycling']})
    return model


def test_grad_checkpointing_full_finetuning_same_loss_and_grads():
    from mmaction.structures import ActionDataSample
    plain, ckpt = _vifi_ft(False), _vifi_ft(True)
    ckpt.load_state_dict(plain.state_dict())
    assert ckpt.video_encoder.grad_checkpointing
    assert ckpt.text_head.text.grad_checkpointing
    g = torch.Generator().manual_seed(0)
    inputs = torch.randn(3, 1, 3, 2, 32, 32, generator=g)
    results = []
    for model in (plain, ckpt):
        samples = [ActionDataSample().set_gt_label(torch.tensor([i]))
                   for i in range(3)]
        model.zero_grad()
        losses = model(inputs, samples, mode='loss')
        sum(v for v in losses.values()).backward()
        grads = {k: p.grad.clone() for k, p in model.named_parameters()
                 if p.grad is not None}
        results.append((losses, grads))
    (la, ga), (lb, gb) = results
    for key in la:
        torch.testing.assert_close(la[key], lb[key])
    # full fine-tuning: the CLIP weights of both towers get gradients
    assert any(k.startswith('video_encoder.visual.transformer') for k in ga)
    assert any(k.startswith('text_head.text.transformer') for k in ga)
    assert ga.keys() == gb.keys()
    for key in ga:
        torch.testing.assert_close(ga[key], gb[key], rtol=1e-5, atol=1e-6)


def test_flexible_runner_ddp_strategy_on_cpu(tiny_video_dataset, tmp_path):
    """The DDPStrategy snippet of docs/distributed.md, one gloo process."""
    from conftest import write_smoke_config
    extra = ("runner_type = 'FlexibleRunner'\n"
             "strategy = dict(type='DDPStrategy', model_wrapper=dict("
             "type='MMDistributedDataParallel', broadcast_buffers=False, "
             "device_ids=None))\n"
             "env_cfg = dict(dist_cfg=dict(backend='gloo'))\n")
    cfg = write_smoke_config(tmp_path / 'flex.py', tiny_video_dataset,
                             extra=extra)
    work = tmp_path / 'work'
    port = str(29500 + os.getpid() % 1000)
    proc = subprocess.run(
        [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node=1',
         f'--master_port={port}', 'tools/train.py', str(cfg),
         '--work-dir', str(work), '--launcher', 'pytorch', '--no-validate',
         '--cfg-options', 'train_cfg.max_epochs=1'],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
        env=dict(os.environ, OMP_NUM_THREADS='1'))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    assert 'Distributed training: True' in out
    assert 'Epoch(train) [1][3/3]' in out
    loss = [float(x) for x in re.findall(r'loss_cls: ([0-9.]+)', out)]
    assert loss and all(torch.isfinite(torch.tensor(loss)))
    # its checkpoint holds plain data only: the safe loader reads it
    from ga2clip.utils.safe_load import TRUST_ENV, load_checkpoint_file
    assert not os.environ.get(TRUST_ENV)
    ckpt = load_checkpoint_file(str(work / 'epoch_1.pth'), map_location='cpu')
    assert ckpt['meta']['epoch'] == 1
    # DDPStrategy saves the wrapper's keys; mmengine's loader strips module.
    assert 'module.logit_scale' in ckpt['state_dict']
