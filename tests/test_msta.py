"""MSTA components (tiny random CLIP unless said otherwise).

- lambda = 0 or no blocks == open_clip encode_image / encode_text (1e-5);
  the frozen prompt-free text path stays adapter-free;
- the shared d->d layer is ONE module, run and trained by both towers;
- each part fails when removed: the temporal conv makes frame order matter,
  lambda scales the residual (and MMA's gradient scaling is exact), the
  blocks range picks the blocks, the consistency loss reaches the text side;
- the vocabulary-loss slot runs once per step, its targets once per
  vocabulary;
- ViT-B/16 count at d = 128 on blocks 8-12: 1,744,000;
- descriptions I/O: released / own / template formats and the bad-input
  matrix; the synthetic world's generated descriptions;
- a tiny train + test run through tools/train.py and tools/test.py.
"""
import json

import pytest
import torch
import torch.nn.functional as F

from conftest import REPO_ROOT

torch.set_num_threads(1)

NAMES = ['riding a bike', 'playing_guitar', 'x']
TEMPLATE = 'a video of {}.'


def _model(seed=0, adapters=None, vocab_loss=None, **kw):
    import ga2clip  # noqa: F401
    from mmaction.registry import MODELS
    torch.manual_seed(seed)
    cfg = dict(type='GA2CLIP', clip=dict(name='ga2clip-tiny', pretrained=None),
               video_encoder=dict(type='CLIPVideoEncoder'),
               text_head=dict(type='TemplateTextHead', templates=[TEMPLATE]),
               adapters=dict(dict(type='MSTAAdapters', dim=8, blocks=(1, 2),
                                  scale=0.1), **(adapters or {})),
               vocab_loss=vocab_loss, vocabularies=dict(default=NAMES))
    cfg.update(kw)
    return MODELS.build(cfg).eval()


def _videos(n=2, t=4, seed=1):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 1, 3, t, 32, 32, generator=g)


def _ref_video(model, videos):
    visual = model.video_encoder.visual
    x = videos.flatten(0, 1)
    n, c, t, h, w = x.shape
    frames = x.permute(0, 2, 1, 3, 4).reshape(n * t, c, h, w)
    return F.normalize(visual(frames).view(n, t, -1).mean(1), dim=-1)


def _ref_text(model, texts):
    """open_clip encode_text of a CLIP with the model's (seed-0) weights."""
    from ga2clip.models import build_clip
    torch.manual_seed(0)
    clip, tok = build_clip('ga2clip-tiny')
    tower = model.text_head.text
    assert torch.equal(clip.token_embedding.weight,
                       tower.token_embedding.weight)
    assert torch.equal(clip.visual.conv1.weight,
                       model.video_encoder.visual.conv1.weight)
    with torch.no_grad():
        return F.normalize(clip.encode_text(tok(texts)), dim=-1)


# -- equivalence --------------------------------------------------------------
@pytest.mark.parametrize('off', [dict(scale=0.0), dict(blocks=None)],
                         ids=['lambda0', 'no-blocks'])
def test_off_equals_open_clip(off):
    model = _model(adapters=off)
    videos = _videos()
    with torch.no_grad():
        got = model.encode_video(videos)[:, 0]
        text = model.text_features()
    assert torch.allclose(got, _ref_video(model, videos), atol=1e-5)
    ref = _ref_text(model, [TEMPLATE.format(n.replace('_', ' '))
                            for n in NAMES])
    assert torch.allclose(text, ref, atol=1e-5)


def test_adapters_change_both_towers_but_not_the_frozen_paths():
    model = _model()
    videos = _videos()
    sentences = ['a video of a dog.', 'someone swims']
    with torch.no_grad():
        assert not torch.allclose(model.encode_video(videos)[:, 0],
                                  _ref_video(model, videos), atol=1e-3)
        text = model.text_features()
        frozen_video = model.encode_video(videos, prompts=False)[:, 0]
        plain = F.normalize(model.text_head.encode_plain(sentences), dim=-1)
    ref = _ref_text(model, [TEMPLATE.format(n.replace('_', ' '))
                            for n in NAMES])
    assert not torch.allclose(text, ref, atol=1e-3)
    assert torch.allclose(frozen_video, _ref_video(model, videos), atol=1e-5)
    assert torch.allclose(plain, _ref_text(model, sentences), atol=1e-5)


