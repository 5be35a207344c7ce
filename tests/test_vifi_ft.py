"""ViFi-CLIP fully fine-tuned baseline (vifi-ft): mmpretrain's Mixup/CutMix
and LabelSmoothLoss work with the GA2CLIP recognizer, full fine-tuning
updates the CLIP weights (not the token embeddings), and a tiny vifi-ft
model trains and tests end to end through tools/train.py and tools/test.py."""
import copy

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from conftest import REPO_ROOT

MODELS_DIR = REPO_ROOT / 'configs' / '_base_' / 'models'
SCHEDULE = REPO_ROOT / 'configs' / '_base_' / 'schedules' / 'vifi-ft_b2n_11e.py'
CLASSES = ['archery', 'bowling', 'cycling', 'diving', 'fencing']


def _model_cfg():
    from mmengine.config import Config
    return Config.fromfile(str(MODELS_DIR / 'vifi-ft_tiny.py')).model


def _model(**overrides):
    import ga2clip  # noqa: F401
    from mmaction.registry import MODELS
    cfg = _model_cfg()
    cfg.update(overrides)
    torch.manual_seed(0)
    return MODELS.build(cfg)


def _batch(n=4, seed=0):
    from mmaction.structures import ActionDataSample
    g = torch.Generator().manual_seed(seed)
    inputs = torch.randn(n, 1, 3, 2, 32, 32, generator=g)
    samples = [ActionDataSample().set_gt_label(torch.tensor([i % 5]))
               for i in range(n)]
    return inputs, samples


def _capture_targets(model):
    """Wrap the inner LabelSmoothLoss: record (logits, labels) it gets."""
    seen = []
    inner = model.loss_cls.loss
    forward = inner.forward

    def spy(cls_score, label, *args, **kwargs):
        seen.append((cls_score.detach().clone(), label.detach().clone()))
        return forward(cls_score, label, *args, **kwargs)

    inner.forward = spy
    return seen


def test_config_uses_mmpretrain_pieces():
    model = _model()
    model.set_vocabularies({'default': CLASSES})
    from mmpretrain.models.losses import LabelSmoothLoss
    from mmpretrain.models.utils.batch_augments import CutMix, Mixup
    assert isinstance(model.loss_cls.loss, LabelSmoothLoss)
    kinds = {type(a) for a in model.batch_augments.augments if a is not None}
    assert kinds == {Mixup, CutMix}
    assert model.logit_scale.requires_grad
    assert all(p.requires_grad for p in model.video_encoder.parameters())
    assert all(p.requires_grad for p in model.text_head.parameters())


@pytest.mark.parametrize('aug', ['Mixup', 'CutMix'])
def test_soft_targets_reach_the_smoothed_loss(aug):
    """One batch augment at a time: the loss gets (N, C) soft targets that
    mix two clips' one-hot labels, and its value is the soft-target CE of
    the smoothed targets (0.9 t + 0.1 / C)."""
    alpha = 0.8 if aug == 'Mixup' else 1.0
    model = _model(batch_augments=dict(
        augments=[dict(type=aug, alpha=alpha)], probs=[1.0]))
    model.set_vocabularies({'default': CLASSES})
    seen = _capture_targets(model)
    inputs, samples = _batch()
    model.train()
    np.random.seed(3)
    torch.manual_seed(3)
    losses = model(inputs, samples, mode='loss')
    assert torch.isfinite(losses['loss_cls'])
    (logits, targets), = seen
    labels = torch.tensor([s.gt_label.item() for s in samples])
    onehot = F.one_hot(labels, len(CLASSES)).float()
    assert targets.shape == (4, len(CLASSES)) and targets.dtype.is_floating_point
    torch.testing.assert_close(targets.sum(-1), torch.ones(4))
    assert not torch.allclose(targets, onehot)  # mixed
    assert ((targets > 0).sum(-1) <= 2).all()  # of two clips' labels
    smoothed = 0.9 * targets + 0.1 / len(CLASSES)
    ref = -(smoothed * logits.log_softmax(-1)).sum(-1).mean()
    torch.testing.assert_close(losses['loss_cls'], ref)


def test_cutmix_boxes_the_same_pixels_of_every_frame():
    """CutMix works on (B, V, C, T, H, W): one box on the last two axes,
    copied from the partner clip for every view, channel and frame."""
    model = _model(batch_augments=dict(
        augments=[dict(type='CutMix', alpha=1.0)], probs=[1.0]))
    model.set_vocabularies({'default': CLASSES})
    inputs, samples = _batch()
    labels = torch.tensor([s.gt_label.item() for s in samples])
    np.random.seed(0)
    torch.manual_seed(0)
    mixed, targets = model._mix(inputs, labels, samples)
    assert mixed.shape == inputs.shape
    changed = (mixed != inputs).any(dim=(1, 2, 3))  # (B, H, W)
    assert changed.any()
    # same box on every frame: a pixel changes in all frames or in none
    per_frame = (mixed != inputs).any(dim=(1, 2))  # (B, T, H, W)
    assert (per_frame.all(dim=1) == per_frame.any(dim=1)).all()
    assert torch.equal(inputs, _batch()[0])  # the input is not modified


