"""Inference on your own videos: ``ga2clip.apis.infer``, ``tools/infer.py``,
and ``mmaction.apis.init_recognizer`` / ``inference_recognizer`` on the
project's configs. The checkpoint is the shared deterministic tiny run
(``ga2_runs.single_run``)."""
import json
import pickle

import numpy as np
import pytest
import torch

from conftest import REPO_ROOT, write_video
from ga2_runs import PY, run_tool, single_run

torch.set_num_threads(1)


@pytest.fixture(scope='module')
def trained(tiny_video_dataset, tmp_path_factory):
    cfg, work = single_run(tiny_video_dataset, tmp_path_factory)
    return dict(cfg=cfg, ckpt=work / 'epoch_2.pth', work=work,
                data=tiny_video_dataset)


@pytest.fixture(scope='module')
def model(trained):
    from ga2clip.apis.inference import build_inference_model
    return build_inference_model(str(trained['cfg']), str(trained['ckpt']))


@pytest.fixture(scope='module')
def dump(trained, tmp_path_factory):
    """tools/test.py (in-process) predictions of the trained checkpoint."""
    from ga2clip.apis.cli import test_main
    out = tmp_path_factory.mktemp('dump') / 'preds.pkl'
    assert test_main([str(trained['cfg']), str(trained['ckpt']), '--work-dir',
                      str(out.parent / 'work'), '--dump', str(out)]) == 0
    with open(out, 'rb') as f:
        return pickle.load(f)


def test_infer_matches_tools_test(trained, model, dump):
    """infer() on the video folder gives the runner's pred_score for every
    video (same model, same test pipeline) and sorted top-k."""
    from ga2clip.apis import infer
    data = trained['data']
    out = infer([data['video_root']], data['classes'], model=model, topk=2,
                batch_size=5, progress=False)
    preds = {p['video']: p for p in out['predictions']}
    assert len(preds) == 12 and not out['skipped']
    assert out['classes'] == data['names']
    for d in dump:
        p = preds[d['filename']]
        scores = np.asarray(d['pred_score'])
        top = [t['class_id'] for t in p['topk']]
        assert top == list(np.argsort(-scores)[:2])
        got = [t['score'] for t in p['topk']]
        np.testing.assert_allclose(got, scores[top], atol=1e-5)
        assert p['topk'][0]['label'] == data['names'][top[0]]
        assert p['num_frames'] == 8


def test_class_names_and_video_inputs(trained, model, tmp_path):
    from ga2clip.apis import infer
    from ga2clip.apis.inference import (InferenceError, collect_videos,
                                        parse_class_names)
    names = ['red square', 'green square', 'blue square']
    plain = tmp_path / 'names.txt'
    plain.write_text('red square\n\ngreen square\nblue square\n')
    csv_nohead = tmp_path / 'names.csv'
    csv_nohead.write_text('0,red square\n1,green square\n2,blue square\n')
    assert parse_class_names(str(plain)) == names
    assert parse_class_names(str(csv_nohead)) == names
    assert parse_class_names(str(trained['data']['classes'])) == names
    assert parse_class_names('red square, green square,blue square') == names
    with pytest.raises(InferenceError, match='missing.txt'):
        parse_class_names(str(tmp_path / 'missing.txt'))
    # a list file (relative paths, optional label column) and single files
    root = trained['data']['video_root']
    lst = root / 'list.txt'
    lst.write_text('c0_0.mp4 0\nc1_0.mp4\n')
    vids = collect_videos([str(lst), str(root / 'c2_0.mp4')])
    assert [v.split('/')[-1] for v in vids] == ['c0_0.mp4', 'c1_0.mp4',
                                                'c2_0.mp4']
    # a new vocabulary with other names and a different size
    out = infer(vids, 'square,circle,triangle,star', model=model, topk=10,
                progress=False)
    assert [len(p['topk']) for p in out['predictions']] == [4, 4, 4]
    assert sum(t['score'] for t in out['predictions'][0]['topk']) == \
        pytest.approx(1.0, abs=1e-5)


