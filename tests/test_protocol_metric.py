"""BaseNovelMetric arithmetic on known predictions (hand-computed)."""
import pytest
import torch


def _sample(vocab, scores, label, **extra):
    return dict(vocab=vocab, pred_score=torch.tensor(scores),
                gt_label=torch.tensor([label]), **extra)


@pytest.fixture(scope='module')
def build():
    import ga2clip  # noqa: F401
    from mmaction.registry import METRICS
    return lambda **kw: METRICS.build(dict(type='BaseNovelMetric', **kw))


def test_base_novel_hm(build):
    metric = build()
    base = [  # 6-class base vocabulary: top-1 hits 3/4, top-5 hits 4/4
        _sample('base', [.9, .02, .02, .02, .02, .02], 0),
        _sample('base', [.1, .5, .1, .1, .1, .1], 1),
        _sample('base', [.1, .1, .1, .1, .1, .5], 5),
        _sample('base', [.3, .2, .2, .1, .1, .05], 5),  # rank 6 -> miss top5
    ]
    novel = [  # 3-class novel vocabulary: top-1 hits 1/2
        _sample('novel', [.2, .7, .1], 1),
        _sample('novel', [.6, .3, .1], 2),
    ]
    anchor = [_sample('anchor', [1.0], 0, is_anchor=True)]
    metric.process(None, base[:3] + novel[:1])
    metric.process(None, base[3:] + novel[1:] + anchor)
    out = metric.evaluate(7)
    assert out['base/top1'] == pytest.approx(75.0)
    assert out['base/top5'] == pytest.approx(75.0)
    # per class: class 0 1/1, class 1 1/1, class 5 1/2 -> mean 5/6
    assert out['base/mean_class_accuracy'] == pytest.approx(100 * 5 / 6)
    assert out['novel/top1'] == pytest.approx(50.0)
    assert out['novel/top5'] == pytest.approx(100.0)  # k clipped to 3
    # HM = 2 * 75 * 50 / 125 = 60
    assert out['HM'] == pytest.approx(60.0)
    print(f"base {out['base/top1']:.1f} novel {out['novel/top1']:.1f} "
          f"HM {out['HM']:.1f}")


def test_single_vocabulary_and_names(build):
    metric = build(percent=False, hm_key='H')
    metric.process(None, [_sample('default', [.1, .9], 1),
                          _sample('default', [.1, .9], 0),
                          _sample('default', [.1, .9], 0)])
    out = metric.evaluate(3)
    assert out == pytest.approx(dict(top1=1 / 3, top5=1.0,
                                     mean_class_accuracy=0.5))
    metric = build(base_vocab='seen', novel_vocab='unseen', hm_key='H')
    metric.process(None, [_sample('seen', [.9, .1], 0),
                          _sample('unseen', [.9, .1], 1)])
    out = metric.evaluate(2)
    assert out['seen/top1'] == 100 and out['unseen/top1'] == 0
    assert out['H'] == 0


def test_joint_subsets(build):
    metric = build()
    metric.process(None, [
        _sample('all', [.9, .1, 0, 0], 0, subset='base'),
        _sample('all', [.9, .1, 0, 0], 1, subset='base'),
        _sample('all', [.1, .2, .7, 0], 2, subset='novel'),
    ])
    out = metric.evaluate(3)
    assert out['top1'] == pytest.approx(200 / 3)
    assert out['all/base/top1'] == 50 and out['all/novel/top1'] == 100
    assert out['all/HM'] == pytest.approx(2 * 50 * 100 / 150)


def test_mismatched_scores_rejected(build):
    metric = build()
    metric.process(None, [_sample('base', [.5, .5], 0),
                          _sample('base', [.2, .3, .5], 0)])
    with pytest.raises(ValueError, match='pred_score lengths differ'):
        metric.evaluate(2)