# -- the shared layer ----------------------------------------------------------
def test_shared_layer_is_one_module_run_by_both_towers():
    model = _model()
    ad = model.adapters
    # one module per block, registered once (not under the towers)
    names = [n for n, _ in model.named_parameters() if '.shared.' in n]
    assert names == ['adapters.shared.0.weight', 'adapters.shared.0.bias',
                     'adapters.shared.1.weight', 'adapters.shared.1.bias']
    assert not any(k.startswith(('video_encoder.adapters', 'text_head.'))
                   and 'shared' in k for k in model.state_dict())
    seen = []
    handle = ad.shared['1'].register_forward_hook(
        lambda m, i, o: seen.append(i[0].shape[-2]))
    with torch.no_grad():
        model.encode_video(_videos(t=4))   # 4 frames x (1 + 4 patches)
        model.text_features()
    handle.remove()
    assert seen[0] == 5 and len(seen) == 2 and seen[1] > 5  # vision, text

    # its gradient comes from each tower alone
    model.train()
    for side in ('video', 'text'):
        model.zero_grad()
        if side == 'video':
            model.encode_video(_videos()).sum().backward()
            assert ad.text['1'].down.weight.grad is None
        else:
            model.text_features().sum().backward()
            assert ad.vision['1'].down.weight.grad is None
        grad = ad.shared['1'].weight.grad
        assert grad is not None and grad.abs().sum() > 0, side


def test_vit_b16_count_d128_blocks_8_12():
    from ga2clip.models import MSTAAdapters
    ad = MSTAAdapters(text_width=512, vision_width=768, text_layers=12,
                      vision_layers=12, dim=128, blocks=(8, 12))
    assert sum(p.numel() for p in ad.parameters()) == 1_744_000
    assert sorted(ad.shared.keys()) == ['10', '11', '7', '8', '9']
    big = MSTAAdapters(dim=256, blocks=(1, 12))
    assert 8.6e6 < sum(p.numel() for p in big.parameters()) < 8.8e6
    conv = ad.vision['7'].up_temporal
    assert conv.groups == 128 and conv.kernel_size == (3, 1, 1)
    # Kaiming (fan_out, relu) weights, zero bias
    w = ad.shared['7'].weight
    assert ad.shared['7'].bias.abs().sum() == 0
    assert abs(w.std().item() - (2 / 128) ** 0.5) < 0.02


# -- each part fails when removed -------------------------------------------------
def _order_gap(model, t=4):
    videos = _videos(t=t)
    perm = videos[:, :, :, torch.tensor([2, 0, 3, 1])]
    with torch.no_grad():
        return (model.encode_video(videos) -
                model.encode_video(perm)).abs().max().item()


def test_temporal_conv_makes_frame_order_matter():
    assert _order_gap(_model(adapters=dict(scale=0.5))) > 1e-4
    # without it the model is frame-wise: a frame mean ignores order
    assert _order_gap(_model(adapters=dict(scale=0.5, temporal=False))) < 1e-6


def test_lambda_scales_the_residual_and_grad_scaling_is_exact():
    videos = _videos()
    outs = {}
    for lam in (0.05, 0.5):
        with torch.no_grad():
            outs[lam] = _model(adapters=dict(scale=lam)).encode_video(videos)
    base = _ref_video(_model(), videos)
    gap = {lam: (o[:, 0] - base).norm().item() for lam, o in outs.items()}
    assert gap[0.5] > 3 * gap[0.05] > 0

    lam = 0.05
    grads = {}
    for scaling in (False, True):
        model = _model(adapters=dict(scale=lam, grad_scaling=scaling))
        loss = model.encode_video(videos).sum() + \
            model._prompted_names(NAMES).sum()  # eval mode: no dropout
        loss.backward()
        grads[scaling] = {n: p.grad.clone()
                          for n, p in model.adapters.named_parameters()}
        with torch.no_grad():
            grads[scaling, 'out'] = model.encode_video(videos)
    assert torch.equal(grads[False, 'out'], grads[True, 'out'])
    for name, g in grads[False].items():
        assert torch.allclose(grads[True][name], g / lam, rtol=1e-3,
                              atol=1e-7), name


