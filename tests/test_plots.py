"""Result plots: Base/Novel/HM from the protocol runner's CSVs, per-class
accuracy and most confused classes from a tools/test.py --dump pickle."""
import pickle

import numpy as np
import pytest


def _png(path):
    import matplotlib.image as mpimg
    img = mpimg.imread(str(path))
    assert img.ndim == 3 and img.shape[0] > 100 and img.shape[1] > 100
    return img


def _run_protocol_module():
    from ga2clip.protocols import aggregate  # run_protocol's table writer
    return aggregate


def _b2n_results(b, n):
    return [('hmdb51', f's{s}', {'base/top1': b + s, 'base/top5': 90.0,
                                 'novel/top1': n + s, 'novel/top5': 80.0,
                                 'HM': 2 * (b + s) * (n + s) / (b + n + 2 * s)})
            for s in (1, 2, 3)]


def test_rows_from_protocol_csvs_and_hm_plot(tmp_path):
    """The CSVs are written by tools/run_protocol.py's own writer, so the
    plot follows its format."""
    rp = _run_protocol_module()
    ga2 = tmp_path / 'ga2clip' / 'b2n'
    ivlp = tmp_path / 'ivlp' / 'b2n'
    rp.write_results(str(ga2), _b2n_results(70, 50))
    rp.write_results(str(ivlp), _b2n_results(68, 45))
    from ga2clip.apis.plots import (plot_base_novel_hm,
                                    rows_from_protocol_csv)
    runs = rows_from_protocol_csv(str(ga2 / 'runs.csv'))
    assert [r['split'] for r in runs] == ['hmdb51/s1', 'hmdb51/s2',
                                          'hmdb51/s3']
    assert runs[0]['method'] == 'ga2clip'
    assert runs[0]['base_top1'] == pytest.approx(71)
    assert runs[0]['novel_top1'] == pytest.approx(51)
    mean = rows_from_protocol_csv(str(ivlp / 'results.csv'), 'IVLP')
    assert len(mean) == 1 and mean[0]['split'] == 'hmdb51'
    assert mean[0]['base_top1'] == pytest.approx(70)
    assert mean[0]['base_top1_std'] == pytest.approx(1.0)
    out = plot_base_novel_hm(runs + rows_from_protocol_csv(
        str(ivlp / 'runs.csv'), 'IVLP'), str(tmp_path / 'hm.png'))
    _png(out)
    # the documented plain-rows entry point
    out = plot_base_novel_hm(
        [dict(method='GA2-CLIP', split='s1', base_top1=70, novel_top1=50,
              HM=58.3)], str(tmp_path / 'rows.png'))
    _png(out)


def _fake_dump(path, seed=0):
    rng = np.random.default_rng(seed)
    items = []
    for vocab, n_cls in (('base', 4), ('novel', 3)):
        for label in range(n_cls):
            for _ in range(5):
                score = rng.random(n_cls)
                if vocab == 'novel' and label == 0:
                    score[1] += 2  # novel class 0 mostly taken for class 1
                elif rng.random() < 0.6:
                    score[label] += 2
                items.append(dict(pred_score=score / score.sum(),
                                  gt_label=np.array([label]), vocab=vocab))
    items.append(dict(pred_score=np.ones(3) / 3, gt_label=np.array([0]),
                      vocab='novel', is_anchor=True))
    with open(path, 'wb') as f:
        pickle.dump(items, f)
    return path


def test_per_class_and_confused(tmp_path):
    from ga2clip.apis.plots import (confusions, load_dump,
                                    per_class_accuracy)
    preds = load_dump(str(_fake_dump(tmp_path / 'preds.pkl')))
    assert len(preds) == 35  # the anchor is dropped
    acc = per_class_accuracy(preds)
    assert sorted(acc) == ['base', 'novel']
    assert acc['novel'][0] == (0.0, 5)
    worst = confusions(preds, 'novel', top=3)
    assert worst[0][:4] == (0, 1, 5, 100.0)


def test_plot_results_cli(tmp_path, capsys):
    from ga2clip.apis.plots import main
    dump = _fake_dump(tmp_path / 'preds.pkl')
    novel = tmp_path / 'novel.txt'
    novel.write_text('juggling\nfencing\nrowing\n')
    out = tmp_path / 'per_class.png'
    assert main(['per-class', '--dump', str(dump), '--classes',
                 f'novel={novel}', '--out', str(out)]) == 0
    _png(out)
    # an existing PNG is not overwritten without --force
    assert main(['per-class', '--dump', str(dump), '--out', str(out)]) == 2
    assert 'exists' in capsys.readouterr().err
    out2 = tmp_path / 'confused.png'
    assert main(['confused', '--dump', str(dump), '--classes',
                 f'novel={novel}', '--top', '5', '--out', str(out2)]) == 0
    _png(out2)
    rp = _run_protocol_module()
    rp.write_results(str(tmp_path / 'm' / 'b2n'), _b2n_results(70, 50))
    out3 = tmp_path / 'hm.png'
    assert main(['hm', '--csv', f'GA2={tmp_path}/m/b2n/runs.csv', '--out',
                 str(out3)]) == 0
    _png(out3)
    assert main(['confused', '--dump', str(tmp_path / 'nope.pkl'), '--out',
                 str(tmp_path / 'x.png')]) == 2
    assert 'dump not found' in capsys.readouterr().err
