"""TwinOrderMetric (ga2clip/evaluation/twin_order_metric.py): pair top-1 and
the frame-order accuracy between time-reversed twins on hand-made
predictions, bad class lists, the temporal configs' evaluator, the
leaderboard's optional order columns, and one real zero-shot test run on a
tiny generated temporal world."""
import csv
import json

import numpy as np
import pytest
import torch

from conftest import REPO_ROOT, write_finished_runs

from ga2clip.evaluation import TwinOrderMetric, twin_order_stats
from ga2clip.evaluation.twin_order_metric import REVERSED_WORDS, twin_indices
from ga2clip.synthetic import world as W
from ga2clip.utils.class_lists import write_class_names

BASE = W.temporal_base_classes()
NOVEL = W.temporal_novel_classes()
SYNTH_CFGS = REPO_ROOT / 'projects' / 'ga2clip' / 'configs' / 'synthetic'


@pytest.fixture
def lists(tmp_path):
    paths = dict(base=tmp_path / 'temporal_base_classes.csv',
                 novel=tmp_path / 'temporal_novel_classes.csv')
    write_class_names(str(paths['base']), BASE)
    write_class_names(str(paths['novel']), NOVEL)
    return {k: str(v) for k, v in paths.items()}


def _static(name):
    return name.rsplit(' moving ', 1)[0]


def _balanced_labels(names, per_class):
    return np.repeat(np.arange(len(names)), per_class)


def _samples(scores, labels, vocab, anchors=0):
    out = [dict(pred_score=torch.as_tensor(s, dtype=torch.float32),
                gt_label=torch.tensor([int(lab)]), vocab=vocab)
           for s, lab in zip(scores, labels)]
    # anchor samples (GA2) carry junk scores: skipped
    out += [dict(pred_score=torch.zeros(3), gt_label=torch.tensor([0]),
                 vocab='anchor', is_anchor=True) for _ in range(anchors)]
    return out


def _evaluate(metric, batches):
    for samples in batches:
        metric.process({}, samples)
    return metric.compute_metrics(metric.results)


def _onehot(pred, n):
    scores = np.zeros((len(pred), n))
    scores[np.arange(len(pred)), pred] = 1.0
    return scores


def test_twin_rule_is_the_worlds_and_pairs_every_class():
    assert REVERSED_WORDS == W.REVERSED_MOTION
    for names in (BASE, NOVEL):
        twin = twin_indices(names, REVERSED_WORDS, 'x.csv')
        for i, j in enumerate(twin):
            c, s, m = W.parse_temporal_class_name(names[i])
            assert names[j] == W.temporal_class_name(c, s,
                                                     W.REVERSED_MOTION[m])
        assert (twin[twin] == np.arange(len(names))).all()


def test_perfect_and_always_twin_models(lists):
    twins = {v: twin_indices(n, REVERSED_WORDS, v)
             for v, n in (('base', BASE), ('novel', NOVEL))}
    labels = _balanced_labels(BASE, 3)
    perfect = _onehot(labels, len(BASE))
    flipped = _onehot(twins['novel'][labels], len(NOVEL))
    metric = TwinOrderMetric(class_files=lists)
    got = _evaluate(metric, [
        _samples(perfect[:20], labels[:20], 'base', anchors=2),
        _samples(perfect[20:], labels[20:], 'base'),
        _samples(flipped, labels, 'novel', anchors=1)])
    assert got == pytest.approx({'base/pair_top1': 100.0,
                                 'base/order_acc': 100.0,
                                 'novel/pair_top1': 100.0,
                                 'novel/order_acc': 0.0})
    assert list(got) == ['base/pair_top1', 'base/order_acc',
                         'novel/pair_top1', 'novel/order_acc']


def test_pair_and_order_are_separate():
    """3 of 4 clips land in their pair (one in another class), 2 of those 3
    are the class itself: pair 75, order 2/3."""
    twin = twin_indices(BASE, REVERSED_WORDS, 'x.csv')
    labels = np.array([0, 1, 2, 3])
    other = next(i for i in range(len(BASE)) if i not in (3, twin[3]))
    pred = np.array([0, twin[1], 2, other])
    stats = twin_order_stats(_onehot(pred, len(BASE)), labels, twin)
    assert stats == pytest.approx(dict(pair_top1=0.75, order_acc=2 / 3))
    # no clip in its pair: no order accuracy (rather than a made-up one)
    assert twin_order_stats(_onehot(np.full(1, other), len(BASE)),
                            np.array([3]), twin) == dict(pair_top1=0.0)


