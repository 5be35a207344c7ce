"""Fast paths are exact (or, for AMP, close) versions of the slow paths.

Tiny CLIP (`ga2clip-tiny`), CPU, a few seconds in total:
- eval text cache per vocabulary == re-encoding every call;
- EOT truncation == 77 tokens (features and gradients);
- anchor clips without a graph in the official mode, with one in the
  effective modes; the official loss value is unchanged;
- negative prompts / attribute banks use the one frozen text tower (no second
  CLIP), equal to open_clip ``encode_text``;
- bf16 autocast (``amp_dtype``) runs on CPU and stays close to fp32;
- gradient checkpointing (video and text) == plain backward;
- video feature cache == no cache, and its guard against random transforms;
- ``benchmarks/bench.py --quick`` runs and writes its JSON.
"""
import copy
import json
import subprocess
import sys
import types

import pytest
import torch
import torch.nn.functional as F

from conftest import REPO_ROOT

torch.set_num_threads(1)

MODEL_CFGS = REPO_ROOT / 'configs' / '_base_' / 'models'
VOCAB = ['riding a bike', 'playing guitar', 'brushing teeth',
         'Pretending to put something underneath something',
         'juggling soccer ball']
TEST_PIPELINE = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=2, num_clips=1, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs',
         meta_keys=('img_shape', 'vocab', 'filename', 'frame_inds')),
]


def _cfg(name='ga2clip_tiny', **overrides):
    from mmengine.config import Config
    cfg = Config.fromfile(str(MODEL_CFGS / f'{name}.py')).model.to_dict()
    if name == 'ga2clip_tiny':
        cfg['text_head']['dropout'] = 0.0  # deterministic
    cfg.update(overrides)
    cfg['vocabularies'] = dict(default=VOCAB, other=VOCAB[:2])
    return cfg


def _build(cfg, seed=0):
    import ga2clip  # noqa: F401
    from mmaction.registry import MODELS
    torch.manual_seed(seed)
    return MODELS.build(copy.deepcopy(cfg))


def _text_only_cfg():
    """Prompted text side, nothing trainable on the vision side."""
    cfg = _cfg('ivlp_tiny')
    cfg['video_encoder'] = dict(type='CLIPVideoEncoder', train_mode='frozen')
    return cfg


def _samples(labels, anchors=(), vocab='default', files=None, frames=None):
    from mmaction.structures import ActionDataSample
    out = []
    for i, label in enumerate(labels):
        s = ActionDataSample().set_gt_label(label)
        meta = dict(is_anchor=i in anchors, vocab=vocab)
        if files is not None:
            meta['filename'] = files[i]
            meta['frame_inds'] = frames[i] if frames else [0, 3]
        s.set_metainfo(meta)
        out.append(s)
    return out