def test_blocks_range_picks_the_blocks():
    from ga2clip.models import MSTAAdapters
    model = _model(adapters=dict(blocks=(2, 2)))
    assert list(model.adapters.shared.keys()) == ['1']
    assert model.adapters.text_hooks()[0] is None
    assert model.adapters.vision_hooks(4)[1] is not None
    videos = _videos()
    with torch.no_grad():
        second = model.encode_video(videos)
        first = _model(adapters=dict(blocks=(1, 1))).encode_video(videos)
    assert (first - second).abs().max() > 1e-4
    with pytest.raises(ValueError, match=r'must lie in 1\.\.2'):
        MSTAAdapters(text_layers=2, vision_layers=2, blocks=(2, 3))


def test_adapters_need_a_tower_with_hooks():
    with pytest.raises(ValueError, match='no per-block hooks'):
        _model(video_encoder=dict(type='VitaVideoEncoder', num_frames=4))


# -- the consistency loss --------------------------------------------------------
def _desc_loss(**kw):
    return dict(dict(type='DescriptionConsistencyLoss', alpha=1.0,
                     descriptions=dict(format='templates')), **kw)


def _samples(labels):
    from mmaction.structures import ActionDataSample
    return [ActionDataSample().set_gt_label(torch.tensor(i)) for i in labels]


def test_consistency_loss_value_and_gradient_reach_the_text_side():
    from ga2clip.datasets.descriptions import template_descriptions
    model = _model(vocab_loss=_desc_loss(alpha=2.0)).train()
    text = model.text_features()
    from ga2clip.models import VocabBatch
    loss = model.vocab_loss(VocabBatch('default', NAMES, text,
                                       model._frozen_text))
    # the formula, from the frozen encoder's features of the sentences
    found = template_descriptions(NAMES)
    want = 0
    for kind in ('spatial', 'temporal'):
        d = torch.stack([model._frozen_text(found[n.replace('_', ' ')
                                                  .lower()][kind]).mean(0)
                         for n in NAMES])
        want = want + (1 - F.cosine_similarity(text, d)).mean()
    assert torch.allclose(loss, 2.0 * want, atol=1e-5)
    loss.backward()
    ad = model.adapters
    for p in (ad.text['0'].down.weight, ad.text['1'].up.weight,
              ad.shared['0'].weight):
        assert p.grad is not None and p.grad.abs().sum() > 0
    assert ad.vision['0'].down.weight.grad is None


def test_vocab_loss_slot_once_per_step_targets_once_per_vocabulary():
    model = _model(vocab_loss=_desc_loss()).train()
    calls = []
    encode = model.text_head.encode_plain
    model.text_head.encode_plain = lambda texts: (calls.append(len(texts)),
                                                  encode(texts))[1]
    for _ in range(2):
        losses = model.loss(_videos(n=3), _samples([0, 2, 1]))
        assert set(losses) == {'loss_cls', 'loss_desc'}
        assert losses['loss_desc'].requires_grad
    assert calls == [4 * len(NAMES)]  # 2 spatial + 2 temporal per class
    off = _model(vocab_loss=_desc_loss(alpha=0.0, descriptions=None)).train()
    assert off.loss(_videos(n=2), _samples([0, 1]))['loss_desc'] == 0


def test_vocab_loss_must_be_a_vocab_loss():
    with pytest.raises(TypeError, match='BaseVocabLoss'):
        _model(vocab_loss=dict(type='ScaledCosineCELoss'))
    with pytest.raises(ValueError, match='needs descriptions'):
        _model(vocab_loss=dict(type='DescriptionConsistencyLoss'))


# -- descriptions I/O -----------------------------------------------------------------
def _write(path, obj):
    path.write_text(json.dumps(obj))
    return str(path)


def _released(tmp_path, spatial, temporal, dataset='hmdb', suffix='_base'):
    return dict(
        format='released', class_file=NAMES, dataset='hmdb51',
        spatial=_write(tmp_path / f'2_s_description_{dataset}{suffix}.json',
                       spatial),
        temporal=_write(tmp_path / f'2_t_description_{dataset}{suffix}.json',
                        temporal))


GOOD = {str(i): [f'spatial {i} a.', f'spatial {i} b.'] for i in range(3)}
GOOD_T = {str(i): [f'temporal {i} a.', f'temporal {i} b.'] for i in range(3)}


