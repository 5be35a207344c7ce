"""Parity with the released GA2-CLIP recipes (issue 12): the SSv2 recipe,
dropped partial batches (step counts from the shipped split files), the
parity switches (test frame, view fusion, HMDB few-shot lr, --amp) and the
mmengine Runner check of the stage-1 K600-100 config."""
import copy
import math
import tempfile
from unittest import mock

import numpy as np
import pytest
import torch

from conftest import REPO_ROOT

CONFIGS = REPO_ROOT / 'projects' / 'ga2clip' / 'configs'
WORLD = 8  # the released runs: 8 GPUs


def _cfg(rel, options=None):
    from mmengine.config import Config
    cfg = Config.fromfile(str(CONFIGS / rel))
    if options:
        cfg.merge_from_dict(options)
    return cfg


def _types(pipeline):
    return [t['type'] for t in pipeline]


# -- 1. SSv2 ----------------------------------------------------------------
SSV2_LEAVES = [f'base2novel/ga2clip_vit-b16_b2n_ssv2_s{s}.py' for s in (1, 2, 3)
               ] + [f'fewshot/ga2clip_vit-b16_fewshot_ssv2_k{k}.py'
                    for k in (2, 16)] + [
    'base2novel/ivlp_vit-b16_b2n_ssv2_s1.py']


@pytest.mark.parametrize('rel', SSV2_LEAVES)
def test_ssv2_recipe_as_released(rel):
    cfg = _cfg(rel)
    train = cfg.train_dataloader
    assert train.batch_size == 4
    pipe = train.dataset.pipeline
    assert 'Flip' not in _types(pipe)
    resize = pipe[_types(pipe).index('Resize')]
    assert tuple(resize.scale) == (320, 240) and resize.keep_ratio is False
    crop = pipe[_types(pipe).index('MultiScaleCrop')]
    assert tuple(crop.scales) == (1, .875, .75, .66)
    assert crop.random_crop is False and crop.num_fixed_crops == 13
    test = cfg.test_dataloader.dataset.pipeline
    assert _types(test)[3:5] == ['Resize', 'CenterCrop']
    assert tuple(test[3].scale) == (320, 240) and test[4].crop_size == 224
    if 'ga2clip' in rel and 'b2n' in rel:
        assert cfg.optim_wrapper.optimizer.lr == pytest.approx(4e-3)


def test_ssv2_pipeline_outputs_released_sizes():
    """Frames of any size become 240x320, then a crop of side 240 x one of
    the four scales at a fixed offset, resized to 224."""
    import ga2clip  # noqa: F401
    from mmaction.registry import TRANSFORMS
    from mmengine.config import Config
    base = Config.fromfile(str(REPO_ROOT / 'configs' / '_base_' / 'datasets'
                               / 'video_pipelines.py'))
    steps = base.train_pipeline_ssv2[3:6]  # Resize, MultiScaleCrop, Resize
    steps = [TRANSFORMS.build(copy.deepcopy(t)) for t in steps]

    def compose(results):
        for step in steps:
            results = step(results)
        return results
    sides, offsets = set(), set()
    rng = np.random.default_rng(0)
    for i in range(40):
        np.random.seed(i)
        frames = [rng.integers(0, 255, (180, 300, 3), dtype=np.uint8)
                  for _ in range(2)]
        out = compose(dict(imgs=frames, img_shape=(180, 300),
                           modality='RGB'))
        x1, y1, x2, y2 = out['crop_bbox']
        sides.update((int(x2 - x1), int(y2 - y1)))
        offsets.add((int(x1), int(y1)))
        assert out['imgs'][0].shape == (224, 224, 3)
    assert sides <= {240, 210, 180, 158}, sides
    assert len(offsets) > 3


# -- 2. partial batches dropped -------------------------------------------
def _lines(rel):
    return len([ln for ln in (REPO_ROOT / rel).read_text().splitlines()
                if ln.strip()])