def _inputs(b, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(b, 1, 3, 2, 32, 32, generator=g)


def _grads(model):
    return {n: p.grad.clone() for n, p in model.named_parameters()
            if p.grad is not None}


def _loss_and_grads(model, inputs, data):
    model.zero_grad(set_to_none=True)
    losses = model(inputs, data, mode='loss')
    sum(losses.values()).backward()
    return {k: v.detach() for k, v in losses.items()}, _grads(model)


def _count_calls(module, attr='forward'):
    calls = []
    original = getattr(module, attr)

    def wrapped(*args, **kwargs):
        calls.append(torch.is_grad_enabled())
        return original(*args, **kwargs)
    setattr(module, attr, wrapped)
    return calls


# -- eval text cache ---------------------------------------------------------
def test_eval_text_cache_per_vocabulary_equals_uncached():
    model = _build(_cfg()).eval()
    calls = _count_calls(model.text_head)
    x = _inputs(2)
    with torch.no_grad():
        first = model(x, _samples([0, 1]), mode='predict')
        second = model(x, _samples([0, 1]), mode='predict')
        other = model(x, _samples([0, 1], vocab='other'), mode='predict')
    assert len(calls) == 2  # once per vocabulary, not per call
    assert set(model._text_cache) == {'default', 'other'}
    for s in first + second + other:
        assert torch.isfinite(s.pred_score).all()
    # slow path: clear the cache before every call
    for cached, vocab in ((second, 'default'), (other, 'other')):
        model._text_cache.clear()
        with torch.no_grad():
            fresh = model(x, _samples([0, 1], vocab=vocab), mode='predict')
        for a, b in zip(cached, fresh):
            torch.testing.assert_close(a.pred_score, b.pred_score)
    model.set_vocabularies(dict(other=VOCAB[2:4]))
    assert not model._text_cache  # a new class list invalidates it


# -- EOT truncation ----------------------------------------------------------
@pytest.mark.parametrize('name', ['ga2clip_tiny', 'ivlp_tiny',
                                  'clip_zeroshot_tiny'])
def test_eot_truncation_equals_77_tokens(name):
    model = _build(_cfg(name)).train()
    head = model.text_head
    assert head.text.fast  # on by default
    out = {}
    for fast in (True, False):
        head.text.fast = fast
        head.zero_grad(set_to_none=True)
        feats = head(VOCAB)
        if feats.requires_grad:
            feats.pow(2).sum().backward()
        out[fast] = (feats.detach(), _grads(head))
        plain = head.encode_plain(['a video of a person else.'])
        out[(fast, 'plain')] = plain
    torch.testing.assert_close(out[True][0], out[False][0], rtol=1e-5,
                               atol=1e-5)
    assert out[True][1].keys() == out[False][1].keys()
    for k in out[True][1]:
        # float32 summation order differs between 77 and truncated tokens:
        # tolerance relative to the gradient's scale, not to each element
        ref = out[False][1][k]
        scale = float(ref.abs().max()) or 1.0
        torch.testing.assert_close(out[True][1][k], ref, rtol=1e-4,
                                   atol=1e-4 * scale)
    torch.testing.assert_close(out[(True, 'plain')], out[(False, 'plain')],
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize('name', ['ga2clip_tiny', 'clip_zeroshot_tiny'])
def test_length_buckets_equal_one_batch(name):
    cfg = _cfg(name)
    cfg['text_head']['bucket_size'] = 2  # 5 names -> chunks of 2, 2, 1
    model = _build(cfg).train()
    head = model.text_head
    assert head.text.bucket_size == 2
    out = {}
    for bucket in (2, 0):
        head.text.bucket_size = bucket
        head.zero_grad(set_to_none=True)
        feats = head(VOCAB)
        if feats.requires_grad:
            (feats * torch.arange(feats.shape[0])[:, None]).sum().backward()
        out[bucket] = (feats.detach(), _grads(head))
    torch.testing.assert_close(out[2][0], out[0][0], rtol=1e-5, atol=1e-5)
    for k in out[0][1]:
        # float32 sums over chunks in another order
        torch.testing.assert_close(out[2][1][k], out[0][1][k], rtol=1e-3,
                                   atol=1e-4)


def test_eot_truncation_switch_in_config():
    cfg = _cfg()
    cfg['text_head']['fast'] = False
    assert not _build(cfg).text_head.text.fast


# -- anchors without a graph ---------------------------------------------------
@pytest.mark.parametrize('mode,grad_calls', [
    ('OfficialAnchorLoss', [False]), ('ElseClassAnchorLoss', [True]),
    ('MarginAnchorLoss', [True]), ('KLAnchorLoss', [True, False])])
def test_anchor_forward_builds_a_graph_only_when_needed(mode, grad_calls):
    model = _build(_cfg(anchor_loss=dict(type=mode))).train()
    calls = _count_calls(model.video_encoder)
    _loss_and_grads(model, _inputs(3), _samples([0, 1, 0], anchors=(2, )))
    assert calls[0] is True  # the training clips
    assert calls[1:] == grad_calls  # the anchor clip (prompted, frozen)


def test_official_anchor_without_graph_equals_with_graph():
    model = _build(_cfg()).train()
    x, data = _inputs(3), _samples([0, 1, 0], anchors=(2, ))
    fast = _loss_and_grads(model, x, data)
    type(model.anchor_loss).needs_video_grad = True  # the slow path
    try:
        slow = _loss_and_grads(model, x, data)
    finally:
        type(model.anchor_loss).needs_video_grad = False
    for k in fast[0]:
        torch.testing.assert_close(fast[0][k], slow[0][k])
    for k in fast[1]:
        torch.testing.assert_close(fast[1][k], slow[1][k])
    # and the gradient is exactly the one without any anchor clip
    plain = _loss_and_grads(model, x[:2], data[:2])
    for k in fast[1]:
        torch.testing.assert_close(fast[1][k], plain[1][k])


def test_official_anchor_encode_switch_skips_anchor_forward():
    model = _build(_cfg()).train()
    x, data = _inputs(3), _samples([0, 1, 0], anchors=(2, ))
    calls = _count_calls(model.video_encoder)
    full = _loss_and_grads(model, x, data)
    assert len(calls) == 2 and abs(float(full[0]['loss_anchor'])) < 1e-5
    skip = _build(_cfg(anchor_loss=dict(type='OfficialAnchorLoss',
                                        encode_anchors=False))).train()
    skip.load_state_dict(model.state_dict())
    calls = _count_calls(skip.video_encoder)
    fast = _loss_and_grads(skip, x, data)
    assert len(calls) == 1  # training clips only
    assert float(fast[0]['loss_anchor']) == 0.0
    torch.testing.assert_close(fast[0]['loss_cls'], full[0]['loss_cls'])
    for k in full[1]:
        torch.testing.assert_close(fast[1][k], full[1][k])


# -- negative prompts: one frozen text tower ---------------------------------
def test_negative_prompts_use_the_one_frozen_text_tower():
    import open_clip
    from ga2clip.models.losses import DEFAULT_ATTRIBUTE_BANK, NEGATIVE_PROMPT
    model = _build(_cfg(anchor_loss=dict(type='KLAnchorLoss'))).train()
    # a single CLIP: one token embedding, one text transformer
    embeddings = [m for m in model.modules()
                  if isinstance(m, torch.nn.Embedding)]
    assert len(embeddings) == 1
    assert model.text_head.text.token_embedding is embeddings[0]
    ref, _, _ = open_clip.create_model_and_transforms('ga2clip-tiny',
                                                      pretrained=None)
    text = model.text_head.text
    ref_sd = {k: v for k, v in text.state_dict().items()}
    missing = ref.load_state_dict(ref_sd, strict=False)
    assert not missing.unexpected_keys
    tok = open_clip.get_tokenizer('ga2clip-tiny')
    sentences = [NEGATIVE_PROMPT] + [f'a video of a person {w}.'
                                     for w in DEFAULT_ATTRIBUTE_BANK[:3]]
    with torch.no_grad():
        expected = ref.eval().encode_text(tok(sentences))
    got = model.text_head.encode_plain(sentences)
    assert not got.requires_grad  # no graph, even in train mode
    torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-5)
    # the recognizer memoises the frozen features
    assert model._frozen_text([NEGATIVE_PROMPT]) is model._frozen_text(
        [NEGATIVE_PROMPT])


# -- AMP -----------------------------------------------------------------------
def test_bf16_autocast_runs_on_cpu_and_is_close():
    fp32 = _build(_cfg())
    bf16 = _build(_cfg(amp_dtype='bfloat16'))
    bf16.load_state_dict(fp32.state_dict())
    trainable = {n for n, p in bf16.named_parameters() if p.requires_grad}
    x = _inputs(2)
    for model in (fp32, bf16):
        model.eval()
    with torch.no_grad():
        v32, v16 = fp32.encode_video(x), bf16.encode_video(x)
        t32, t16 = fp32.text_features(), bf16.text_features()
        p32 = fp32(x, _samples([0, 1]), mode='predict')
        p16 = bf16(x, _samples([0, 1]), mode='predict')
    assert v16.dtype == torch.float32 and t16.dtype == torch.float32
    assert F.cosine_similarity(v32, v16, dim=-1).min() > 0.99
    assert F.cosine_similarity(t32, t16, dim=-1).min() > 0.99
    # frozen weights are flagged only inside the no-grad autocast region
    assert trainable == {n for n, p in bf16.named_parameters()
                         if p.requires_grad}
    for a, b in zip(p32, p16):
        assert b.pred_score.dtype == torch.float32
        torch.testing.assert_close(a.pred_score, b.pred_score, atol=0.05,
                                   rtol=0)
    for model in (fp32, bf16):
        model.train()
    data = _samples([0, 1, 0], anchors=(2, ))
    l32, g32 = _loss_and_grads(fp32, _inputs(3), data)
    l16, g16 = _loss_and_grads(bf16, _inputs(3), data)
    torch.testing.assert_close(l16['loss_cls'], l32['loss_cls'], atol=0.05,
                               rtol=0.02)
    for k in g32:
        assert torch.isfinite(g16[k]).all()
        assert F.cosine_similarity(g32[k].flatten(), g16[k].flatten(),
                                   dim=0) > 0.9


def test_bad_amp_dtype():
    with pytest.raises(ValueError, match='amp_dtype'):
        _build(_cfg(amp_dtype='int8'))


# -- gradient checkpointing --------------------------------------------------
def test_grad_checkpointing_switches_equal_plain_backward():
    plain_cfg = _cfg()
    ckpt_cfg = _cfg()
    ckpt_cfg['video_encoder']['grad_checkpointing'] = True
    ckpt_cfg['text_head']['grad_checkpointing'] = True
    plain, ckpt = _build(plain_cfg).train(), _build(ckpt_cfg).train()
    ckpt.load_state_dict(plain.state_dict())
    assert ckpt.video_encoder.grad_checkpointing
    assert ckpt.text_head.text.grad_checkpointing
    x, data = _inputs(3), _samples([0, 1, 0], anchors=(2, ))
    a, b = _loss_and_grads(plain, x, data), _loss_and_grads(ckpt, x, data)
    for k in a[0]:
        torch.testing.assert_close(a[0][k], b[0][k])
    assert a[1].keys() == b[1].keys() and a[1]
    for k in a[1]:
        torch.testing.assert_close(a[1][k], b[1][k], rtol=1e-5, atol=1e-6)


# -- video feature cache ------------------------------------------------------
def _cached_model():
    cfg = _text_only_cfg()
    cfg['video_cache'] = dict(max_items=100)
    return _build(cfg)


def test_video_cache_refuses_vision_training():
    with pytest.raises(ValueError, match='trains nothing on the vision'):
        _build(_cfg(video_cache=dict()))  # vision prompts train
    cfg = _text_only_cfg()
    cfg['video_encoder']['train_mode'] = 'full'
    cfg['video_cache'] = dict()
    with pytest.raises(ValueError, match='vision side'):
        _build(cfg)


def test_video_cache_equals_uncached_and_skips_the_encoder():
    cached, plain = _cached_model(), _build(_text_only_cfg())
    plain.load_state_dict(cached.state_dict())
    x = _inputs(3)
    files = ['a.mp4', 'b.mp4', 'c.mp4']
    data = _samples([0, 1, 2], files=files)
    with pytest.raises(RuntimeError, match='not bound'):
        cached.eval()(x, data, mode='predict')
    assert cached.bind_video_cache(TEST_PIPELINE)
    calls = _count_calls(cached.video_encoder)
    with torch.no_grad():
        for model in (cached, plain):
            model.eval()
        a = cached(x, data, mode='predict')
        b = plain(x, _samples([0, 1, 2]), mode='predict')
        again = cached(x, _samples([0, 1, 2], files=files), mode='predict')
    assert len(calls) == 1 and len(cached.video_cache) == 3
    for s, t, u in zip(a, b, again):
        torch.testing.assert_close(s.pred_score, t.pred_score)
        torch.testing.assert_close(u.pred_score, t.pred_score)
    # other frame indices of the same file are another key
    with torch.no_grad():
        cached(x[:1], _samples([0], files=files[:1], frames=[[1, 2]]),
               mode='predict')
    assert len(calls) == 2 and len(cached.video_cache) == 4
    # training: same loss and text gradients, no vision forward on a hit
    for model in (cached, plain):
        model.train()
    la, ga = _loss_and_grads(cached, x, _samples([0, 1, 2], files=files))
    lb, gb = _loss_and_grads(plain, x, _samples([0, 1, 2]))
    assert len(calls) == 2  # same pipeline, files and frames: all hits
    torch.testing.assert_close(la['loss_cls'], lb['loss_cls'])
    assert ga.keys() == gb.keys() and ga
    for k in ga:
        torch.testing.assert_close(ga[k], gb[k])


def test_video_cache_needs_keys_in_metainfo():
    model = _cached_model().eval()
    model.bind_video_cache(TEST_PIPELINE)
    with pytest.raises(ValueError, match='frame_inds'):
        with torch.no_grad():
            model(_inputs(1), _samples([0]), mode='predict')


def test_video_cache_guard_rejects_random_transforms(caplog):
    from mmengine.config import Config
    from ga2clip.models import check_pipeline
    pipes = Config.fromfile(str(REPO_ROOT / 'configs' / '_base_' /
                                'datasets' / 'video_pipelines.py'))
    problems = check_pipeline(pipes.train_pipeline)
    text = ' '.join(problems)
    for name in ('RandomResizedCrop', 'Flip', 'VideoRandomGrayscale',
                 'filename'):
        assert name in text
    # the shipped test pipeline is deterministic; it only lacks the keys
    assert check_pipeline(pipes.test_pipeline) == [
        "PackActionInputs(meta_keys=...) must keep 'filename' (or "
        "'video_id') and 'frame_inds'"]
    assert check_pipeline(TEST_PIPELINE) == []
    noflip = TEST_PIPELINE[:-1] + [dict(type='Flip', flip_ratio=0.0),
                                   TEST_PIPELINE[-1]]
    assert check_pipeline(noflip) == []
    custom = TEST_PIPELINE[:-1] + [dict(type='MyCrop'), TEST_PIPELINE[-1]]
    assert 'MyCrop' in ' '.join(check_pipeline(custom))
    assert check_pipeline(custom, deterministic=['MyCrop']) == []

    model = _cached_model()
    with pytest.raises(ValueError, match='RandomResizedCrop'):
        model.bind_video_cache(pipes.train_pipeline)
    assert model.bind_video_cache(TEST_PIPELINE)
    assert not model.bind_video_cache(pipes.train_pipeline,
                                      on_random='disable')
    assert model.video_cache.context is None and not model.video_cache.active
    # disabled: the model encodes every clip (no error, no cache)
    model.eval()
    with torch.no_grad():
        model(_inputs(1), _samples([0], files=['a.mp4']), mode='predict')
    assert len(model.video_cache) == 0


def test_video_cache_hook_binds_each_loop():
    from mmengine.config import Config
    from ga2clip.models import VideoFeatureCacheHook
    pipes = Config.fromfile(str(REPO_ROOT / 'configs' / '_base_' /
                                'datasets' / 'video_pipelines.py'))
    model = _cached_model()

    def loader(*pipelines):
        if len(pipelines) == 1:
            return types.SimpleNamespace(dataset=types.SimpleNamespace(
                pipeline=pipelines[0]))
        return types.SimpleNamespace(dataset=types.SimpleNamespace(
            datasets=[types.SimpleNamespace(pipeline=p) for p in pipelines]))
    val_pipe = TEST_PIPELINE[:4] + [dict(type='ThreeCrop', crop_size=224)] \
        + TEST_PIPELINE[5:]
    runner = types.SimpleNamespace(
        model=model, train_dataloader=loader(TEST_PIPELINE),
        val_dataloader=loader(val_pipe), test_dataloader=loader(val_pipe))
    hook = VideoFeatureCacheHook()
    hook.before_train(runner)
    train_ctx = model.video_cache.context
    assert train_ctx
    hook.before_val_epoch(runner)
    assert model.video_cache.context not in (None, train_ctx)
    hook.after_val_epoch(runner)
    assert model.video_cache.context == train_ctx
    # a random transform in any dataset of the loader (e.g. anchors)
    runner.train_dataloader = loader(TEST_PIPELINE, pipes.train_pipeline)
    with pytest.raises(ValueError, match='train loop'):
        hook.before_train(runner)
    VideoFeatureCacheHook(on_random='disable').before_train(runner)
    assert model.video_cache.context is None and not model.video_cache.active
    # sample blending (mixup/cutmix) in the preprocessor is random too
    runner.train_dataloader = loader(TEST_PIPELINE)
    model.data_preprocessor.blending = object()
    try:
        with pytest.raises(ValueError, match='blends'):
            hook.before_train(runner)
    finally:
        model.data_preprocessor.blending = None


# -- benchmark smoke -----------------------------------------------------------
def test_benchmark_quick_smoke(tmp_path):
    out = tmp_path / 'bench.json'
    proc = subprocess.run(
        [sys.executable, str(REPO_ROOT / 'benchmarks' / 'bench.py'),
         '--quick', '--device', 'cpu', '--batch', '1', '--threads', '1',
         '--methods',
         'ivlp,ga2_official,ga2_kl', '--workers', '0,1', '--out', str(out)],
        capture_output=True, text=True, timeout=300, cwd=REPO_ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert '| ga2_predict |' in proc.stdout
    res = json.loads(out.read_text())['devices']['cpu']
    assert {'eval', 'train', 'text', 'data', 'params'} <= set(res)
    assert [r['name'] for r in res['train']['rows']] == [
        'ivlp', 'ga2_official', 'ga2_kl']
    for row in res['text']['rows']:
        assert row['max_abs_diff_normalized'] < 1e-5
    assert {(r['frames'], r['workers']) for r in res['data']['rows']} == {
        (8, 0), (8, 1), (32, 0), (32, 1)}
    params = {r['name']: r for r in res['params']['rows']}
    assert params['clip']['trainable'] == 0
    assert params['ga2_official']['trainable'] > params['ivlp']['trainable']