def test_released_format_keyed_by_class_list(tmp_path):
    from ga2clip.datasets.descriptions import DescriptionSource
    src = DescriptionSource(**_released(tmp_path, GOOD, GOOD_T))
    found = src.lookup(['playing guitar', 'riding a bike'])
    assert found['playing guitar'] == dict(
        spatial=['spatial 1 a.', 'spatial 1 b.'],
        temporal=['temporal 1 a.', 'temporal 1 b.'])
    assert found['riding a bike']['temporal'][1] == 'temporal 0 b.'


def test_own_and_template_formats(tmp_path):
    from ga2clip.datasets.descriptions import DescriptionSource
    path = _write(tmp_path / 'own.json', {
        'Riding a bike': dict(spatial=['a bike.'], temporal=['pedalling.'])})
    own = DescriptionSource(format='own', file=path)
    assert own.lookup(['riding_a_bike'])['riding_a_bike']['spatial'] == [
        'a bike.']
    tmpl = DescriptionSource(format='templates', spatial=['{} in a frame'],
                             temporal=['{} over time'])
    assert tmpl.lookup(['x y'])['x y'] == dict(spatial=['x y in a frame'],
                                               temporal=['x y over time'])


def _bad_released(tmp_path, case):
    spatial = json.loads(json.dumps(GOOD))
    temporal = json.loads(json.dumps(GOOD_T))
    dataset = 'hmdb'
    if case == 'no description':
        del temporal['2']
    elif case == 'index beyond':
        spatial['3'] = ['one more.']
    elif case == 'empty sentence':
        spatial['1'][1] = '  '
    elif case == 'another dataset':
        dataset = 'ucf_101'
    elif case == 'empty list':
        temporal['0'] = []
    return _released(tmp_path, spatial, temporal, dataset)


@pytest.mark.parametrize('case,match', [
    ('no description', r'2_t_description_hmdb_base\.json: class .x. has no '
     'temporal description'),
    ('index beyond', r'2_s_description_hmdb_base\.json: class index 3 is '
     'beyond the class list'),
    ('empty sentence', r'2_s_description_hmdb_base\.json: class '
     ".playing_guitar. has an empty spatial sentence"),
    ('another dataset', r"2_s_description_ucf_101_base\.json is for dataset "
     "'ucf_101', not 'hmdb51'"),
    ('empty list', r"2_t_description_hmdb_base\.json: class .riding a bike. "
     'has no temporal description'),
])
def test_bad_released_descriptions(tmp_path, case, match):
    from ga2clip.datasets.descriptions import DescriptionSource
    src = DescriptionSource(**_bad_released(tmp_path, case))  # lazy: no read
    with pytest.raises(ValueError, match=match) as info:
        src.lookup(NAMES)
    assert '\n' not in str(info.value)


def test_bad_description_sources(tmp_path):
    from ga2clip.datasets.descriptions import DescriptionSource
    cfg = _released(tmp_path, GOOD, GOOD_T)
    swapped = dict(cfg, spatial=cfg['temporal'], temporal=cfg['spatial'])
    with pytest.raises(ValueError, match='is a temporal description file '
                       '.* given as spatial'):
        DescriptionSource(**swapped).load()
    with pytest.raises(FileNotFoundError, match=r'nope\.json does not exist'
                       '.*docs/msta.md'):
        DescriptionSource(format='own', file=str(tmp_path / 'nope.json')
                          ).load()
    own = _write(tmp_path / 'own.json', {'x': {'spatial': ['s.']}})
    with pytest.raises(ValueError, match=r"own\.json: class 'x' has no "
                       'temporal description'):
        DescriptionSource(format='own', file=own).load()
    own = _write(tmp_path / 'own2.json',
                 {'x': {'spatial': ['s.'], 'temporal': ['t.']}})
    with pytest.raises(ValueError, match=r"own2\.json: class 'y' has no "
                       'description'):
        DescriptionSource(format='own', file=own).lookup(['x', 'y'])
    (tmp_path / 'broken.json').write_text('{"x": [')
    with pytest.raises(ValueError, match=r'broken\.json is not valid JSON'):
        DescriptionSource(format='own', file=str(tmp_path / 'broken.json')
                          ).load()
    with pytest.raises(ValueError, match="format='released' needs"):
        DescriptionSource(format='released', spatial='a.json')
    with pytest.raises(ValueError, match='format must be one of'):
        DescriptionSource(format='llm')


