"""Safe checkpoint loading (issue 11, fault 1): a checkpoint whose pickle
calls ``os.system`` is refused by every tool and loader that reads
checkpoints, with one line naming the file, the refused type and the
opt-in, and the command never runs (its marker file is not created). With
the opt-in (``--trust-checkpoint`` / ``GA2CLIP_TRUST_CHECKPOINTS=1``) a
trusted file that needs more than plain data loads; the checkpoints the
project writes load without it (also tests/test_crash_safety.py,
test_inference.py, test_models.py)."""
import os
import pickle

import pytest
import torch

from conftest import REPO_ROOT
from ga2_runs import PY, run_tool, single_run

TRUST_ENV = 'GA2CLIP_TRUST_CHECKPOINTS'


class _RunsCommand:
    """Pickles as a call of ``os.system`` that creates ``marker``."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}',))


@pytest.fixture
def evil(tmp_path, monkeypatch):
    """``(checkpoint path, marker path)``: an mmengine-shaped checkpoint
    whose ``meta`` runs ``touch MARKER`` when unpickled."""
    monkeypatch.delenv(TRUST_ENV, raising=False)
    marker = tmp_path / 'MARKER'
    path = tmp_path / 'evil.pth'
    torch.save({'meta': {'epoch': 1, 'iter': 3, 'x': _RunsCommand(marker)},
                'state_dict': {'w': torch.zeros(2)}}, path)
    return path, marker


@pytest.fixture(scope='module')
def trained(tiny_video_dataset, tmp_path_factory):
    cfg, work = single_run(tiny_video_dataset, tmp_path_factory)
    return dict(cfg=cfg, ckpt=work / 'epoch_2.pth', data=tiny_video_dataset)


def _refused(text, path, refused='posix.system'):
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    assert lines, text
    last = lines[-1]
    assert last.startswith('error:'), text[-2000:]
    for needle in (str(path), refused, '--trust-checkpoint', TRUST_ENV):
        assert needle in last, (needle, last)
    assert 'Traceback' not in text, text[-3000:]


def test_the_payload_runs_when_unpickled(evil, tmp_path):
    """The fixture is a real attack: plain unpickling runs the command."""
    path, marker = evil
    torch.load(path, weights_only=False)
    assert marker.exists()


def test_loader_refuses_and_allows_plain_data(evil, tmp_path, monkeypatch):
    import numpy as np
    from ga2clip.utils.safe_load import (UnsafeCheckpointError,
                                         load_checkpoint_file)
    path, marker = evil
    with pytest.raises(UnsafeCheckpointError) as info:
        load_checkpoint_file(path)
    msg = str(info.value)
    assert '\n' not in msg and str(path) in msg and 'posix.system' in msg
    # a raw pickle (no torch zip) and another callable are refused too
    raw = tmp_path / 'raw.pkl'
    with open(raw, 'wb') as f:
        pickle.dump({'state_dict': _RunsCommand(marker)}, f, protocol=2)
    with pytest.raises(UnsafeCheckpointError, match='raw.pkl'):
        load_checkpoint_file(raw)
    assert not marker.exists()
    # numpy data (arrays, scalars, dtypes) is allowed by name
    ok = tmp_path / 'numpy.pth'
    torch.save({'a': np.arange(3, dtype=np.int64), 'b': np.float64(2.5),
                'c': np.dtype('float32'), 'd': torch.ones(2)}, ok)
    obj = load_checkpoint_file(ok)
    assert obj['a'].tolist() == [0, 1, 2] and obj['b'] == 2.5
    assert obj['c'] == np.dtype('float32') and torch.equal(obj['d'],
                                                           torch.ones(2))
    # an object array could hold anything: refused
    objects = tmp_path / 'objects.pth'
    torch.save({'a': np.array([None], dtype=object)}, objects)
    with pytest.raises(UnsafeCheckpointError, match='ObjectDType'):
        load_checkpoint_file(objects)
    # a truncated file is not reported as unsafe
    cut = tmp_path / 'cut.pth'
    cut.write_bytes(ok.read_bytes()[:50])
    with pytest.raises(Exception) as info:
        load_checkpoint_file(cut)
    assert not isinstance(info.value, UnsafeCheckpointError)
    # opt-in: the file is loaded with pickle (and here runs its command)
    monkeypatch.setenv(TRUST_ENV, '1')
    load_checkpoint_file(path)
    assert marker.exists()


def test_train_resume_refused(evil, trained, tmp_path):
    path, marker = evil
    proc = run_tool([PY, 'tools/train.py', trained['cfg'], '--work-dir',
                     tmp_path / 'work', '--resume', path], check=False)
    assert proc.returncode == 2, proc.stderr[-3000:]
    _refused(proc.stderr, path)
    assert not marker.exists()


def test_train_load_from_refused(evil, trained, tmp_path, capsys):
    from ga2clip.apis.cli import train_main
    path, marker = evil
    assert train_main([str(trained['cfg']), '--work-dir', str(tmp_path / 'w'),
                       '--cfg-options', f'load_from={path}']) == 2
    _refused(capsys.readouterr().err, path)
    assert not marker.exists()


def test_test_tool_refused(evil, trained, tmp_path):
    path, marker = evil
    proc = run_tool([PY, 'tools/test.py', trained['cfg'], path, '--work-dir',
                     tmp_path / 'work'], check=False)
    assert proc.returncode == 2, proc.stderr[-3000:]
    _refused(proc.stderr, path)
    assert not marker.exists()


def test_infer_tool_refused(evil, trained, tmp_path, capsys):
    from ga2clip.apis.inference import main
    path, marker = evil
    video = trained['data']['video_root'] / 'c0_0.mp4'
    assert main([str(trained['cfg']), str(video), '--classes', 'a,b,c',
                 '--checkpoint', str(path), '--no-progress']) == 2
    _refused(capsys.readouterr().err, path)
    assert not marker.exists()


@pytest.mark.parametrize('source', ['ivlp_checkpoint', 'official', 'tensor'])
def test_hard_prompt_sources_refused(evil, source):
    from ga2clip.models.text_heads import load_hard_prompt
    from ga2clip.utils.safe_load import UnsafeCheckpointError
    path, marker = evil
    with pytest.raises(UnsafeCheckpointError, match='posix.system') as info:
        load_hard_prompt(source, 4, 64, path=str(path))
    assert 'hard prompt file' in str(info.value)
    assert not marker.exists()


def test_hard_prompt_from_config_refused(evil, trained, tmp_path, capsys):
    """The GA2 text head built by the Runner: the same one-line refusal."""
    from ga2clip.apis.cli import test_main
    path, marker = evil
    assert test_main([
        str(trained['cfg']), 'none', '--work-dir', str(tmp_path / 'w'),
        '--cfg-options', 'model.text_head.hard_prompt.source=ivlp_checkpoint',
        f'model.text_head.hard_prompt.path={path}']) == 2
    _refused(capsys.readouterr().err, path)
    assert not marker.exists()


def test_converter_and_clip_weights_refused(evil, tmp_path, capsys):
    from ga2clip.models.convert import main as convert_main
    from ga2clip.models.weights import build_clip
    from ga2clip.utils.safe_load import UnsafeCheckpointError
    path, marker = evil
    out = tmp_path / 'converted.pth'
    assert convert_main([str(path), str(out)]) == 1
    _refused(capsys.readouterr().err, path)
    official = tmp_path / 'official.pt'
    torch.save({'model_state_dict': {}}, official)
    assert convert_main([str(official), str(out), '--hard-prompt',
                         str(path)]) == 1
    _refused(capsys.readouterr().err, path)
    assert not out.exists()
    with pytest.raises(UnsafeCheckpointError, match='CLIP weights'):
        build_clip('ga2clip-tiny', str(path))
    assert not marker.exists()


def _legacy_checkpoint(trained, path):
    """The trained checkpoint as plain mmengine writes it (a pickled
    HistoryBuffer in the message hub, which needs builtins.getattr)."""
    from mmengine.logging import HistoryBuffer
    ckpt = torch.load(trained['ckpt'], map_location='cpu', weights_only=True)
    buf = HistoryBuffer()
    buf.update(1.5)
    ckpt['message_hub'] = dict(log_scalars={'train/loss': buf},
                               runtime_info={}, resumed_keys={})
    torch.save(ckpt, path)
    return path


def test_trusted_legacy_checkpoint_loads_with_opt_in(trained, tmp_path,
                                                     monkeypatch, capsys):
    """A plain-mmengine checkpoint: refused by default, tested with
    --trust-checkpoint (and GA2CLIP_TRUST_CHECKPOINTS=1)."""
    monkeypatch.delenv(TRUST_ENV, raising=False)
    legacy = _legacy_checkpoint(trained, tmp_path / 'legacy.pth')
    from ga2clip.apis.cli import test_main
    args = [str(trained['cfg']), str(legacy), '--work-dir',
            str(tmp_path / 'work')]
    assert test_main(args) == 2
    _refused(capsys.readouterr().err, legacy, refused='HistoryBuffer')
    monkeypatch.setenv(TRUST_ENV, '0')  # restored after the test
    assert test_main(args + ['--trust-checkpoint']) == 0
    assert os.environ[TRUST_ENV] == '1'
    from ga2clip.utils.safe_load import load_checkpoint_file
    assert load_checkpoint_file(legacy)['meta']['epoch'] == 2


def test_project_checkpoints_are_plain(trained):
    """What tools/train.py writes loads with torch's own weights_only=True
    (no allow-list) and resumes with its log history (HistoryBuffer)."""
    import ga2clip  # noqa: F401 - compat fix 2 (the loader)
    from mmengine.logging import HistoryBuffer
    from mmengine.runner.checkpoint import _load_checkpoint
    plain = torch.load(trained['ckpt'], map_location='cpu', weights_only=True)
    assert plain['meta']['epoch'] == 2
    ckpt = _load_checkpoint(str(trained['ckpt']), map_location='cpu')
    loss = ckpt['message_hub']['log_scalars']['train/loss']
    # one loss per iteration: 2 epochs x 2 iterations
    assert isinstance(loss, HistoryBuffer)
    assert len(loss._log_history) == plain['meta']['iter'] == 4


def test_trust_flag_documented():
    text = (REPO_ROOT / 'docs' / 'inference.md').read_text()
    assert '--trust-checkpoint' in text and TRUST_ENV in text
    readme = (REPO_ROOT / 'README.md').read_text()
    assert '--trust-checkpoint' in readme



_BUILD = '''
import sys
sys.path.insert(0, {pkg!r})
from ga2clip.models.weights import build_clip
build_clip('ga2clip-tiny', {path!r})
'''


def test_clip_weights_message_says_what_is_loaded(tmp_path):
    """A local CLIP weights file: open_clip's "Model initialized randomly"
    line is gone and one line names the file; without weights open_clip's
    (true) line stays."""
    from ga2clip.models.weights import build_clip
    weights = tmp_path / 'tiny_clip.pth'
    torch.save(build_clip('ga2clip-tiny')[0].state_dict(), weights)
    pkg = str(REPO_ROOT / 'projects' / 'ga2clip')
    outs = {}
    for key, path in (('file', str(weights)), ('none', None)):
        proc = run_tool([PY, '-c', _BUILD.format(pkg=pkg, path=path)])
        outs[key] = proc.stdout + proc.stderr
    assert 'initialized randomly' not in outs['file'], outs['file']
    assert outs['file'].count('weights loaded from') == 1, outs['file']
    assert f'CLIP ga2clip-tiny: weights loaded from {weights}' in outs['file']
    assert 'initialized randomly' in outs['none'], outs['none']
    assert 'weights loaded from' not in outs['none']


def test_prediction_dump_cannot_run_code(tmp_path):
    """tools/plot_results.py reads a --dump pickle without running code: a
    dump whose pickle calls os.system is refused in one line (the marker
    never appears); a real dump with tensors and numpy arrays still loads,
    and the opt-in loads the unsafe one."""
    import pickle

    import numpy as np
    import torch

    from ga2clip.apis.plots import load_dump
    from ga2clip.apis.cli import UserError
    marker = tmp_path / 'MARKER_dump'

    class Evil:
        def __reduce__(self):
            return (os.system, (f'touch {marker}',))

    bad = tmp_path / 'evil.pkl'
    bad.write_bytes(pickle.dumps([dict(pred_score=np.ones(2) / 2,
                                       gt_label=np.array([0]), vocab='base',
                                       x=Evil())]))
    with pytest.raises(UserError) as err:
        load_dump(str(bad))
    msg = str(err.value)
    assert '\n' not in msg and str(bad) in msg and 'system' in msg
    assert 'GA2CLIP_TRUST_CHECKPOINTS' in msg
    assert not marker.exists()
    good = tmp_path / 'preds.pkl'
    good.write_bytes(pickle.dumps([
        dict(pred_score=torch.tensor([0.2, 0.8]), gt_label=torch.tensor([1]),
             vocab='base'),
        dict(pred_score=np.array([0.9, 0.1]), gt_label=np.array([0]),
             vocab='base')]))
    preds = load_dump(str(good))
    assert [int(p['label']) for p in preds] == [1, 0]
    assert np.allclose(preds[0]['score'], [0.2, 0.8])
    os.environ['GA2CLIP_TRUST_CHECKPOINTS'] = '1'
    try:
        load_dump(str(bad))
    finally:
        del os.environ['GA2CLIP_TRUST_CHECKPOINTS']
    assert marker.exists()  # the opt-in really unpickles (trusted files only)
