"""The synthetic world: determinism, files, class partition, captions, tiny
CLIP config and checkpoint."""
import json
import os
import re
from pathlib import Path

import numpy as np
import pytest
import torch

from conftest import read_class_csv, read_list
from ga2clip import synthetic as S
from ga2clip.synthetic import generate as G
from ga2clip.synthetic import world as W

REPO = Path(__file__).resolve().parents[1]
CKPT = REPO / 'checkpoints' / 'ga2clip-synth.pt'
TINY = dict(base_train=6, base_test=1, novel_test=1, aux_train=1,
            aux_test=1, anchor=4,
            temporal_train=6, temporal_base_test=1,
            temporal_novel_test=1)


def _words(name):
    return set(re.findall(r'[a-z]+', name.lower()))


@pytest.fixture(scope='module')
def tiny_world(tmp_path_factory):
    out = tmp_path_factory.mktemp('synth') / 'w'
    G.generate_world(str(out), seed=3, counts=TINY, shots=2,
                     num_fewshot_seeds=3, workers=1, reuse=False,
                     log=lambda *a: None)
    return out


# ------------------------------------------------------------ partition
def test_class_partition():
    base, novel, aux = S.base_classes(), S.novel_classes(), S.aux_classes()
    assert len(base) == 32 and len(novel) == 40 and len(aux) == 16
    assert len(set(base)) == len(base) and len(set(novel)) == len(novel)
    assert not set(base) & set(novel)
    assert not set(aux) & (set(base) | set(novel))
    base_words = set().union(*map(_words, base))
    for concept in S.NOVEL_ONLY_CONCEPTS:
        assert concept not in base_words, concept
        # ... but pretraining names it (all_classes is the web vocabulary)
        assert any(concept in _words(n) for n in S.all_classes())
    for name in novel:
        assert _words(name) & set(S.NOVEL_ONLY_CONCEPTS), name
    for name in aux:   # the stage-1 set names no novel-only concept either
        assert not _words(name) & set(S.NOVEL_ONLY_CONCEPTS), name
    assert set(base + novel + aux) <= set(S.all_classes())


def test_pretraining_captions_cover_novel_concepts():
    from ga2clip.synthetic.pretrain import web_batch
    seen = set()
    for step in range(3):
        x, caps = web_batch(0, step, 64)
        assert x.shape == (64, 3, 32, 32)
        for c in caps:
            seen |= _words(c)
    assert set(S.NOVEL_ONLY_CONCEPTS) <= seen


# ------------------------------------------------------------ rendering
def test_render_deterministic():
    a = list(S.render_split('novel_test', seed=5, per_class=1))[:6]
    b = list(S.render_split('novel_test', seed=5, per_class=1))[:6]
    c = list(S.render_split('novel_test', seed=6, per_class=1))[:6]
    for (sa, fa, la), (sb, fb, lb), (_, fc, _) in zip(a, b, c):
        assert sa == sb and la == lb
        assert fa.shape == (8, 32, 32, 3) and fa.dtype == np.float32
        np.testing.assert_array_equal(fa, fb)
        assert np.abs(fa - fc).mean() > 0.01
    # a web frame is the same frame as in the full clip
    spec = a[0][0]
    full = W.render_clip(spec, W.WEB, 8, 32)
    one = W.render_clip(spec, W.WEB, 8, 32, frame_index=3)
    np.testing.assert_array_equal(full[3], one[0])


def test_class_specific_shift():
    a = W.class_shift(0, 'solid red circle', W.DOWNSTREAM)
    b = W.class_shift(0, 'solid red circle', W.DOWNSTREAM)
    c = W.class_shift(0, 'solid red square', W.DOWNSTREAM)
    np.testing.assert_array_equal(a['tint'], b['tint'])
    assert not np.allclose(a['tint'], c['tint'])
    assert np.allclose(W.class_shift(0, 'solid red circle', W.WEB)['tint'], 0)