def _steps(cfg):
    """Optimiser steps per epoch on rank 0 of 8 (DefaultSampler pads each
    rank to ceil(N / 8))."""
    import ga2clip  # noqa: F401
    from mmengine.registry import init_default_scope
    from mmengine.runner import Runner
    init_default_scope('mmaction')
    loader_cfg = copy.deepcopy(cfg.train_dataloader)
    loader_cfg.num_workers = 0
    loader_cfg.persistent_workers = False
    with mock.patch('mmengine.dataset.sampler.get_dist_info',
                    return_value=(0, WORLD)):
        loader = Runner.build_dataloader(loader_cfg, seed=0)
    return len(loader)


STEP_CASES = [
    # (config, shipped training list, released steps per epoch)
    ('fewshot/ga2clip_vit-b16_fewshot_hmdb51_k2.py',
     'projects/ga2clip/data/hmdb_splits/train1_few_shot_2.txt', 1),
    ('base2novel/ga2clip_vit-b16_b2n_hmdb51_s1.py',
     'projects/ga2clip/data/base2novel/hmdb_splits/fs_base_s1_train.txt', 6),
    ('base2novel/ga2clip_vit-b16_b2n_ucf101_s1.py',
     'projects/ga2clip/data/base2novel/ucf_splits/fs_base_s1_train.txt', 12),
    ('base2novel/ivlp_vit-b16_b2n_ucf101_s1.py',
     'projects/ga2clip/data/base2novel/ucf_splits/fs_base_s1_train.txt', 12),
]


@pytest.mark.parametrize('rel,split,released', STEP_CASES,
                         ids=[c[0].split('/')[1] for c in STEP_CASES])
def test_steps_per_epoch_match_released(rel, split, released):
    cfg = _cfg(rel)
    batch = cfg.train_dataloader.batch_size
    per_rank = math.ceil(_lines(split) / WORLD)
    assert per_rank // batch == released  # the split file gives it
    assert math.ceil(per_rank / batch) == released + 1  # kept: one more
    assert _steps(cfg) == released


# -- 3. parity switches ----------------------------------------------------
def test_test_frame_switch_reaches_the_sampler():
    """``test_dataloader.dataset.test_frame='start'`` gives the released
    frames int(i * n / T); the default keeps UniformSample's middle."""
    import ga2clip  # noqa: F401
    from mmaction.registry import DATASETS, TRANSFORMS
    from mmengine.registry import init_default_scope
    init_default_scope('mmaction')
    rel = 'base2novel/ivlp_vit-b16_b2n_hmdb51_s1.py'

    def first_sampler(options):
        cfg = _cfg(rel, options)
        ds = DATASETS.build(copy.deepcopy(cfg.test_dataloader.dataset))
        sampler = ds.datasets[0].pipeline.transforms[1]
        return sampler(dict(total_frames=64, start_index=0))['frame_inds']

    n, t = 64, 32
    start = first_sampler({'test_dataloader.dataset.test_frame': 'start'})
    assert list(start) == [int(i * n / t) for i in range(t)]
    middle = first_sampler(None)
    ref = TRANSFORMS.build(dict(type='UniformSample', clip_len=t,
                                test_mode=True))
    assert list(middle) == list(ref(dict(total_frames=n, start_index=0))
                                ['frame_inds'])
    assert list(middle) != list(start)


def _tiny(**kw):
    import ga2clip  # noqa: F401
    from mmaction.registry import MODELS
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='GA2CLIP', clip=dict(name='ga2clip-tiny', pretrained=None),
        text_head=dict(type='TemplateTextHead'),
        vocabularies=dict(default=['red', 'green', 'blue', 'else']), **kw))


