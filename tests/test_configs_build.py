"""Every config in the repository loads, and every full config builds its
model, datasets (with pipelines) and evaluators.

Full configs whose CLIP weights would come from the network
(`pretrained='openai'`) or from a file that is absent here are built with
random weights of the same architecture; nothing is downloaded. Identical
model / dataset sections are built once (most configs share them).
"""
import copy
import glob
import os
import os.path as osp

import pytest

from conftest import REPO_ROOT

CONFIG_FILES = sorted(
    glob.glob(str(REPO_ROOT / 'configs' / '**' / '*.py'), recursive=True) +
    glob.glob(str(REPO_ROOT / 'projects' / 'ga2clip' / 'configs' / '**' /
                  '*.py'), recursive=True))
_BUILT = {}


def _is_base(path):
    return '_base_' in path.split(os.sep)


def _offline_model_cfg(model_cfg):
    """Replace network/absent weight sources by random init (same shapes)."""
    model_cfg = copy.deepcopy(model_cfg)

    def walk(node):
        if isinstance(node, dict):
            for key, value in list(node.items()):
                if key in ('pretrained', 'weights', 'clip_weights',
                           'checkpoint', 'path') and isinstance(value, str):
                    if not osp.isfile(value):
                        node[key] = None
                else:
                    walk(value)
        elif isinstance(node, (list, tuple)):
            for item in node:
                walk(item)

    walk(model_cfg)
    return model_cfg


def _ann_files(node):
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == 'ann_file' and isinstance(value, str):
                found.append(value)
            else:
                found.extend(_ann_files(value))
    elif isinstance(node, (list, tuple)):
        for item in node:
            found.extend(_ann_files(item))
    return found


def _check_runner_triplets(cfg, path):
    """mmengine's Runner raises ValueError unless each of these triplets is
    all set or all None (checked before any data is built)."""
    for names in (('val_dataloader', 'val_cfg', 'val_evaluator'),
                  ('test_dataloader', 'test_cfg', 'test_evaluator')):
        set_ = [cfg.get(n) is not None for n in names]
        assert all(set_) or not any(set_), (
            f'{path}: {dict(zip(names, set_))}: mmengine Runner needs all '
            'or none of them')


def test_there_are_configs():
    assert len(CONFIG_FILES) >= 5, CONFIG_FILES


@pytest.mark.parametrize(
    'path', CONFIG_FILES,
    ids=[osp.relpath(p, REPO_ROOT) for p in CONFIG_FILES])
def test_config_builds(path):
    from mmengine.config import Config
    cfg = Config.fromfile(path)
    if _is_base(path):
        assert len(cfg.keys()) > 0
        return

    _check_runner_triplets(cfg, path)
    import ga2clip  # noqa: F401 - registers components
    from mmengine.registry import init_default_scope
    from mmaction.registry import DATASETS, METRICS, MODELS
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    assert cfg.custom_imports['imports'] == ['ga2clip'], path

    model_cfg = _offline_model_cfg(cfg.model)
    key = ('model', repr(model_cfg.to_dict() if hasattr(model_cfg, 'to_dict')
                         else model_cfg))
    if key not in _BUILT:
        model = MODELS.build(model_cfg)
        _BUILT[key] = sum(p.numel() for p in model.parameters())
    assert _BUILT[key] > 0

    for split in ('train', 'val', 'test'):
        loader = cfg.get(f'{split}_dataloader')
        if not loader:
            continue
        ds_cfg = loader['dataset']
        key = ('dataset', repr(ds_cfg))
        if key not in _BUILT:
            missing = [f for f in _ann_files(ds_cfg) if not osp.isfile(f)]
            if missing:
                # Lists the user makes from their own download (e.g. the
                # K400 train list): building must fail naming the file.
                with pytest.raises(Exception) as info:
                    DATASETS.build(copy.deepcopy(ds_cfg))
                assert any(m in str(info.value) for m in missing), (
                    str(info.value), missing)
                _BUILT[key] = 0
            else:
                dataset = DATASETS.build(copy.deepcopy(ds_cfg))
                _BUILT[key] = len(dataset)
                assert len(dataset) > 0, ds_cfg
        evaluator = cfg.get(f'{split}_evaluator')
        if evaluator:
            for metric in (evaluator if isinstance(evaluator, (list, tuple))
                           else [evaluator]):
                METRICS.build(copy.deepcopy(metric))