# ------------------------------------------------------------ files
def test_world_files_and_labels(tiny_world):
    out = tiny_world
    classes = {k: read_class_csv(out / f'{k}_classes.csv')
               for k in ('base', 'novel', 'aux', 'anchor')}
    assert classes['base'] == S.base_classes()
    assert classes['novel'] == S.novel_classes()
    assert classes['anchor'] == [S.ANCHOR_CLASS]
    for split, kind in G.SPLIT_CLASSES.items():
        items = read_list(out / f'{split}.txt')
        n = TINY[split] * (1 if kind == 'anchor' else len(classes[kind]))
        assert len(items) == n
        for rel, lab in items:
            assert 0 <= lab < len(classes[kind])
            assert (out / 'videos' / rel).is_file()
            assert rel.startswith(f'{split}/') and rel.endswith('.mp4')
        if kind == 'anchor':
            assert {lab for _, lab in items} == {0}
    # few-shot splits: 2 shots per base class, disjoint across seeds
    seen = set()
    for k in (1, 2, 3):
        items = read_list(out / f'base_train_s{k}.txt')
        labels = [lab for _, lab in items]
        assert sorted(labels) == sorted(list(range(32)) * 2)
        paths = {r for r, _ in items}
        assert not paths & seen
        seen |= paths
    info = json.loads((out / 'world.json').read_text())
    assert info['settings']['seed'] == 3


def test_captions_name_class_attributes(tiny_world):
    for split in G.ALL_SPLITS:
        for line in (tiny_world / 'meta' / f'{split}.jsonl').open():
            row = json.loads(line)
            assert len(row['captions']) >= 4
            if row['cls'] is None:
                assert row['label'] == 0
                continue
            t, c, s = row['cls'].split()
            names = S.class_sets()[G.SPLIT_CLASSES[split]]
            assert names[row['label']] == row['cls']
            for cap in row['captions']:
                words = _words(cap)
                assert t in words and c in words, cap
                assert s in words or W.PLURAL[s] in words, cap
                for other in set(W.SHAPES) - {s}:
                    assert other not in words and W.PLURAL[other] not in words
                for other in set(W.COLOURS) - {c}:
                    assert other not in words


def test_decoded_videos_match_rendering(tiny_world):
    items = read_list(tiny_world / 'novel_test.txt')
    rendered = list(S.render_split('novel_test', seed=3, per_class=1))
    errs = []
    for (rel, lab), (spec, frames, lab2) in zip(items, rendered):
        assert lab == lab2
        video = S.read_video(str(tiny_world / 'videos' / rel))
        assert video.shape == (8, 32, 32, 3) and video.dtype == np.uint8
        err = np.abs(video / 255.0 - frames).mean()
        other = np.abs(video / 255.0 - rendered[(lab + 1) % len(items)][1])
        errs.append(err)
        assert err < 0.12 and err < other.mean()
    assert np.mean(errs) < 0.09


def test_generation_deterministic_across_workers(tiny_world, tmp_path):
    out = tmp_path / 'again'
    counts = dict(TINY, base_train=0, aux_train=0, aux_test=0, base_test=0)
    G.generate_world(str(out), seed=3, splits=['novel_test', 'anchor'],
                     counts=counts, workers=2, reuse=False,
                     log=lambda *a: None)
    for split in ('novel_test', 'anchor'):
        assert (out / f'{split}.txt').read_text() == \
            (tiny_world / f'{split}.txt').read_text()
        assert (out / 'meta' / f'{split}.jsonl').read_text() == \
            (tiny_world / 'meta' / f'{split}.jsonl').read_text()
        for rel, _ in read_list(out / f'{split}.txt')[:10]:
            np.testing.assert_array_equal(
                S.read_video(str(out / 'videos' / rel)),
                S.read_video(str(tiny_world / 'videos' / rel)))
    # same settings: reused, nothing rewritten
    msgs = []
    G.generate_world(str(out), seed=3, splits=['novel_test', 'anchor'],
                     counts=counts, workers=2, log=msgs.append)
    assert msgs and 'reusing' in msgs[0]


# ------------------------------------------------------------ tiny CLIP
def test_tiny_clip_config_and_tokenizer():
    import open_clip
    import ga2clip.models  # noqa: F401  (registers the configs)
    cfg = open_clip.get_model_config('ga2clip-synth')
    assert cfg['vision_cfg']['image_size'] == 32
    tok = open_clip.get_tokenizer('ga2clip-synth')
    ctx = cfg['text_cfg']['context_length']
    longest = max((c for n in S.all_classes() for c in
                   [f'a video of a {n}.',
                    f'a picture of a {n} on a grey background']),
                  key=len)
    ids = tok([longest])
    assert ids.shape == (1, ctx)
    assert int(ids.argmax(-1)) < ctx - 8    # room for learnable context


