"""The synthetic world's temporal split: vocabulary (novel-only motions),
renderer (motion agrees with the label, time-reversed twins), files
(determinism, label/caption consistency), descriptions, configs."""
import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from conftest import read_class_csv, read_list
from ga2clip.synthetic import generate as G
from ga2clip.synthetic import world as W
from ga2clip.synthetic.descriptions import TEMPORAL_FILE_NAME

REPO = Path(__file__).resolve().parents[1]
TINY = dict(temporal_train=6, temporal_base_test=1, temporal_novel_test=1)
MOTIONS = set(W.TEMPORAL_MOTIONS)
# image coordinates (x to the right, y = row index, downwards)
SCREEN_DIRECTION = {'left': (-1, 0), 'right': (1, 0), 'up': (0, -1),
                    'down': (0, 1)}


def _words(text):
    return set(re.findall(r'[a-z]+', text.lower()))


def _generate(out, seed):
    G.generate_world(str(out), seed=seed, splits=G.TEMPORAL_SPLITS,
                     counts=TINY, shots=2, num_fewshot_seeds=3, workers=1,
                     reuse=False, log=lambda *a: None)
    return out


@pytest.fixture(scope='module')
def tworld(tmp_path_factory):
    return _generate(tmp_path_factory.mktemp('temporal') / 'w', seed=5)


# ------------------------------------------------------------ vocabulary
def test_temporal_vocabulary_and_twins():
    base, novel = W.temporal_base_classes(), W.temporal_novel_classes()
    assert len(base) == len(novel) == 16
    assert len(set(base) | set(novel)) == 32
    for names, motions in ((base, W.TEMPORAL_BASE_MOTIONS),
                           (novel, W.TEMPORAL_NOVEL_MOTIONS)):
        for name in names:
            c, s, m = W.parse_temporal_class_name(name)
            assert c in W.BASE_COLOURS and s in ('circle', 'square')
            assert m in motions
            # the time-reversed twin is in the same vocabulary
            twin = W.temporal_class_name(c, s, W.REVERSED_MOTION[m])
            assert twin in names and twin != name
    with pytest.raises(ValueError, match='not a temporal class name'):
        W.parse_temporal_class_name('solid red circle')


def test_no_novel_only_concept_in_a_base_class_name():
    temporal_base = [_words(n) for n in W.temporal_base_classes()]
    b2n_base = [_words(n) for n in W.base_classes()]
    for words in temporal_base + b2n_base:
        assert not words & set(W.TEMPORAL_NOVEL_MOTIONS), words
        assert not words & set(W.NOVEL_ONLY_CONCEPTS), words
    # every novel class names a novel-only concept
    for name in W.temporal_novel_classes():
        assert _words(name) & set(W.TEMPORAL_NOVEL_MOTIONS), name
    for name in W.novel_classes():
        assert _words(name) & set(W.NOVEL_ONLY_CONCEPTS), name
    # the base motions are named by base classes (not only by novel ones)
    assert set(W.TEMPORAL_BASE_MOTIONS) <= set().union(*temporal_base)


def test_pretraining_captions_name_every_motion():
    from ga2clip.synthetic.pretrain import web_batch
    seen = set()
    for step in range(20):
        imgs, caps = web_batch(seed=0, step=step, batch_size=64)
        assert imgs.ndim == 4   # single frames: no motion in the images
        for cap in caps:
            m = re.search(r'moving (\w+)', cap)
            if m:
                seen.add(m.group(1))
        if seen == MOTIONS:
            break
    assert seen == MOTIONS


# ------------------------------------------------------------ renderer
def _specs(per_class=3):
    names = W.temporal_base_classes() + W.temporal_novel_classes()
    rng = np.random.default_rng(11)
    return [W.sample_temporal_spec(rng, n, (11, k, i))
            for k, n in enumerate(names) for i in range(per_class)]


