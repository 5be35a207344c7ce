"""The benchmark's table of models (``benchmarks/methods.py``): one entry
gives a method its rows in the eval, train and params tables.

The CLI smoke test (``--quick`` through a subprocess) is
``test_fast_paths.py::test_benchmark_quick_smoke``.
"""
import math
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks import bench, methods  # noqa: E402
from benchmarks.common import model_cfg  # noqa: E402
from benchmarks.methods import Method  # noqa: E402


def test_one_entry_gives_eval_train_and_params_rows(monkeypatch, capsys):
    # a second IVLP under another name: a method the sections know nothing of
    twin = Method('ivlp-twin', 'ivlp')
    monkeypatch.setattr(methods, 'METHODS', [*methods.METHODS, twin])
    res = bench.main(['--quick', '--device', 'cpu', '--batch', '2',
                      '--sections', 'eval,train,params'])
    out = capsys.readouterr().out
    cpu = res['devices']['cpu']

    ev = {r['name']: r for r in cpu['eval']['rows']}
    predict = [f'{m.label}_predict' for m in methods.eval_methods()]
    assert predict[0] == 'ga2_predict' and predict[-1] == 'ivlp-twin_predict'
    assert list(ev) == ['clip_frozen', *predict, 'clip_frozen_bf16',
                        *[f'{p}_bf16' for p in predict]]
    assert ev['ivlp-twin_predict']['base'] == 'clip_frozen'
    assert ev['ivlp-twin_predict_bf16']['base'] == 'clip_frozen_bf16'
    assert cpu['eval']['ratio'] == ev['ga2_predict']['ratio']

    # the default --methods holds every trainable entry, the new one last
    tr = cpu['train']
    assert [r['name'] for r in tr['rows']] == methods.train_names()
    assert methods.train_names()[-1] == 'ivlp-twin'
    row = tr['rows'][-1]
    assert tr['base'] == 'ivlp' and row['anchor_clips'] == 0
    assert row['peak_mib'] > 0 and 'ratio_b8_est' in row

    params = {r['name']: r for r in cpu['params']['rows']}
    assert list(params) == methods.params_names()
    assert list(params)[:3] == ['clip', 'ivlp', 'ga2_official']
    assert list(params)[-1] == 'ivlp-twin'
    assert params['ivlp-twin'] == dict(params['ivlp'], name='ivlp-twin')

    ratios = [r['ratio'] for r in cpu['eval']['rows'] + tr['rows']]
    assert all(math.isfinite(x) and x > 0 for x in ratios), ratios
    assert '| ivlp-twin_predict |' in out and '| ivlp-twin |' in out
    assert 'IVLP-TWIN predict / frozen CLIP = ' in out
    assert 'GA2 predict / frozen CLIP = ' in out


def test_entries_build_their_configs():
    kl = model_cfg(methods.get('ga2_kl'), quick=True)
    assert kl['anchor_loss'] == dict(type='KLAnchorLoss')  # replaced whole
    assert kl['text_head']['hard_prompt'] == dict(
        source='phrase', phrase='a video of a person')
    assert model_cfg(methods.get('ivlp'), quick=True)['anchor_loss'] is None
    full = model_cfg(methods.get('ga2_official'), quick=False)
    assert full['clip'] == dict(name='ViT-B-16-quickgelu', pretrained=None)
    assert full['anchor_loss'] == dict(type='OfficialAnchorLoss')
    sized = Method('sized', 'ivlp', frames_key='video_encoder.num_frames')
    assert model_cfg(sized, quick=True, frames=16)['video_encoder'][
        'num_frames'] == 16
    assert 'num_frames' not in model_cfg(
        methods.get('ivlp'), quick=True, frames=16)['video_encoder']


def test_table_errors_name_the_fix(monkeypatch):
    methods.check()
    table = [*methods.METHODS, Method('ivlp', 'ivlp')]
    with pytest.raises(ValueError, match='duplicate method names'):
        methods.check(table)
    with pytest.raises(ValueError, match=r"lacks \['ivlp'\]"):
        methods.check([m for m in methods.METHODS if m.name != 'ivlp'])
    with pytest.raises(FileNotFoundError,
                       match='nowhere_tiny.py; add that config'):
        model_cfg(Method('new', 'nowhere'), quick=True)
    with pytest.raises(ValueError, match="ivlp_tiny.py has no dict 'nope'"):
        model_cfg(Method('new', 'ivlp', {'nope.x': 1}), quick=True)
    with pytest.raises(SystemExit, match=r"unknown methods \['clip'\]"):
        bench.main(['--quick', '--device', 'cpu', '--sections', 'train',
                    '--methods', 'clip'])