def test_pretrain_smoke_and_open_clip_loading(tmp_path):
    import open_clip
    from ga2clip.synthetic.pretrain import pretrain
    torch.set_num_threads(1)
    path = str(tmp_path / 'tiny.pt')
    model, info = pretrain(path, seed=0, steps=2, batch_size=8, warmup=1,
                           log=None)
    sd = torch.load(path, weights_only=True)
    assert all(v.dtype == torch.float16 for v in sd.values()
               if v.is_floating_point())
    loaded = open_clip.create_model('ga2clip-synth', pretrained=path)
    assert next(loaded.parameters()).dtype == torch.float32
    assert abs(loaded.logit_scale.exp().item() - 100) < 0.5
    for k, v in loaded.state_dict().items():
        torch.testing.assert_close(v, model.state_dict()[k].half().float())


def test_shipped_checkpoint():
    assert CKPT.is_file(), f'{CKPT} must ship with the repository'
    import open_clip
    import ga2clip.models  # noqa: F401
    assert os.path.getsize(CKPT) <= 20 * 2 ** 20
    model = open_clip.create_model('ga2clip-synth', pretrained=str(CKPT))
    assert abs(model.logit_scale.exp().item() - 100) < 0.5
    tok = open_clip.get_tokenizer('ga2clip-synth')
    # the pretrained model tells apart two web images of different classes
    from ga2clip.synthetic.pretrain import to_tensor
    names = ['solid red circle', 'striped blue square', 'solid orange star']
    rng = np.random.default_rng(0)
    imgs = [W.render_clip(W.sample_spec(rng, n, [0, i]), W.WEB, 8, 32,
                          frame_index=0)[0] for i, n in enumerate(names)]
    with torch.no_grad():
        v = model.encode_image(to_tensor(np.stack(imgs)))
        t = model.encode_text(tok([f'a video of a {n}.' for n in names]))
    sims = torch.nn.functional.normalize(v, dim=-1) @ \
        torch.nn.functional.normalize(t, dim=-1).t()
    assert sims.argmax(1).tolist() == [0, 1, 2]


def test_truncated_text_encoding_equals_open_clip():
    from ga2clip.synthetic.pretrain import build_model, encode_text_truncated
    model, tok = build_model()
    model.eval()
    t = tok(['a red circle', 'a video of a striped orange star on a grey '
             'background'])
    with torch.no_grad():
        torch.testing.assert_close(encode_text_truncated(model, t),
                                   model.encode_text(t), atol=1e-5,
                                   rtol=1e-4)


def test_web_v2_backgrounds_vary_and_v1_is_kept():
    """Pretraining v2 draws a web domain per image (flat or textured
    backgrounds); 'flat' reproduces v1's single domain; a bad name fails."""
    import numpy as np
    import pytest

    from ga2clip.synthetic import world as W
    from ga2clip.synthetic.pretrain import web_batch
    rng = np.random.default_rng(0)
    amps = [W.web_shift(rng).amp for _ in range(200)]
    assert 0.3 < np.mean([a == 0 for a in amps]) < 0.7
    assert max(amps) > 0.15
    x_v2, caps_v2 = web_batch(0, 3, 16)
    x_v1, caps_v1 = web_batch(0, 3, 16, web='flat')
    assert x_v2.shape == x_v1.shape
    assert not np.allclose(x_v2.numpy(), x_v1.numpy())
    assert np.allclose(web_batch(0, 3, 16)[0].numpy(), x_v2.numpy())
    with pytest.raises(ValueError, match='web='):
        web_batch(0, 0, 4, web='grey')


def test_web_domain_accuracy_counts_attributes(monkeypatch):
    """The own-domain check scores every base/novel class and reports
    per-attribute accuracy; an untrained CLIP is far from perfect on shape
    while the counts add up."""
    import torch

    from ga2clip.synthetic import world as W
    from ga2clip.synthetic.pretrain import build_model
    from ga2clip.synthetic.zeroshot import web_domain_accuracy
    torch.manual_seed(0)
    model, tok = build_model()
    model.eval()
    res = web_domain_accuracy(model, tok, per_class=1)
    assert res['base']['n'] == len(W.base_classes())
    assert res['novel']['n'] == len(W.novel_classes())
    for vocab in ('base', 'novel'):
        r = res[vocab]
        # a right class has every attribute right
        assert r['top1'] <= min(r['texture'], r['colour'], r['shape'])
        assert r['top1'] < 50