def test_reversed_twin_renders_reversed_frames():
    quiet = replace(W.DOWNSTREAM, sig=0.0)
    for spec in _specs():
        twin = W.reversed_twin(spec)
        assert twin.direction == W.REVERSED_MOTION[spec.direction]
        assert W.reversed_twin(twin) == spec
        a = W.render_temporal_clip(spec, quiet, world_seed=2)
        b = W.render_temporal_clip(twin, quiet, world_seed=2)
        np.testing.assert_array_equal(b, a[::-1])
        assert not np.array_equal(a, b)       # the object does move
        # frame means (what frame-mean pooling sees) are identical
        np.testing.assert_allclose(a.mean(0), b.mean(0), atol=1e-6)
    # with noise: the same frames under other noise, not the same array
    spec = _specs(1)[0]
    a = W.render_temporal_clip(spec, W.DOWNSTREAM)
    b = W.render_temporal_clip(W.reversed_twin(spec), W.DOWNSTREAM)
    assert not np.array_equal(b, a[::-1])
    assert np.abs(b - a[::-1]).mean() < 3 * W.DOWNSTREAM.sig


def test_rendered_motion_agrees_with_label():
    # a flat background (amp = cls_bg = 0) and no noise, so the object is
    # every pixel that differs from a corner (never covered: the
    # trajectory stays inside the frame)
    flat = replace(W.DOWNSTREAM, amp=0.0, cls_bg=0.0, sig=0.0)
    for spec in _specs():
        frames = W.render_temporal_clip(spec, flat, world_seed=1)
        mask = np.abs(frames - frames[:, :1, :1]).max(-1) > 0.05
        assert mask.any(axis=(1, 2)).all()
        yy, xx = np.mgrid[0:32, 0:32]
        cent = np.array([[xx[m].mean(), yy[m].mean()] for m in mask])
        # inside the frame in every frame: the object is never cut off
        area = mask.sum(axis=(1, 2))
        assert area.max() - area.min() <= 0.1 * area.max() + 2
        disp = cent[-1] - cent[0]
        d = np.asarray(SCREEN_DIRECTION[spec.direction], float)
        along, across = disp @ d, disp @ d[::-1]
        assert along > 3.0, (spec.name, disp)
        assert abs(across) < 0.5, (spec.name, disp)
        # constant speed along the direction, every frame
        steps = np.diff(cent, axis=0) @ d
        assert (steps > 0).all(), (spec.name, steps)


def test_twins_share_the_class_specific_shift():
    spec = _specs(1)[0]
    a = W.class_shift(0, W.temporal_appearance(spec.name), W.DOWNSTREAM)
    b = W.class_shift(0, W.temporal_appearance(W.reversed_twin(spec).name),
                      W.DOWNSTREAM)
    np.testing.assert_array_equal(a['tint'], b['tint'])
    assert a['size'] == b['size']


# ------------------------------------------------------------ files
def test_temporal_files_labels_and_fewshot(tworld):
    sets = W.temporal_class_sets()
    assert read_class_csv(tworld / 'temporal_base_classes.csv') == \
        sets['temporal_base']
    assert read_class_csv(tworld / 'temporal_novel_classes.csv') == \
        sets['temporal_novel']
    for split, kind in G.TEMPORAL_SPLIT_CLASSES.items():
        items = read_list(tworld / f'{split}.txt')
        assert len(items) == TINY[split] * 16
        assert sorted(lab for _, lab in items) == \
            sorted(list(range(16)) * TINY[split])
        for rel, _ in items:
            assert rel.startswith(f'{split}/')
            assert (tworld / 'videos' / rel).is_file()
    seen = set()
    for k in (1, 2, 3):
        items = read_list(tworld / f'temporal_train_s{k}.txt')
        assert sorted(lab for _, lab in items) == sorted(list(range(16)) * 2)
        paths = {r for r, _ in items}
        assert not paths & seen
        seen |= paths
    info = json.loads((tworld / 'world.json').read_text())
    assert info['temporal_novel_only_motions'] == ['up', 'down']


def test_temporal_labels_and_captions_agree(tworld):
    sets = W.temporal_class_sets()
    for split, kind in G.TEMPORAL_SPLIT_CLASSES.items():
        rows = [json.loads(ln)
                for ln in (tworld / 'meta' / f'{split}.jsonl').open()]
        assert [(r['path'], r['label']) for r in rows] == \
            read_list(tworld / f'{split}.txt')
        for row in rows:
            assert sets[kind][row['label']] == row['cls']
            c, s, m = W.parse_temporal_class_name(row['cls'])
            assert row['direction'] == m and row['count'] == 'one'
            assert len(row['captions']) >= 4
            for cap in row['captions']:
                words = _words(cap)
                assert {c, s, m} <= words, cap
                assert not words & (MOTIONS - {m}), cap
                assert not words & (set(W.COLOURS) - {c}), cap
                assert not words & (set(W.SHAPES) - {s}), cap


