"""GA2CLIP recognizer, heads, anchor losses, weights, converter (tiny CLIP).

The ViT-B/16 test only constructs the model (random weights) to count the
trainable parameters of the official settings.
"""
import copy
import os.path as osp

import pytest
import torch

from conftest import REPO_ROOT

torch.set_num_threads(1)

MODEL_CFGS = REPO_ROOT / 'configs' / '_base_' / 'models'
VOCAB = ['riding a bike', 'playing guitar', 'brushing teeth']


def _build(cfg):
    import ga2clip  # noqa: F401
    from mmaction.registry import MODELS
    return MODELS.build(copy.deepcopy(cfg))


def _tiny_cfg(name='ga2clip_tiny', **overrides):
    from mmengine.config import Config
    cfg = Config.fromfile(str(MODEL_CFGS / f'{name}.py')).model.to_dict()
    cfg.update(overrides)
    return cfg


def _samples(labels, anchors=(), vocab=None):
    from mmaction.structures import ActionDataSample
    out = []
    for i, label in enumerate(labels):
        s = ActionDataSample().set_gt_label(label)
        meta = {'is_anchor': i in anchors}
        if vocab is not None:
            meta['vocab'] = vocab[i]
        s.set_metainfo(meta)
        out.append(s)
    return out


def _inputs(b, v=1, t=2, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(b, v, 3, t, 32, 32, generator=g)


@pytest.fixture(scope='module')
def ga2():
    torch.manual_seed(0)
    cfg = _tiny_cfg()
    cfg['text_head']['dropout'] = 0.0  # deterministic gradients
    cfg['vocabularies'] = dict(default=VOCAB)
    return _build(cfg)


# -- configs and parameter counts -------------------------------------------
@pytest.mark.parametrize('name,trainable', [
    ('ga2clip_tiny', 4 * 64 + 1 * 4 * 64 + 4 * 64 + 4 * 64 + 128 * 64 + 64),
    ('ivlp_tiny', 4 * 64 * 4), ('clip_zeroshot_tiny', 0)])
def test_tiny_configs_build_and_run(name, trainable):
    torch.manual_seed(0)
    model = _build(_tiny_cfg(name, vocabularies=dict(default=VOCAB)))
    n = sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert n == trainable
    model.train()
    inputs = _inputs(3)
    data = dict(inputs=list(inputs * 60 + 120), data_samples=_samples(
        [0, 1, 0], anchors=(2, )))
    data = model.data_preprocessor(data, training=True)
    assert data['inputs'].shape == (3, 1, 3, 2, 32, 32)
    losses = model(**data, mode='loss')
    assert torch.isfinite(losses['loss_cls'])
    assert set(losses) == ({'loss_cls', 'loss_anchor'} if name == 'ga2clip_tiny'
                           else {'loss_cls'})
    model.eval()
    preds = model(inputs, _samples([0, 1, 2]), mode='predict')
    assert preds[0].pred_score.shape == (3, )


def test_official_vitb16_trainable_parameters_709120():
    from mmengine.config import Config
    cfg = Config.fromfile(str(MODEL_CFGS / 'ga2clip_vit-b16.py')).model
    cfg.clip.pretrained = None
    model = _build(cfg.to_dict())
    named = {n: p.numel() for n, p in model.named_parameters()
             if p.requires_grad}
    assert named == {
        'video_encoder.prompts': 12288,
        'video_encoder.deep_prompts': 98304,
        'text_head.ctx': 8192,
        'text_head.deep_prompts': 65536,
        'text_head.coupling.0.weight': 524288,
        'text_head.coupling.0.bias': 512}
    assert sum(named.values()) == 709120
    assert not model.logit_scale.requires_grad
    assert 'text_head.hard_prompt' in model.state_dict()  # persistent buffer
    # One CLIP, shared: no second text tower, no duplicate weights.
    keys = model.state_dict().keys()
    assert sum(k.endswith('token_embedding.weight') for k in keys) == 1
    assert sum(k.endswith('conv1.weight') for k in keys) == 1


# -- recognizer behaviour -----------------------------------------------------
def test_predict_averages_softmax_over_views(ga2):
    ga2.eval()
    inputs = _inputs(2, v=3)
    with torch.no_grad():
        logits = ga2(inputs, mode='tensor')  # (B, V, C)
        preds = ga2(inputs, _samples([0, 1]), mode='predict')
    assert logits.shape == (2, 3, 3)
    expected = logits.softmax(-1).mean(1)
    for i, p in enumerate(preds):
        torch.testing.assert_close(p.pred_score, expected[i])
        assert int(p.pred_label) == int(expected[i].argmax())
    # The views differ, so averaging is not trivially one view.
    assert (logits[:, 0] - logits[:, 1]).abs().max() > 1e-4


def test_vocabularies_per_sample_and_cache(ga2, tmp_path):
    csv_path = tmp_path / 'ssv2.csv'
    csv_path.write_text('id,name\n0,"Putting something, something"\n'
                        '1,Pushing something\n')
    ga2.set_vocabularies({'novel': ['swimming', 'diving'],
                          'ssv2': _load_csv(csv_path)})
    assert ga2.vocabularies['ssv2'][0] == 'Putting something, something'
    calls = []
    hook = ga2.text_head.register_forward_hook(
        lambda m, a, o: calls.append(len(a[0])))
    try:
        ga2.eval()
        samples = _samples([0, 1, 0], vocab=['default', 'novel', 'ssv2'])
        with torch.no_grad():
            preds = ga2(_inputs(3), samples, mode='predict')
            ga2(_inputs(3), _samples([0, 1, 0],
                                     vocab=['default', 'novel', 'ssv2']),
                mode='predict')
        assert [p.pred_score.shape[0] for p in preds] == [3, 2, 2]
        assert [p.metainfo['vocab'] for p in preds] == [
            'default', 'novel', 'ssv2']
        assert sorted(calls) == [2, 2, 3]  # cached: once per vocabulary
        ga2.set_vocabularies({'novel': ['swimming', 'diving', 'surfing']})
        assert 'novel' not in ga2._text_cache and not ga2._text_cache
        with torch.no_grad():
            preds = ga2(_inputs(1), _samples([0], vocab=['novel']),
                        mode='predict')
        assert preds[0].pred_score.shape == (3, )
        ga2.train()
        assert not ga2._text_cache  # invalidated when training resumes
    finally:
        hook.remove()
        ga2.eval()


def _load_csv(path):
    from ga2clip.models import load_vocabulary
    return load_vocabulary(str(path))


def test_vocabularies_option_reads_csv(tmp_path):
    path = tmp_path / 'classes.csv'
    path.write_text('id,name\n1,"b, with comma"\n0,a\n')
    torch.manual_seed(0)
    model = _build(_tiny_cfg('clip_zeroshot_tiny',
                             vocabularies=dict(default=str(path),
                                               other=['x', 'y'])))
    assert model.vocabularies == {'default': ['a', 'b, with comma'],
                                  'other': ['x', 'y']}


@pytest.mark.parametrize('names,match', [
    ([], 'empty'), (['a', 'b', 'a'], "duplicated names: \\['a'\\]"),
    (['a', ' '], 'blank'), ('abc', 'list of strings')])
def test_bad_class_names(ga2, names, match):
    with pytest.raises(ValueError, match=match):
        ga2.set_vocabularies({'bad': names})
    assert 'bad' not in ga2.vocabularies


def test_unknown_vocabulary_names_known_ones(ga2):
    ga2.eval()
    with pytest.raises(KeyError, match="unknown vocabulary 'nope'.*default"):
        ga2(_inputs(1), _samples([0], vocab=['nope']), mode='predict')


def test_bad_class_csv(tmp_path):
    from ga2clip.models import read_class_csv
    path = tmp_path / 'c.csv'
    path.write_text('id,name\n0,a\n2,b\n')
    with pytest.raises(ValueError, match='ids must be 0..1'):
        read_class_csv(str(path))
    with pytest.raises(FileNotFoundError, match='missing.csv'):
        read_class_csv(str(tmp_path / 'missing.csv'))


# -- anchors -----------------------------------------------------------------
def _anchor_losses(model, mode_cfg):
    model.anchor_loss = _build(mode_cfg)
    model.train()
    calls = []
    hook = model.video_encoder.register_forward_hook(
        lambda m, a, o: calls.append(o.requires_grad))
    try:
        torch.manual_seed(0)
        losses = model(_inputs(3, seed=4), _samples([0, 2, 0], anchors=(2, )),
                       mode='loss')
    finally:
        hook.remove()
    return losses, calls


def _prompt_params(model):
    return [model.video_encoder.prompts, model.video_encoder.deep_prompts,
            model.text_head.ctx, model.text_head.coupling[0].weight]


def test_official_anchor_mode_is_exactly_gradient_free(ga2):
    losses, calls = _anchor_losses(ga2, dict(type='OfficialAnchorLoss'))
    # main clips with a graph, the anchor clip without one
    assert calls == [True, False]
    anchor = losses['loss_anchor']
    assert not anchor.requires_grad and anchor.grad_fn is None
    assert abs(float(anchor)) < 1e-5  # a constant shift: CE unchanged
    params = _prompt_params(ga2)
    total = torch.autograd.grad(losses['loss_cls'] + anchor, params,
                                retain_graph=True)
    plain = torch.autograd.grad(losses['loss_cls'], params)
    for g_total, g_plain in zip(total, plain):
        assert torch.equal(g_total, g_plain)
        assert g_plain.abs().sum() > 0


def test_official_anchor_term_is_a_nonzero_constant_shift(ga2):
    """The released term is not zero; it only cannot matter."""
    from ga2clip.models import AnchorBatch
    loss = _build(dict(type='OfficialAnchorLoss', loss_weight=5.0))
    cos = torch.randn(4, 3)
    labels = torch.tensor([0, 1, 2, 0])
    video = torch.nn.functional.normalize(torch.randn(1, 64), dim=-1)
    neg = torch.nn.functional.normalize(torch.randn(1, 64), dim=-1)
    batch = AnchorBatch(
        video=video, frozen_video=None, class_text=None, main_cosine=cos,
        main_labels=labels, logit_scale=torch.tensor(100.0),
        loss_cls=ga2.loss_cls, frozen_text=lambda t: neg,
        frozen_names=None, prompted_names=None)
    term = float((video @ neg.T).mean()) * 5.0
    assert abs(term) > 1e-3
    assert abs(float(loss(batch))) < 1e-4


@pytest.mark.parametrize('mode_cfg,expected_calls', [
    (dict(type='ElseClassAnchorLoss'), [True, True]),
    (dict(type='KLAnchorLoss'), [True, True, False]),
    (dict(type='MarginAnchorLoss'), [True, True]),
    (dict(type='MarginAnchorLoss', reduction='hinge', margin=2.0),
     [True, True]),
], ids=['else', 'kl', 'margin', 'margin-hinge'])
def test_effective_anchor_modes_have_gradient(ga2, mode_cfg, expected_calls):
    losses, calls = _anchor_losses(ga2, mode_cfg)
    assert calls == expected_calls
    anchor = losses['loss_anchor']
    assert anchor.requires_grad and float(anchor) > 0
    grads = torch.autograd.grad(anchor, _prompt_params(ga2))
    assert grads[0].abs().sum() > 0  # vision prompts
    assert grads[2].abs().sum() > 0  # text context
    assert grads[3].abs().sum() > 0  # GA2 coupling


def test_bad_anchor_options():
    with pytest.raises(ValueError, match='bank'):
        _build(dict(type='KLAnchorLoss', bank=['only one']))
    with pytest.raises(ValueError, match='reduction'):
        _build(dict(type='MarginAnchorLoss', reduction='mean'))


# -- hard prompts --------------------------------------------------------------
def _ga2_head_cfg(hard_prompt):
    cfg = _tiny_cfg()
    cfg['text_head']['hard_prompt'] = hard_prompt
    return cfg


def test_hard_prompt_sources(tmp_path):
    hard = torch.randn(4, 64)
    ivlp = tmp_path / 'ivlp_epoch_1.pth'
    # this project's mmengine checkpoint (with non-tensor extras)
    torch.save({'meta': {'epoch': 1}, 'message_hub': {'x': object.__name__},
                'state_dict': {'text_head.ctx': hard,
                               'text_head.deep_prompts': torch.zeros(1, 4, 64)}},
               ivlp)
    official = tmp_path / 'official.pt'
    torch.save({'epoch': 3, 'model_state_dict': {
        'module.prompt_learner.ctx_VPT': hard * 2}}, official)
    tensor = tmp_path / 'hard.pt'
    torch.save(hard * 3, tensor)
    for source, path, factor in [('ivlp_checkpoint', ivlp, 1),
                                 ('official', official, 2),
                                 ('tensor', tensor, 3)]:
        model = _build(_ga2_head_cfg(dict(source=source, path=str(path))))
        torch.testing.assert_close(model.text_head.hard_prompt, hard * factor)
        assert 'text_head.hard_prompt' in model.state_dict()


@pytest.mark.parametrize('kind', ['missing', 'shape', 'key'])
def test_bad_hard_prompt_file(tmp_path, kind):
    path = tmp_path / 'stage1.pt'
    if kind == 'shape':
        torch.save({'model_state_dict': {
            'prompt_learner.ctx_VPT': torch.randn(16, 512)}}, path)
        err, match = ValueError, r'stage1.pt has shape \(16, 512\), ' \
            r'expected \(n_ctx, width\) = \(4, 64\)'
    elif kind == 'key':
        torch.save({'model_state_dict': {'other': torch.randn(4, 64)}}, path)
        err, match = ValueError, r"stage1.pt has no key.*ctx_VPT"
    else:
        err, match = FileNotFoundError, 'stage1.pt'
    with pytest.raises(err, match=match) as info:
        _build(_ga2_head_cfg(dict(source='official', path=str(path))))
    assert '\n' not in str(info.value)


def test_hard_prompt_travels_in_checkpoint():
    torch.manual_seed(0)
    src = _build(_tiny_cfg(vocabularies=dict(default=VOCAB)))
    dst = _build(_ga2_head_cfg(dict(source='ivlp_checkpoint', path=None)))
    dst.set_vocabularies({'default': VOCAB})
    dst.eval()
    with pytest.raises(RuntimeError, match='no hard prompt'):
        dst(_inputs(1), mode='tensor')
    dst.load_state_dict(src.state_dict())
    src.eval()
    with torch.no_grad():
        torch.testing.assert_close(dst(_inputs(2), mode='tensor'),
                                   src(_inputs(2), mode='tensor'))


# -- weights -------------------------------------------------------------------
@pytest.fixture(scope='module')
def tiny_clip_sd():
    from ga2clip.models import build_clip
    torch.manual_seed(0)
    return build_clip('ga2clip-tiny')[0].state_dict()


@pytest.mark.parametrize('kind', ['missing', 'unexpected', 'shape'])
def test_clip_weights_with_bad_keys(tmp_path, tiny_clip_sd, kind):
    from ga2clip.models import build_clip
    sd = dict(tiny_clip_sd)
    if kind == 'missing':
        del sd['visual.ln_post.weight']
        match = r'missing keys \[visual.ln_post.weight\]'
    elif kind == 'unexpected':
        sd['visual.extra_head.weight'] = torch.zeros(1)
        match = r'unexpected keys \[visual.extra_head.weight\]'
    else:
        sd['visual.proj'] = torch.zeros(3, 3)
        match = r'wrong shapes \[visual.proj \(3, 3\) vs \(64, 64\)\]'
    path = tmp_path / 'vifi.pth'
    torch.save({'state_dict': {'module.' + k: v for k, v in sd.items()}}, path)
    with pytest.raises(ValueError, match=match) as info:
        build_clip('ga2clip-tiny', pretrained=str(path))
    assert str(path) in str(info.value) and '\n' not in str(info.value)


def test_clip_weights_missing_file(tmp_path):
    from ga2clip.models import build_clip
    with pytest.raises(FileNotFoundError, match='nowhere.pt'):
        build_clip('ga2clip-tiny', pretrained=str(tmp_path / 'nowhere.pt'))


# -- official checkpoint converter ---------------------------------------------
def _synthetic_official(n=16, w=512, vw=768, depth=9, prefix='',
                        backbone=None):
    g = torch.Generator().manual_seed(0)
    sd = {
        'prompt_learner.ctx_VPT': torch.randn(n, w, generator=g),
        'prompt_learner.proj_b2n_VPT.0.weight': torch.randn(w, 2 * w,
                                                            generator=g),
        'prompt_learner.proj_b2n_VPT.0.bias': torch.randn(w, generator=g),
        'prompt_learner.token_prefix': torch.randn(5, 1, w, generator=g),
        'prompt_learner.token_suffix': torch.randn(5, 76 - n, w, generator=g),
        'image_encoder.VPT': torch.randn(n, vw, generator=g),
    }
    for i in range(1, depth):
        sd[f'image_encoder.transformer.resblocks.{i}.VPT_shallow'] = \
            torch.randn(n, vw, generator=g)
        sd[f'text_encoder.transformer.resblocks.{i}.VPT_shallow'] = \
            torch.randn(n, w, generator=g)
    sd.update(backbone or {})
    return {prefix + k: v for k, v in sd.items()}


def test_converter_vitb16_shapes_fit_official_model():
    from mmengine.config import Config
    from ga2clip.models import convert_official_state_dict
    official = _synthetic_official(prefix='module.')
    hard = torch.randn(16, 512)
    ours = convert_official_state_dict(official, hard_prompt=hard)
    assert ours['video_encoder.deep_prompts'].shape == (8, 16, 768)
    assert ours['text_head.deep_prompts'].shape == (8, 16, 512)
    cfg = Config.fromfile(str(MODEL_CFGS / 'ga2clip_vit-b16.py')).model
    cfg.clip.pretrained = None
    model = _build(cfg.to_dict())
    result = model.load_state_dict(ours, strict=False)
    assert not result.unexpected_keys
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert trainable <= set(ours)  # every trained tensor is converted
    torch.testing.assert_close(model.text_head.hard_prompt, hard)
    assert bool(model.text_head.hard_prompt_loaded)
    torch.testing.assert_close(
        model.video_encoder.deep_prompts[3],
        official['module.image_encoder.transformer.resblocks.4.VPT_shallow'])


def test_converter_round_trip_and_cli(tmp_path):
    from ga2clip.models import (convert_official_state_dict,
                                export_official_state_dict)
    from ga2clip.models.convert import main
    torch.manual_seed(0)
    src = _build(_tiny_cfg(vocabularies=dict(default=VOCAB))).eval()
    with torch.no_grad():  # make every prompt tensor distinctive
        for p in src.parameters():
            if p.requires_grad:
                p.normal_()
    ours = src.state_dict()
    official = export_official_state_dict(ours)
    assert 'prompt_learner.ctx_VPT' in official
    assert 'image_encoder.transformer.resblocks.1.VPT_shallow' in official
    assert 'text_encoder.transformer.resblocks.1.VPT_shallow' in official
    assert 'image_encoder.conv1.weight' in official
    back = convert_official_state_dict(
        official, hard_prompt=ours['text_head.hard_prompt'])
    expected = {k for k in ours if 'token_embedding' not in k}
    assert set(back) == expected
    for k in expected:
        assert torch.equal(back[k], ours[k]), k

    # CLI: official file (+ stage-1 file for the hard prompt) -> load_from
    official_path = tmp_path / 'official.pt'
    torch.save({'epoch': 11, 'model_state_dict': {
        'module.' + k: v for k, v in official.items()}}, official_path)
    stage1 = tmp_path / 'stage1.pt'
    torch.save({'model_state_dict': {
        'prompt_learner.ctx_VPT': ours['text_head.hard_prompt']}}, stage1)
    out = tmp_path / 'converted.pth'
    assert main([str(official_path), str(out), '--hard-prompt',
                 str(stage1)]) == 0
    ckpt = torch.load(out, weights_only=True)
    torch.manual_seed(1)
    dst = _build(_ga2_head_cfg(dict(source='official', path=None)))
    dst.set_vocabularies({'default': VOCAB})
    result = dst.load_state_dict(ckpt['state_dict'], strict=False)
    assert result.missing_keys == ['text_head.text.token_embedding.weight']
    dst.text_head.text.token_embedding.load_state_dict(
        src.text_head.text.token_embedding.state_dict())
    dst.eval()
    with torch.no_grad():
        torch.testing.assert_close(dst(_inputs(2), mode='tensor'),
                                   src(_inputs(2), mode='tensor'))


def test_converter_errors(tmp_path, capsys):
    from ga2clip.models import convert_official_state_dict
    from ga2clip.models.convert import main
    bad = _synthetic_official(n=2, w=8, vw=8, depth=3)
    bad['fusion.weird'] = torch.zeros(1)
    with pytest.raises(ValueError, match=r"unknown keys.*fusion.weird"):
        convert_official_state_dict(bad)
    gap = _synthetic_official(n=2, w=8, vw=8, depth=4)
    del gap['image_encoder.transformer.resblocks.2.VPT_shallow']
    with pytest.raises(ValueError, match=r'vision deep prompts.*\[1, 3\]'):
        convert_official_state_dict(gap)
    assert main([str(tmp_path / 'absent.pt'), str(tmp_path / 'o.pth')]) == 1
    err = capsys.readouterr().err
    assert 'absent.pt' in err and err.count('\n') == 1


def test_video_encoder_train_modes():
    from ga2clip.models import build_clip, CLIPVideoEncoder
    model, _ = build_clip('ga2clip-tiny')
    full = CLIPVideoEncoder(visual=model.visual, train_mode='full')
    assert all(p.requires_grad for p in full.parameters())
    part = CLIPVideoEncoder(visual=model.visual, train_mode='partial',
                            trainable_blocks=1)
    names = {n for n, p in part.named_parameters() if p.requires_grad}
    assert 'visual.proj' in names and 'visual.ln_post.weight' in names
    assert any(n.startswith('visual.transformer.resblocks.1.') for n in names)
    assert not any(n.startswith('visual.transformer.resblocks.0.')
                   for n in names)
    with pytest.raises(ValueError, match='train_mode'):
        CLIPVideoEncoder(visual=model.visual, train_mode='some')
    with pytest.raises(ValueError, match='prompt_depth'):
        CLIPVideoEncoder(visual=model.visual, prompt_tokens=2,
                         prompt_depth=5)