def test_view_fusion_switch():
    """``view_fusion='feature'``: one softmax of the averaged, re-normalised
    view features (released GA2-CLIP test); ``'score'``: softmax averaged."""
    import torch.nn.functional as F
    from mmaction.structures import ActionDataSample
    torch.manual_seed(1)
    inputs = torch.randn(2, 3, 3, 2, 32, 32) * 3
    scores = {}
    for fusion in ('score', 'feature'):
        model = _tiny(view_fusion=fusion).eval()
        with torch.no_grad():
            out = model(inputs.clone(), [ActionDataSample() for _ in range(2)],
                        mode='predict')
            video = model.encode_video(inputs.clone())
            text = model.text_features('default')
        scores[fusion] = torch.stack([s.pred_score for s in out])
    with torch.no_grad():
        by_score = (model.scale * video @ text.T).softmax(-1).mean(1)
        by_feature = (model.scale * F.normalize(video.mean(1), dim=-1)
                      @ text.T).softmax(-1)
    torch.testing.assert_close(scores['score'], by_score)
    torch.testing.assert_close(scores['feature'], by_feature)
    assert not torch.allclose(scores['score'], scores['feature'], atol=1e-4)
    with pytest.raises(ValueError, match='view_fusion'):
        _tiny(view_fusion='mean')


@pytest.mark.parametrize('k', [2, 16])
def test_hmdb_fewshot_lr_follows_log_and_switches(k):
    """HMDB few-shot: the log's 8e-3 (yaml: 8e-3 x clip_ratio 0.1 = 8e-4);
    the optimiser gets whichever the config says."""
    from mmengine.optim import build_optim_wrapper
    rel = f'fewshot/ga2clip_vit-b16_fewshot_hmdb51_k{k}.py'
    for options, lr in ((None, 8e-3),
                        ({'optim_wrapper.optimizer.lr': 8e-4}, 8e-4)):
        cfg = _cfg(rel, options)
        wrapper = build_optim_wrapper(_tiny(), copy.deepcopy(
            cfg.optim_wrapper))
        assert wrapper.optimizer.param_groups[0]['lr'] == pytest.approx(lr)


def test_amp_flag_selects_fp16_amp_wrapper():
    """``tools/train.py --amp``: mmengine AmpOptimWrapper (fp16 autocast +
    dynamic loss scale, as the released ``--precision amp``); configs
    themselves are fp32."""
    from ga2clip.apis import cli
    rel = 'base2novel/ga2clip_vit-b16_b2n_hmdb51_s1.py'
    assert _cfg(rel).optim_wrapper.type == 'OptimWrapper'
    seen = {}

    def fake_runner(cfg):
        seen['wrapper'] = copy.deepcopy(cfg.optim_wrapper)
        raise SystemExit(0)

    with tempfile.TemporaryDirectory() as work, \
            mock.patch('torch.cuda.is_available', return_value=True), \
            mock.patch.object(cli, '_build_runner', fake_runner):
        for flags, wrapper in (([], 'OptimWrapper'),
                               (['--amp'], 'AmpOptimWrapper')):
            with pytest.raises(SystemExit):
                cli.train([str(CONFIGS / rel), '--work-dir', work, *flags])
            assert seen['wrapper'].type == wrapper
    assert seen['wrapper'].loss_scale == 'dynamic'
    assert seen['wrapper'].get('dtype') in (None, 'float16')


# -- 5. Runner construction ------------------------------------------------
def test_stage1_k600_k100_builds_a_runner():
    """No test loader -> no test loop: mmengine's Runner accepts it (it
    raised ValueError with the schedule's test_cfg)."""
    import ga2clip  # noqa: F401
    from mmengine.config import Config
    from mmengine.runner import Runner
    cfg = _cfg('stage1/ivlp_vit-b16_stage1_k600-k100.py')
    assert cfg.get('test_cfg') is None and cfg.get('test_dataloader') is None
    cfg.model = Config.fromfile(str(REPO_ROOT / 'configs' / '_base_' /
                                    'models' / 'ivlp_tiny.py')).model
    with tempfile.TemporaryDirectory() as work:
        cfg.work_dir = work
        runner = Runner.from_cfg(cfg)
        assert runner._test_loop is None and runner._val_loop is not None