def test_fewer_frames_than_sampled_repeat_frames(model, tmp_path):
    """A 2-frame video with clip_len 4: UniformSample repeats frames in
    order (nothing fails); infer() warns about it."""
    from mmaction.datasets.transforms import UniformSample

    from ga2clip.apis import infer
    inds = UniformSample(clip_len=4, test_mode=True)(dict(
        total_frames=2, start_index=0))['frame_inds']
    assert len(inds) == 4 and set(inds) <= {0, 1}
    assert list(inds) == sorted(inds) and len(set(inds)) < 4
    short = write_video(tmp_path / 'short.mp4', num_frames=2)
    out = infer([str(short)], 'a,b,c', model=model, progress=False)
    assert out['predictions'][0]['num_frames'] == 2
    assert 'fewer than the 4 sampled' in out['warnings'][0]


def test_zero_shot_templates(trained, tmp_path):
    """Config only (no checkpoint): a TemplateTextHead model; templates from
    the command line change the text side; learned heads refuse them."""
    from mmengine.config import Config

    from ga2clip.apis import infer
    from ga2clip.apis.inference import InferenceError, build_inference_model
    cfg = Config.fromfile(str(trained['cfg']))
    cfg.model.text_head = dict(type='TemplateTextHead')
    cfg.model.anchor_loss = None
    video = [str(trained['data']['video_root'] / 'c0_0.mp4')]
    torch.manual_seed(0)
    one = infer(video, 'a,b,c', cfg, progress=False)
    torch.manual_seed(0)
    two = infer(video, 'a,b,c', cfg, templates=['a photo of {}.',
                                                 'a clip of {}.'],
                progress=False)
    assert one['predictions'][0]['topk'] != two['predictions'][0]['topk']
    tfile = tmp_path / 'templates.txt'
    tfile.write_text('no placeholder\n')
    with pytest.raises(InferenceError, match='templates.txt'):
        infer(video, 'a,b,c', cfg, templates=str(tfile), progress=False)
    with pytest.raises(InferenceError, match='TemplateTextHead'):
        build_inference_model(str(trained['cfg']), templates=['{}'])


def test_mmaction_init_recognizer_and_inference_recognizer(trained, model):
    """MMAction2's own API with a project config: the vocabulary comes from
    the config (model.vocabularies), the pipeline from cfg.test_pipeline."""
    from mmaction.apis import inference_recognizer, init_recognizer

    from ga2clip.apis import infer
    from ga2clip.apis.cli import load_config
    cfg = load_config(str(trained['cfg']), {
        'model.vocabularies': dict(default=str(trained['data']['classes']))})
    rec = init_recognizer(cfg, str(trained['ckpt']), device='cpu')
    video = str(trained['data']['video_root'] / 'c1_2.mp4')
    result = inference_recognizer(rec, video)
    assert result.pred_score.shape == (3, )
    ours = infer([video], trained['data']['classes'], model=model, topk=3,
                 progress=False)['predictions'][0]['topk']
    for t in ours:
        assert float(result.pred_score[t['class_id']]) == pytest.approx(
            t['score'], abs=1e-5)


def test_infer_cli_json_csv_table(trained, tmp_path):
    """tools/infer.py end to end (one subprocess): JSON to a file; an
    existing --out is not overwritten without --force."""
    out = tmp_path / 'preds.json'
    root = trained['data']['video_root']
    proc = run_tool([PY, 'tools/infer.py', trained['cfg'], root / 'c0_0.mp4',
                     root / 'c2_1.mp4', '--classes', trained['data']['classes'],
                     '--checkpoint', trained['ckpt'], '--topk', '2',
                     '--format', 'json', '--out', out, '--batch-size', '2'])
    assert 'wrote 2 predictions' in proc.stdout
    data = json.loads(out.read_text())
    assert [len(p['topk']) for p in data['predictions']] == [2, 2]
    assert data['classes'] == trained['data']['names']
    from ga2clip.apis.inference import format_results, infer_cli
    with pytest.raises(Exception, match='exists'):
        infer_cli([str(trained['cfg']), str(root), '--classes', 'a,b',
                   '--out', str(out)])
    table = format_results(data, 'table')
    assert table.splitlines()[0].split() == ['video', 'top1', 'top2']
    rows = format_results(data, 'csv').splitlines()
    assert rows[0] == 'video,rank,class_id,label,score' and len(rows) == 5