def test_ties_between_twins_go_to_the_lower_index(lists):
    """Scores equal for a class and its twin (an order-blind scorer, static
    part right): the first of the pair wins, so the order accuracy is the
    share of clips whose class is the first of its pair -- 50 on a
    balanced set."""
    twin = twin_indices(BASE, REVERSED_WORDS, 'x.csv')
    labels = _balanced_labels(BASE, 2)
    statics = [_static(n) for n in BASE]
    scores = np.array([[float(statics[j] == statics[lab])
                        for j in range(len(BASE))] for lab in labels])
    pred = np.argmax(scores, axis=1)
    assert (pred == np.minimum(labels, twin[labels])).all()
    got = _evaluate(TwinOrderMetric(class_files=dict(base=lists['base'])),
                    [_samples(scores, labels, 'base')])
    assert got == pytest.approx({'base/pair_top1': 100.0,
                                 'base/order_acc': 50.0})


def test_an_order_invariant_scorer_is_at_50():
    """Scores that depend on the static part only (right on ~70 % of the
    clips, else a random other class) with the member of the pair picked at
    random per clip (fixed seed): order accuracy about 50, pair top-1 about
    the static accuracy."""
    rng = np.random.default_rng(0)
    twin = twin_indices(NOVEL, REVERSED_WORDS, 'x.csv')
    labels = _balanced_labels(NOVEL, 125)  # 2000 clips
    statics = sorted({_static(n) for n in NOVEL})
    static_of = np.array([statics.index(_static(n)) for n in NOVEL])
    scores = np.zeros((len(labels), len(NOVEL)))
    static_right = rng.random(len(labels)) < 0.7
    for i, lab in enumerate(labels):
        s = static_of[lab] if static_right[i] else rng.choice(
            [k for k in range(len(statics)) if k != static_of[lab]])
        members = np.flatnonzero(static_of == s)
        assert len(members) == 2
        scores[i, members] = 1.0  # the same for both twins
        scores[i, rng.choice(members)] += 1e-3  # the random pick
    stats = twin_order_stats(scores, labels, twin)
    assert stats['pair_top1'] == pytest.approx(static_right.mean())
    # binomial sd over ~1400 clips: 1.3 points
    assert abs(100 * stats['order_acc'] - 50) < 4, stats
    # the same scorer that also knew the order would be at 100
    knows = scores.copy()
    knows[np.arange(len(labels)), labels] += 1e-2
    assert twin_order_stats(knows, labels, twin)['order_acc'] == 1.0


def test_bad_lists_and_samples(lists, tmp_path):
    missing = tmp_path / 'no_twin.csv'
    write_class_names(str(missing), [n for n in BASE
                                     if n != 'red circle moving right'])
    with pytest.raises(ValueError) as info:
        TwinOrderMetric(class_files=dict(base=lists['base'],
                                         novel=str(missing)))
    msg = str(info.value)
    assert str(missing) in msg and "'red circle moving right'" in msg
    assert len(msg.splitlines()) == 1
    static = tmp_path / 'static.csv'
    write_class_names(str(static), ['red circle', 'blue square'])
    with pytest.raises(ValueError, match=f'{static}: class .red circle.'):
        TwinOrderMetric(class_files=dict(base=str(static)))
    with pytest.raises(ValueError, match='class_files'):
        TwinOrderMetric(class_files=lists['base'])
    # a rule that does not swap in pairs
    with pytest.raises(ValueError, match='in pairs'):
        twin_indices(['a x', 'a y', 'a z'], dict(x='y', y='z', z='x'),
                     'abc.csv')

    metric = TwinOrderMetric(class_files=dict(base=lists['base']))
    with pytest.raises(ValueError, match="vocabulary 'novel'.*"
                       r"class_files\['novel'\]"):
        _evaluate(metric, [_samples(np.eye(16)[:2], [0, 1], 'novel')])
    metric = TwinOrderMetric(class_files=dict(base=lists['base']))
    with pytest.raises(ValueError, match=f"{lists['base']}: 16 classes, but "
                       "pred_score of vocabulary 'base' has 8"):
        _evaluate(metric, [_samples(np.eye(8)[:2], [0, 1], 'base')])
    with pytest.raises(KeyError, match='TwinOrderMetric needs pred_score'):
        metric.process({}, [dict(gt_label=torch.tensor([0]))])

    # lists absent when built (a config loaded before the world exists):
    # read at the first batch, the error names the file
    absent = tmp_path / 'later' / 'temporal_base_classes.csv'
    metric = TwinOrderMetric(class_files=dict(base=str(absent)))
    with pytest.raises(FileNotFoundError, match=str(absent)):
        metric.process({}, _samples(np.eye(16)[:1], [0], 'base'))
    absent.parent.mkdir()
    write_class_names(str(absent), BASE)
    assert _evaluate(metric, [_samples(np.eye(16)[:2], [0, 1], 'base')]) \
        == {'base/pair_top1': 100.0, 'base/order_acc': 100.0}


