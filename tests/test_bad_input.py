"""The bad-input matrix: every case ends as ONE ``error:`` line that names
the file and what to do (tools/train.py / tools/test.py back ends, run
in-process to save time; ``tools/infer.py`` through ``infer``), or is
skipped on request with a log that says how many, which, and over how many
videos the metric was computed.

| case                               | where it is caught                     |
|------------------------------------|----------------------------------------|
| missing video                      | VocabVideoDataset.prepare_data / infer |
| truncated / corrupt / empty file   | same (decord cannot open it)           |
| not a video                        | same                                   |
| fewer frames than sampled          | not an error: frames repeated (test_inference) |
| label id >= number of classes      | read_video_list                        |
| duplicate class names              | read_class_names / parse_class_names   |
| empty split file                   | VocabVideoDataset.load_data_list       |
| hard prompt of the wrong shape     | load_hard_prompt                       |
| checkpoint: wrong shapes/keys, truncated | load_checked_checkpoint          |
| unknown config key (top / nested)  | load_config / one_line(TypeError)      |
"""
import glob
import shutil

import pytest
import torch

from conftest import write_smoke_config, write_video

torch.set_num_threads(1)


@pytest.fixture(scope='module')
def bad_files(tmp_path_factory):
    root = tmp_path_factory.mktemp('bad_videos')
    good = write_video(root / 'good.mp4')
    data = good.read_bytes()
    (root / 'truncated.mp4').write_bytes(data[:len(data) // 2])
    (root / 'empty.mp4').write_bytes(b'')
    (root / 'notes.mp4').write_text('this is not a video\n')
    return root


def _config(tmp_path, data, lines, classes=None, extra=''):
    ann = tmp_path / 'ann.txt'
    ann.write_text(''.join(f'{ln}\n' for ln in lines))
    d = dict(data, ann=ann, classes=classes or data['classes'])
    return str(write_smoke_config(tmp_path / 'cfg.py', d, extra=extra))


def _good(n=3):
    return [f'c{i % 3}_{i // 3}.mp4 {i % 3}' for i in range(n)]


def _error_line(capsys, rc, *needles, code=None):
    err = capsys.readouterr().err
    assert rc != 0 if code is None else rc == code
    lines = [ln for ln in err.splitlines() if ln.startswith('error:')]
    assert len(lines) == 1, err[-3000:]
    # (stale mmengine loggers of earlier in-process runs write to closed
    # capture streams: '--- Logging error ---' blocks are not ours)
    assert err.count('Traceback') == err.count('--- Logging error ---'), \
        err[-3000:]
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def _test(cfg, tmp_path, *extra, ckpt='none'):
    from ga2clip.apis.cli import test_main
    return test_main([cfg, ckpt, '--work-dir', str(tmp_path / 'work'),
                      *extra])


@pytest.mark.parametrize('name,reason', [
    ('missing.mp4', 'file not found'),
    ('truncated.mp4', 'decord cannot open it'),
    ('empty.mp4', 'decord cannot open it'),
    ('notes.mp4', 'decord cannot open it'),
])
def test_unreadable_video_one_line(name, reason, bad_files, tmp_path,
                                   tiny_video_dataset, capsys):
    path = bad_files / name
    cfg = _config(tmp_path, tiny_video_dataset, _good() + [f'{path} 1'])
    line = _error_line(capsys, _test(cfg, tmp_path), f'cannot read video '
                       f'{path}', reason, 'ann.txt', 'skip_unreadable=True')
    assert 're-encode' in line
    # infer() names the file too
    from ga2clip.apis import infer
    from ga2clip.apis.inference import InferenceError
    with pytest.raises(InferenceError, match=f'{name}.*--skip-unreadable'):
        infer([str(path)], 'a,b,c', cfg, progress=False)


def test_unreadable_video_in_dataloader_worker(bad_files, tmp_path,
                                               tiny_video_dataset, capsys):
    """Raised in a worker process, still one line naming the file."""
    cfg = _config(tmp_path, tiny_video_dataset,
                  _good() + [f'{bad_files / "truncated.mp4"} 1'])
    rc = _test(cfg, tmp_path, '--cfg-options', 'test_dataloader.num_workers=1')
    _error_line(capsys, rc, 'truncated.mp4', 'dataloader worker',
                'UnreadableVideoError')


def test_skip_unreadable_logs_which_and_counts(bad_files, tmp_path,
                                               tiny_video_dataset, capsys):
    lines = _good(4) + [f'{bad_files / n} 1' for n in
                        ('missing.mp4', 'truncated.mp4', 'notes.mp4')]
    cfg = _config(tmp_path, tiny_video_dataset, lines)
    rc = _test(cfg, tmp_path, '--cfg-options',
               'test_dataloader.dataset.skip_unreadable=True')
    assert rc == 0, capsys.readouterr().err[-3000:]
    log = open(glob.glob(str(tmp_path / 'work' / '*' / '*.log'))[0]).read()
    assert 'skipped 3 unreadable video(s) out of 7' in log
    for name in ('missing.mp4', 'truncated.mp4', 'notes.mp4'):
        assert name in log
    assert 'results are computed over 4 videos' in log
    assert 'BaseNovelMetric: computed over 4 videos' in log
    # infer(skip_unreadable=True) lists them too
    from ga2clip.apis import infer
    out = infer([str(bad_files)], 'a,b,c', cfg, skip_unreadable=True,
                progress=False)
    assert len(out['predictions']) == 1
    assert sorted(s['video'].rsplit('/', 1)[1] for s in out['skipped']) == [
        'empty.mp4', 'notes.mp4', 'truncated.mp4']


def test_label_beyond_class_list(tmp_path, tiny_video_dataset, capsys):
    classes = tmp_path / 'two.csv'
    classes.write_text('id,name\n0,red square\n1,green square\n')
    cfg = _config(tmp_path, tiny_video_dataset, _good(3), classes=classes)
    from ga2clip.apis.cli import train_main
    rc = train_main([cfg, '--work-dir', str(tmp_path / 'work')])
    _error_line(capsys, rc, 'ann.txt:3', 'label 2', 'two.csv',
                'add the missing classes')


def test_duplicate_class_names(tmp_path, tiny_video_dataset, capsys):
    classes = tmp_path / 'dup.csv'
    classes.write_text('id,name\n0,red square\n1,green square\n2,red square\n')
    cfg = _config(tmp_path, tiny_video_dataset, _good(3), classes=classes)
    _error_line(capsys, _test(cfg, tmp_path), 'dup.csv',
                "duplicate class name 'red square'", 'unique name')
    from ga2clip.apis.inference import InferenceError, parse_class_names
    with pytest.raises(InferenceError, match='duplicated names'):
        parse_class_names('run,jump,run')
    lines = tmp_path / 'dup.txt'
    lines.write_text('run\njump\nrun\n')
    with pytest.raises(InferenceError, match='dup.txt.*unique'):
        parse_class_names(str(lines))


def test_empty_split_file(tmp_path, tiny_video_dataset, capsys):
    cfg = _config(tmp_path, tiny_video_dataset, [])
    _error_line(capsys, _test(cfg, tmp_path), 'ann.txt',
                'the video list is empty', '<relative path> <label id>')
    from ga2clip.apis.inference import InferenceError, collect_videos
    empty = tmp_path / 'videos.txt'
    empty.write_text('\n')
    with pytest.raises(InferenceError, match='videos.txt is empty'):
        collect_videos([str(empty)])


def test_hard_prompt_wrong_shape(tmp_path, tiny_video_dataset, capsys):
    bad = tmp_path / 'hard.pt'
    torch.save(torch.zeros(3, 5), bad)
    cfg = _config(tmp_path, tiny_video_dataset, _good(3))
    rc = _test(cfg, tmp_path, '--cfg-options',
               'model.text_head.hard_prompt.source=tensor',
               f'model.text_head.hard_prompt.path={bad}')
    _error_line(capsys, rc, 'hard.pt', 'shape')


@pytest.fixture(scope='module')
def tiny_state(tiny_video_dataset, tmp_path_factory):
    """A state dict of the smoke model (as tools/train.py would save it)."""
    from ga2clip.apis.inference import build_inference_model
    cfg = str(write_smoke_config(
        tmp_path_factory.mktemp('ck') / 'cfg.py', tiny_video_dataset))
    model, _ = build_inference_model(cfg)
    return {k: v.clone() for k, v in model.state_dict().items()}


@pytest.mark.parametrize('kind,needles', [
    ('shape', ['wrong shapes: video_encoder.prompts (2, 64)']),
    ('missing', ['missing keys: text_head.ctx']),
    ('unexpected', ['unexpected keys: head.fc.weight']),
    ('truncated', ['cannot load checkpoint', 'truncated or not a torch file']),
])
def test_checkpoint_wrong_shapes_or_keys(kind, needles, tiny_state, tmp_path,
                                         tiny_video_dataset, capsys):
    state = dict(tiny_state)
    if kind == 'shape':
        state['video_encoder.prompts'] = state['video_encoder.prompts'][:2]
    elif kind == 'missing':
        del state['text_head.ctx']
    elif kind == 'unexpected':
        state['head.fc.weight'] = torch.zeros(3, 3)
    ckpt = tmp_path / f'{kind}.pth'
    torch.save(dict(meta={}, state_dict=state), ckpt)
    if kind == 'truncated':
        data = ckpt.read_bytes()
        ckpt.write_bytes(data[:len(data) // 3])
    cfg = _config(tmp_path, tiny_video_dataset, _good(3))
    _error_line(capsys, _test(cfg, tmp_path, ckpt=str(ckpt)),
                f'{kind}.pth', *needles, code=2)
    from ga2clip.apis.inference import InferenceError, build_inference_model
    with pytest.raises(InferenceError, match=needles[0].split(':')[0]):
        build_inference_model(cfg, str(ckpt))


def test_good_checkpoint_still_loads(tiny_state, tmp_path, tiny_video_dataset,
                                     capsys):
    ckpt = tmp_path / 'ok.pth'
    torch.save(dict(meta={}, state_dict=tiny_state), ckpt)
    cfg = _config(tmp_path, tiny_video_dataset, _good(3))
    assert _test(cfg, tmp_path, ckpt=str(ckpt)) == 0


def test_unknown_config_keys(tmp_path, tiny_video_dataset, capsys):
    cfg = _config(tmp_path, tiny_video_dataset, _good(3))
    from ga2clip.apis.cli import train_main
    rc = _test(cfg, tmp_path, '--cfg-options', 'modle.text_head.n_ctx=2')
    _error_line(capsys, rc, "'modle'", 'check the spelling')
    rc = train_main([cfg, '--work-dir', str(tmp_path / 'w2'),
                     '--cfg-options', 'model.text_head.n_ctxx=2'])
    _error_line(capsys, rc, "'n_ctxx'", 'TextHead', 'unknown config key')
    # a typo inside the config file itself
    typo = tmp_path / 'typo.py'
    shutil.copy(cfg, typo)
    with open(typo, 'a') as f:
        f.write("test_evaluator = dict(type='BaseNovelMetric', topkk=(1,))\n")
    rc = _test(str(typo), tmp_path)
    _error_line(capsys, rc, "'topkk'", 'unknown config key')