def test_generation_deterministic(tworld, tmp_path):
    again = _generate(tmp_path / 'again', seed=5)
    other = _generate(tmp_path / 'other', seed=6)
    for split in G.TEMPORAL_SPLITS:
        assert (again / f'{split}.txt').read_text() == \
            (tworld / f'{split}.txt').read_text()
        assert (again / 'meta' / f'{split}.jsonl').read_text() == \
            (tworld / 'meta' / f'{split}.jsonl').read_text()
    assert (other / 'meta' / 'temporal_train.jsonl').read_text() != \
        (tworld / 'meta' / 'temporal_train.jsonl').read_text()
    items = read_list(tworld / 'temporal_novel_test.txt')[:4]
    for rel, _ in items:
        ref = G.read_video(str(tworld / 'videos' / rel))
        np.testing.assert_array_equal(
            G.read_video(str(again / 'videos' / rel)), ref)
        assert not np.array_equal(
            G.read_video(str(other / 'videos' / rel)), ref)


def test_decoded_videos_match_rendering(tworld):
    items = read_list(tworld / 'temporal_base_test.txt')
    rendered = list(G.render_split('temporal_base_test', seed=5,
                                   per_class=1))
    assert len(items) == len(rendered) == 16
    for (rel, lab), (spec, frames, lab2) in zip(items, rendered):
        assert lab == lab2 and frames.shape == (8, 32, 32, 3)
        video = G.read_video(str(tworld / 'videos' / rel)) / 255.0
        err = np.abs(video - frames).mean()
        # closer to its own frames than to the same frames reversed (the
        # twin's): the order survives mp4 compression
        assert err < 0.09 and err < np.abs(video - frames[::-1]).mean()


def test_temporal_descriptions(tworld):
    data = json.loads((tworld / TEMPORAL_FILE_NAME).read_text())
    names = W.temporal_base_classes() + W.temporal_novel_classes()
    assert sorted(data) == sorted(names)
    for name in names:
        c, s, m = W.parse_temporal_class_name(name)
        twin = W.reversed_twin(W.ClipSpec(name, 'solid', c, s, 'small',
                                          'one', m, (0,))).name
        assert data[name]['spatial'] == data[twin]['spatial']
        for sent in data[name]['spatial']:
            assert not _words(sent) & MOTIONS, sent
        for sent in data[name]['temporal']:
            assert m in _words(sent) and not _words(sent) & (MOTIONS - {m})


def test_split_ids_are_new_and_unknown_splits_refused(tmp_path):
    ids = list(G.SPLIT_IDS.values())
    assert len(set(ids)) == len(ids)
    assert set(G.WORLD_SPLITS) == set(G.ALL_SPLITS) | set(G.TEMPORAL_SPLITS)
    with pytest.raises(ValueError, match='unknown splits'):
        G.generate_world(str(tmp_path), splits=['temporal_tset'],
                         log=lambda *a: None)


# ------------------------------------------------------------ configs
def test_temporal_leaves_read_the_temporal_split_and_never_flip():
    from mmengine.config import Config
    from ga2clip.protocols import methods
    leaves = []
    for m in methods.demo_methods():
        pattern = m.synthetic_temporal
        splits = methods.SPLITS if '{split}' in pattern else (None,)
        leaves += [methods.config(pattern, split=s) for s in splits]
    assert len(leaves) == 3 * (len(methods.demo_methods()) - 1) + 1
    for path in leaves:
        cfg = Config.fromfile(str(path))
        test_sets = cfg.test_dataloader.dataset.datasets
        assert [d.class_file.rsplit('/', 1)[1] for d in test_sets] == \
            ['temporal_base_classes.csv', 'temporal_novel_classes.csv']
        if cfg.get('train_dataloader'):
            ds = cfg.train_dataloader.dataset
            assert re.search(r'/temporal_train_s[123]\.txt$', ds.ann_file)
            assert ds.class_file.endswith('/temporal_base_classes.csv')
            assert 'Flip' not in [t['type'] for t in ds.pipeline], path
        vocab_loss = cfg.model.get('vocab_loss')
        if vocab_loss and vocab_loss.get('descriptions'):
            assert vocab_loss.descriptions.file.endswith(TEMPORAL_FILE_NAME)