def test_temporal_configs_report_the_order_metric(lists, tmp_path,
                                                  monkeypatch):
    from mmengine.config import Config
    from mmengine.evaluator import Evaluator

    from ga2clip.protocols import methods
    monkeypatch.setenv('GA2CLIP_SYNTH_ROOT', str(tmp_path))
    leaves = sorted(SYNTH_CFGS.glob('*_synth_temporal*.py'))
    assert len(leaves) >= 3 * (len(methods.demo_methods()) - 1) + 1
    for path in leaves:
        cfg = Config.fromfile(str(path))
        types = [m['type'] for m in cfg.test_evaluator]
        assert types == ['BaseNovelMetric', 'TwinOrderMetric'], path
        assert cfg.test_evaluator[1]['class_files'] == lists, path
    # the b2n leaves keep their single metric
    b2n = Config.fromfile(str(SYNTH_CFGS / 'ivlp_synth_b2n_s1.py'))
    assert b2n.test_evaluator == dict(type='BaseNovelMetric')

    # both metrics in one evaluator (as the test loop runs them): every key,
    # no clash
    from mmengine.registry import init_default_scope
    import ga2clip  # noqa: F401
    init_default_scope('mmaction')
    evaluator = Evaluator(cfg.test_evaluator)
    labels = _balanced_labels(BASE, 1)
    evaluator.process(_samples(np.eye(16)[labels], labels, 'base')
                      + _samples(np.eye(16)[labels], labels, 'novel'))
    got = evaluator.evaluate(32)
    assert got['HM'] == 100.0 and got['novel/order_acc'] == 100.0
    assert {'base/top1', 'novel/top1', 'base/pair_top1',
            'novel/pair_top1', 'base/order_acc'} <= set(got)


def _run(b, n, ob=None, on=None):
    out = {'base/top1': b, 'novel/top1': n, 'HM': 2 * b * n / (b + n)}
    if ob is not None:
        out.update({'base/order_acc': ob, 'novel/order_acc': on})
    return out