# -- the synthetic world's descriptions ---------------------------------------------
def test_synthetic_descriptions_from_the_grammar(tmp_path):
    from ga2clip.datasets.descriptions import DescriptionSource
    from ga2clip.synthetic import world as W
    from ga2clip.synthetic.descriptions import (world_descriptions,
                                                write_descriptions)
    found = world_descriptions()
    sets = W.class_sets()
    assert set(found) == set(sets['base'] + sets['novel'] + sets['aux'])
    for name, d in found.items():
        texture, colour, shape = W.parse_class_name(name)
        assert len(d['spatial']) == 4 and len(d['temporal']) == 4
        assert all(colour in s and shape in s
                   for s in d['spatial'] + d['temporal'])
    assert found['solid red circle'] != found['solid red square']

    path = write_descriptions(str(tmp_path))
    src = DescriptionSource(format='own', file=path)
    assert src.lookup(sets['novel'][:2])[sets['novel'][0]] == \
        found[sets['novel'][0]]
    # a differing (user) file is never overwritten
    (tmp_path / 'descriptions.json').write_text('{"mine": 1}')
    logs = []
    write_descriptions(str(tmp_path), log=logs.append)
    assert (tmp_path / 'descriptions.json').read_text() == '{"mine": 1}'
    assert 'kept' in logs[0]


# -- end to end ----------------------------------------------------------------------
MSTA_SMOKE = '''
model = dict(
    video_encoder=dict(_delete_=True, type='CLIPVideoEncoder'),
    text_head=dict(_delete_=True, type='TemplateTextHead',
                   templates=['a video of {{}}.']),
    anchor_loss=None,
    adapters=dict(type='MSTAAdapters', dim=8, blocks=(1, 2), scale=0.1),
    vocab_loss=dict(type='DescriptionConsistencyLoss', alpha=1.0,
                    descriptions=dict(format='own', file={desc!r})))
'''


def test_tiny_train_then_test(tiny_video_dataset, tmp_path):
    """tools/train.py (1 epoch, consistency loss from an own-format file)
    then tools/test.py without the description file (testing needs none)."""
    import os
    import re
    import subprocess
    import sys

    from conftest import write_smoke_config
    desc = tmp_path / 'desc.json'
    _write(desc, {n: dict(spatial=[f'a {n} frame.'],
                          temporal=[f'someone doing {n} over time.'])
                  for n in tiny_video_dataset['names']})
    cfg = write_smoke_config(tmp_path / 'msta_smoke.py', tiny_video_dataset,
                             extra=MSTA_SMOKE.format(desc=str(desc)))
    env = dict(os.environ, OMP_NUM_THREADS='1')
    work = tmp_path / 'work'

    def run(args):
        proc = subprocess.run([sys.executable] + args, cwd=REPO_ROOT,
                              capture_output=True, text=True, timeout=300,
                              env=env)
        assert proc.returncode == 0, (proc.stdout[-2000:], proc.stderr[-4000:])
        return proc.stdout + proc.stderr

    out = run(['tools/train.py', str(cfg), '--work-dir', str(work), '--seed',
               '0', '--cfg-options', 'train_cfg.max_epochs=1'])
    assert 'Epoch(train) [1][3/3]' in out and 'loss_desc:' in out, out[-2000:]
    ckpt = torch.load(work / 'epoch_1.pth', map_location='cpu',
                      weights_only=False)['state_dict']
    assert ckpt['adapters.vision.1.up_temporal.weight'].shape == (64, 1, 3,
                                                                  1, 1)
    assert 'adapters.shared.0.weight' in ckpt
    desc.unlink()
    out = run(['tools/test.py', str(cfg), str(work / 'epoch_1.pth'),
               '--work-dir', str(work)])
    assert re.search(r'Epoch\(test\) \[3/3\]\s+top1', out), out[-2000:]
    # zero-shot style: the same checkpoint on a vocabulary it never saw
    unseen = tmp_path / 'unseen.csv'
    unseen.write_text('id,name\n0,purple star\n1,orange heart\n2,grey cat\n')
    out = run(['tools/test.py', str(cfg), str(work / 'epoch_1.pth'),
               '--work-dir', str(work), '--cfg-options',
               f'test_dataloader.dataset.class_file={unseen}'])
    assert re.search(r'Epoch\(test\) \[3/3\]\s+top1', out), out[-2000:]