def test_batch_augments_need_one_vocabulary():
    from mmaction.structures import ActionDataSample
    model = _model()
    model.set_vocabularies({'base': CLASSES, 'other': CLASSES[:3]})
    inputs, _ = _batch(2)
    samples = [ActionDataSample(metainfo=dict(vocab=v)).set_gt_label(
        torch.tensor([0])) for v in ('base', 'other')]
    model.train()
    with pytest.raises(ValueError, match='one vocabulary'):
        model(inputs, samples, mode='loss')


def test_batch_augments_refuse_the_video_cache():
    with pytest.raises(ValueError, match='video_cache cannot serve mixed'):
        _model(video_encoder=dict(type='CLIPVideoEncoder',
                                  train_mode='frozen'),
               video_cache=dict(max_items=8))


def test_full_fine_tuning_updates_clip_weights():
    """A step with the released optimiser (AdamW, accumulation 2, lr_mult 0
    on the token embeddings): vision and text weights and the logit scale
    change; the token embeddings do not."""
    from mmengine.config import Config
    from mmengine.optim import build_optim_wrapper
    model = _model()
    model.set_vocabularies({'default': CLASSES})
    cfg = copy.deepcopy(Config.fromfile(str(SCHEDULE)).optim_wrapper)
    cfg.optimizer.lr = 1e-3
    wrapper = build_optim_wrapper(model, cfg)
    assert wrapper._accumulative_counts == 2
    watched = {
        'vision': model.video_encoder.visual.conv1.weight,
        'vision_block': model.video_encoder.visual.transformer.resblocks[0]
        .attn.in_proj_weight,
        'text_block': model.text_head.text.transformer.resblocks[0]
        .attn.in_proj_weight,
        'text_proj': model.text_head.text.text_projection,
        'logit_scale': model.logit_scale,
        'token_embedding': model.text_head.text.token_embedding.weight,
    }
    before = {k: v.detach().clone() for k, v in watched.items()}
    model.train()
    for step in range(2):  # one update after 2 accumulated steps
        inputs, samples = _batch(seed=step)
        losses = model(inputs, samples, mode='loss')
        wrapper.update_params(losses['loss_cls'])
    for key, value in watched.items():
        moved = not torch.equal(before[key], value.detach())
        assert moved == (key != 'token_embedding'), key


def test_tiny_train_then_test(tiny_video_dataset, tmp_path):
    """tools/train.py (1 epoch, Mixup/CutMix + label smoothing, every weight
    trains) then tools/test.py on the generated videos."""
    import os
    import re
    import subprocess
    import sys

    from conftest import write_smoke_config
    extra = (f'model = dict(_delete_=True, **{_model_cfg().to_dict()!r})\n'
             "optim_wrapper = dict(accumulative_counts=2, paramwise_cfg=dict("
             "custom_keys={'text_head.text.token_embedding': "
             "dict(lr_mult=0.0, decay_mult=0.0)}))\n")
    cfg = write_smoke_config(tmp_path / 'vifi_ft_smoke.py',
                             tiny_video_dataset, extra=extra)
    env = dict(os.environ, OMP_NUM_THREADS='1')
    work = tmp_path / 'work'

    def run(args):
        proc = subprocess.run([sys.executable] + args, cwd=REPO_ROOT,
                              capture_output=True, text=True, timeout=300,
                              env=env)
        assert proc.returncode == 0, (proc.stdout[-2000:], proc.stderr[-4000:])
        return proc.stdout + proc.stderr

    out = run(['tools/train.py', str(cfg), '--work-dir', str(work), '--seed',
               '0', '--no-validate', '--cfg-options', 'train_cfg.max_epochs=1'])
    assert 'Epoch(train) [1][3/3]' in out
    loss = [float(x) for x in re.findall(r'loss_cls: ([0-9.]+)', out)]
    assert loss and all(np.isfinite(loss))
    state = torch.load(work / 'epoch_1.pth', map_location='cpu',
                       weights_only=False)['state_dict']
    # the logit scale trains (open_clip init: log(1 / 0.07))
    assert abs(float(state['logit_scale']) - np.log(1 / 0.07)) > 1e-7
    out = run(['tools/test.py', str(cfg), str(work / 'epoch_1.pth'),
               '--work-dir', str(work)])
    assert re.search(r'Epoch\(test\) \[3/3\]\s+top1', out), out[-2000:]