def test_leaderboard_order_columns(tmp_path):
    from ga2clip.protocols import leaderboard as lb
    runs = {
        'clip-zeroshot': {'all_splits': _run(24.0, 24.0, 49.0, 51.0)},
        'ivlp': {f's{s}': _run(40.0 + s, 30.0, 48.0 + s, 50.0)
                 for s in (1, 2, 3)},
    }
    board = lb.leaderboard(runs, {'ivlp': 'IVLP', 'clip-zeroshot': 'ZS'})
    md = lb.markdown(board)
    assert ('| method | Base | Novel | HM | ΔBase vs IVLP | ΔNovel | ΔHM '
            '| Base order | Novel order | n |') in md
    assert '| IVLP | 42.0 ± 1.0 | 30.0 ± 0.0 |' in md
    assert '| (reference) | – | – | 50.0 ± 1.0 | 50.0 ± 0.0 | 3 |' in md
    assert '| 49.0 | 51.0 | 1 |' in md and 'time-reversed twin' in md
    # Base / Novel / HM and their deltas exactly as without the extras
    plain = {k: {r: {m: v for m, v in x.items() if 'order' not in m}
                 for r, x in v.items()} for k, v in runs.items()}
    plain_md = lb.markdown(lb.leaderboard(plain, {'ivlp': 'IVLP',
                                                  'clip-zeroshot': 'ZS'}))
    assert 'order' not in plain_md
    for a, b in zip(plain_md.splitlines()[2:4], md.splitlines()[2:4]):
        assert b.startswith(a.rsplit(' | ', 1)[0])
    # the protocol's own list: b2n shows none even if a run had them
    assert lb.leaderboard(runs, extra_metrics=())['extra_metrics'] == []
    _, paths = lb.write_leaderboard(str(tmp_path), board, runs)
    rows = list(csv.DictReader(open(paths['csv'], newline='')))
    order = [r for r in rows if r['method'] == 'ivlp'
             and r['metric'] == 'base/order_acc']
    assert len(rows) == 5 * 2 and float(order[0]['mean']) == 50.0
    assert json.loads(open(paths['json']).read())['leaderboard'][
        'extra_metrics'] == [['base/order_acc', 'Base order'],
                             ['novel/order_acc', 'Novel order']]
    # the demo's table (same code, no protocol list given) is run_protocol's
    from ga2clip.apis import demo
    args = demo.parse_args(['--work-dir', str(tmp_path / 'demo')])
    demo_md, _ = demo.write_outputs(args, 'synthetic_temporal', runs,
                                    {'ivlp': 'IVLP', 'clip-zeroshot': 'ZS'},
                                    '')
    ref = lb.leaderboard(runs, {'ivlp': 'IVLP', 'clip-zeroshot': 'ZS'},
                         extra_metrics=lb.EXTRA_METRICS['synthetic_temporal'])
    assert demo_md.split('\n\n')[0] == lb.markdown(ref).split('\n\n')[0]
    assert '| Base order | Novel order |' in demo_md


def test_methods_leaderboard_of_the_temporal_protocol(tmp_path, capsys):
    """tools/run_protocol.py synthetic_temporal --methods on finished runs:
    the order columns are in leaderboard.md/csv."""
    from ga2clip.protocols.cli import main
    work = tmp_path / 'w'
    finished = {'clip-zeroshot': {'all_splits': _run(24.0, 24.0, 49.0, 51.0)},
                'ivlp': {f's{s}': _run(40.0 + s, 30.0, 48.0 + s, 50.0)
                         for s in (1, 2, 3)}}
    write_finished_runs(work, 'synthetic_temporal', finished)
    assert main(['synthetic_temporal', '--methods', 'zero-shot', 'ivlp',
                 '--work-dir', str(work)]) == 0
    out = capsys.readouterr().out
    assert '$ ' not in out
    md = (work / 'leaderboard_synthetic_temporal' / 'leaderboard.md'
          ).read_text()
    assert '| Base order | Novel order | n |' in md
    assert '| 50.0 ± 1.0 | 50.0 ± 0.0 | 3 |' in md


def test_zero_shot_test_run_reports_the_order_metric(tmp_path, monkeypatch):
    """The frozen tiny CLIP through tools/test.py (in-process) on a tiny
    generated temporal world: the test log's last row, as
    runner.read_test_metrics reads it, has the order keys."""
    from ga2clip.apis.cli import test_main
    from ga2clip.protocols.runner import read_test_metrics
    from ga2clip.synthetic import generate as G
    world = tmp_path / 'world'
    G.generate_world(str(world), seed=5, splits=G.TEMPORAL_SPLITS,
                     counts=dict(temporal_train=1, temporal_base_test=1,
                                 temporal_novel_test=1),
                     shots=1, num_fewshot_seeds=1, workers=1, reuse=False,
                     log=lambda *a: None)
    monkeypatch.setenv('GA2CLIP_SYNTH_ROOT', str(world))
    monkeypatch.chdir(REPO_ROOT)
    work = tmp_path / 'test'
    assert test_main([str(SYNTH_CFGS / 'clip-zeroshot_synth_temporal.py'),
                      'none', '--work-dir', str(work)]) == 0
    got = read_test_metrics(str(work))
    for vocab in ('base', 'novel'):
        assert 0 <= got[f'{vocab}/top1'] <= got[f'{vocab}/pair_top1'] <= 100
        if got[f'{vocab}/pair_top1'] > 0:
            assert 0 <= got[f'{vocab}/order_acc'] <= 100
    assert {'HM', 'base/order_acc', 'novel/order_acc'} <= set(got), got
