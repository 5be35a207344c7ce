"""Vita-CLIP components (tiny random CLIP unless said otherwise).

- every part off == frame-mean of open_clip ``encode_image`` (1e-5);
- each part has a test that fails when it is removed: the time embedding
  makes frame order matter; local prompts (conditioned on each frame's CLS)
  and the summary token make frames interact (the frame-mean path is
  additive over frames, they are not); global prompts change the output;
  every learnable part gets a gradient;
- the token layout per block (214 tokens at ViT-B/16, T=8);
- more frames than trained ('interpolate', and the released 'chunk');
- CoOpTextHead == the template path / ``encode_text`` with word-initialised
  context; CSC stops on another vocabulary;
- ViT-B/16 trainable parameters at 8 frames from a random-weight model.
"""
import copy
import math

import pytest
import torch
import torch.nn.functional as F

from conftest import REPO_ROOT

torch.set_num_threads(1)

NAMES = ['riding a bike', 'playing_guitar', 'x',
         'brushing teeth with a very long toothbrush']
OFF = dict(time_embed=False, global_prompts=0, local_prompts=False,
           summary_token=False)
MODEL_CFGS = REPO_ROOT / 'configs' / '_base_' / 'models'
K400_CLASSES = REPO_ROOT / 'projects' / 'ga2clip' / 'data' / 'labels' / \
    'kinetics_400_labels.csv'


@pytest.fixture(scope='module')
def tiny():
    import ga2clip  # noqa: F401
    from ga2clip.models import build_clip
    torch.manual_seed(0)
    model, tokenizer = build_clip('ga2clip-tiny')
    return model.eval(), tokenizer


def _videos(n=2, t=4, size=32, seed=1):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 3, t, size, size, generator=g)


def _enc(tiny, seed=0, **kwargs):
    from ga2clip.models import VitaVideoEncoder
    torch.manual_seed(seed)
    kwargs.setdefault('num_frames', 4)
    return VitaVideoEncoder(visual=tiny[0].visual, **kwargs).eval()


def _only(part, **extra):
    cfg = dict(OFF)
    cfg.update(part)
    cfg.update(extra)
    return cfg


def _ref(model, videos):
    n, c, t, h, w = videos.shape
    frames = videos.permute(0, 2, 1, 3, 4).reshape(n * t, c, h, w)
    return model.encode_image(frames).view(n, t, -1).mean(dim=1)


# -- equivalence -------------------------------------------------------------
def test_all_parts_off_equals_open_clip(tiny):
    model, _ = tiny
    videos = _videos()
    with torch.no_grad():
        ref = _ref(model, videos)
        off = _enc(tiny, **OFF)(videos)
        full = _enc(tiny)
        plain = full(videos, prompts=False)
        on = full(videos)
    assert off.shape == ref.shape == (2, model.visual.proj.shape[1])
    torch.testing.assert_close(off, ref, rtol=0, atol=1e-5)
    torch.testing.assert_close(plain, ref, rtol=0, atol=1e-5)
    assert (on - ref).abs().max() > 1e-3


# -- each part matters -------------------------------------------------------
def _swap_gap(enc, t=4):
    """out(a) + out(b) - out(a') - out(b') where a', b' exchange the second
    half of their frames: 0 for a per-frame (additive) encoder."""
    a, b = _videos(1, t, seed=3), _videos(1, t, seed=4)
    h = t // 2
    a2 = torch.cat([a[:, :, :h], b[:, :, h:]], dim=2)
    b2 = torch.cat([b[:, :, :h], a[:, :, h:]], dim=2)
    with torch.no_grad():
        out = enc(torch.cat([a, b, a2, b2]))
    return (out[0] + out[1] - out[2] - out[3]).abs().max().item()


def _order_gap(enc):
    videos = _videos(2)
    with torch.no_grad():
        return (enc(videos) - enc(videos.flip(2))).abs().max().item()


def test_time_embedding_makes_order_matter(tiny):
    assert _order_gap(_enc(tiny, **OFF)) < 1e-5  # frame mean: order-free
    assert _order_gap(_enc(tiny, **_only(dict(time_embed=True)))) > 1e-3
    # ... but frames still do not interact
    assert _swap_gap(_enc(tiny, **_only(dict(time_embed=True)))) < 1e-5


@pytest.mark.parametrize('part', ['local_prompts', 'summary_token'])
@pytest.mark.parametrize('cls_proj', ['released', 'paper'])
def test_cross_frame_parts_make_frames_interact(tiny, part, cls_proj):
    assert _swap_gap(_enc(tiny, **OFF)) < 1e-5
    assert _swap_gap(_enc(tiny, **_only({part: True},
                                        cls_proj=cls_proj))) > 1e-4


def test_local_prompts_are_conditioned_on_each_frame_cls(tiny):
    """The local tokens entering block 0's attention are L_0[t] + c_t with
    c = cls_proj_0(CLS after ln_pre) of frame t, in every frame."""
    enc = _enc(tiny, **_only(dict(local_prompts=True)))
    seen = []
    block = enc.visual.transformer.resblocks[0]
    hook = block.ln_1.register_forward_pre_hook(
        lambda mod, args: seen.append(args[0].detach()))
    videos = _videos(1)
    try:
        with torch.no_grad():
            enc(videos)
    finally:
        hook.remove()
    x = seen[0]  # (T, 1 + T + P, W)
    t = videos.shape[2]
    cls = x[:, 0]
    expected = enc.local_prompts[0] + enc.cls_proj[0](cls)  # (T, W)
    for frame in range(t):
        torch.testing.assert_close(x[frame, 1:1 + t], expected)
    # frame-dependent: different frames give different tokens
    assert (expected[0] - expected[1]).abs().max() > 1e-3


def test_paper_cls_proj_is_the_raw_cls(tiny):
    """'paper' (raw CLS) == 'trainable' with an identity projection."""
    cfg = _only(dict(local_prompts=True, summary_token=True))
    paper = _enc(tiny, **cfg, cls_proj='paper')
    trained = _enc(tiny, **cfg, cls_proj='trainable')
    assert paper.cls_proj is None
    missing, _ = trained.load_state_dict(paper.state_dict(), strict=False)
    assert missing and all(k.startswith('cls_proj.') for k in missing)
    with torch.no_grad():
        for lin in trained.cls_proj:
            lin.weight.copy_(torch.eye(lin.weight.shape[0]))
            lin.bias.zero_()
        videos = _videos()
        torch.testing.assert_close(paper(videos), trained(videos), rtol=0,
                                   atol=1e-6)
        released = _enc(tiny, **cfg, cls_proj='released')
        assert (released(videos) - paper(videos)).abs().max() > 1e-4


def test_global_prompts_change_the_output(tiny):
    videos = _videos()
    off, glob = _enc(tiny, **OFF), _enc(tiny, **_only(dict(global_prompts=3)))
    with torch.no_grad():
        assert (glob(videos) - off(videos)).abs().max() > 1e-3
        delta = torch.randn(glob.global_prompts[1].shape)
        glob.global_prompts[1].add_(delta)  # the deeper layer's own prompts
        changed = glob(videos)
        glob.global_prompts[1].sub_(delta)
        assert (changed - glob(videos)).abs().max() > 1e-4


@pytest.mark.parametrize('cls_proj', ['released', 'trainable'])
def test_every_learnable_part_gets_a_gradient(tiny, cls_proj):
    enc = _enc(tiny, global_prompts=2, cls_proj=cls_proj).train()
    enc(_videos(2)).square().sum().backward()
    trainable = {n: p for n, p in enc.named_parameters() if p.requires_grad}
    groups = {n.split('.')[0] for n in trainable}
    expected = {'time_embed', 'global_prompts', 'local_prompts', 'summary_ln',
                'summary_attn'} | ({'cls_proj'} if cls_proj == 'trainable'
                                   else set())
    assert groups == expected
    for name, p in trainable.items():
        assert p.grad is not None and p.grad.abs().sum() > 0, name
    assert all(p.grad is None for p in enc.visual.parameters())
    if cls_proj == 'released':  # random and frozen, as released
        assert all(not p.requires_grad and p.grad is None
                   for p in enc.cls_proj.parameters())


def test_token_layout_per_block(tiny):
    """Attention sees [CLS, l_1..l_T, G, patches, s_t]; the FFN [CLS, G,
    patches]; the next block [CLS, patches] + its own G."""
    enc = _enc(tiny, global_prompts=3)
    block = enc.visual.transformer.resblocks[1]
    lengths = {}

    def record(key):
        def hook(module, args):
            lengths.setdefault(key, args[0].shape[1])
        return hook

    hooks = [block.ln_1.register_forward_pre_hook(record('attn')),
             block.ln_2.register_forward_pre_hook(record('ffn')),
             enc.visual.ln_post.register_forward_pre_hook(record('post'))]
    try:
        with torch.no_grad():
            enc(_videos(1, t=4))
    finally:
        for h in hooks:
            h.remove()
    patches = enc.visual.positional_embedding.shape[0] - 1
    assert lengths == dict(attn=1 + 4 + 3 + patches + 1, ffn=1 + 3 + patches,
                           post=1 + patches)


def test_grad_checkpointing_equivalence(tiny):
    enc = _enc(tiny, global_prompts=2).train()
    videos = _videos(1)
    out = enc(videos)
    out.sum().backward()
    grads = {n: p.grad.clone() for n, p in enc.named_parameters()
             if p.requires_grad}
    enc.zero_grad()
    enc.grad_checkpointing = True
    out2 = enc(videos)
    out2.sum().backward()
    torch.testing.assert_close(out2, out, rtol=0, atol=1e-6)
    for n, p in enc.named_parameters():
        if p.requires_grad:
            torch.testing.assert_close(p.grad, grads[n], rtol=1e-5,
                                       atol=1e-6)


# -- frame counts ------------------------------------------------------------
def test_resize_time_nearest_repeats_entries():
    from ga2clip.models.vita_encoder import resize_time
    table = torch.arange(8.).view(4, 2)
    out = resize_time(table, 8)
    torch.testing.assert_close(out, table.repeat_interleave(2, dim=0))
    assert resize_time(table, 4) is table
    assert resize_time(table, 3, 'linear').shape == (3, 2)


def test_more_frames_than_trained(tiny):
    enc = _enc(tiny, global_prompts=2)  # trained for 4 frames
    for t in (8, 6, 2):
        with torch.no_grad():
            out = enc(_videos(2, t=t))
        assert out.shape == (2, 64) and torch.isfinite(out).all()
    # the released behaviour: 8 frames = two 4-frame groups for the local
    # prompts and the summary token (no time embedding here: then it is
    # exactly the mean of the two halves)
    chunk = _enc(tiny, global_prompts=2, time_embed=False, long_clip='chunk')
    a, b = _videos(1, seed=5), _videos(1, seed=6)
    with torch.no_grad():
        long = chunk(torch.cat([a, b], dim=2))
        halves = chunk(torch.cat([a, b])).mean(dim=0, keepdim=True)
        inter = _enc(tiny, global_prompts=2, time_embed=False)(
            torch.cat([a, b], dim=2))
    torch.testing.assert_close(long, halves, rtol=0, atol=1e-5)
    assert (inter - halves).abs().max() > 1e-4  # all 8 frames interact
    with pytest.raises(ValueError, match='multiple of num_frames=4'):
        chunk(_videos(1, t=6))


def test_bad_arguments(tiny):
    from ga2clip.models import VitaVideoEncoder
    with pytest.raises(ValueError, match='needs `visual`'):
        VitaVideoEncoder()
    for kwargs, match in [(dict(cls_proj='learned'), 'cls_proj must be'),
                          (dict(long_clip='x'), 'long_clip must be'),
                          (dict(time_interp='cubic'), 'time_interp')]:
        with pytest.raises(ValueError, match=match):
            VitaVideoEncoder(visual=tiny[0].visual, **kwargs)


# -- CoOp text head ----------------------------------------------------------
def _head(tiny, **cfg):
    from mmaction.registry import MODELS
    model, tokenizer = tiny
    cfg = dict(type='CoOpTextHead', **cfg)
    return MODELS.build(cfg, default_args=dict(clip=model,
                                               tokenizer=tokenizer)).eval()


def _encode_text(tiny, texts):
    model, tokenizer = tiny
    return model.encode_text(tokenizer(texts))


def test_coop_word_context_equals_template_path(tiny):
    """With the context set to the words of a template, CoOp (unified and
    CSC) is the template path, which is open_clip ``encode_text``."""
    words = 'a video of a person'
    texts = [f'{words} {n.replace("_", " ")}.' for n in NAMES]
    template = _head(tiny, n_ctx=5, ctx_init=words)  # unified
    csc = _head(tiny, n_ctx=5, ctx_init=words, csc=True, class_names=NAMES)
    from mmaction.registry import MODELS
    tmpl = MODELS.build(dict(type='TemplateTextHead',
                             templates=[words + ' {}.']),
                        default_args=dict(clip=tiny[0],
                                          tokenizer=tiny[1])).eval()
    with torch.no_grad():
        ref = _encode_text(tiny, texts)
        torch.testing.assert_close(tmpl(NAMES), ref, rtol=0, atol=1e-5)
        torch.testing.assert_close(template(NAMES), ref, rtol=0, atol=1e-5)
        torch.testing.assert_close(csc(NAMES), ref, rtol=0, atol=1e-5)
        # the context is what the head learns: changing it changes features
        csc.ctx[1].add_(torch.randn(csc.ctx[1].shape))
        moved = csc(NAMES)
    assert csc.ctx.shape == (4, 5, 64) and template.ctx.shape == (5, 64)
    assert (moved[1] - ref[1]).abs().max() > 1e-3
    torch.testing.assert_close(moved[0], ref[0], rtol=0, atol=1e-5)


def test_coop_random_context_is_shallow(tiny):
    head = _head(tiny, n_ctx=8)
    assert head.deep_prompts is None and head.ctx.shape == (8, 64)
    assert head.prompt_texts(['a b'])[0] == 'X X X X X X X X a b.'
    with torch.no_grad():
        feats = head(NAMES)
        ref = _encode_text(tiny, list(head.prompt_texts(NAMES)))
    assert (feats - ref).abs().max() > 1e-3  # the learned context is used
    with pytest.raises(ValueError, match='has 5 tokens but n_ctx=8'):
        _head(tiny, n_ctx=8, ctx_init='a video of a person')


def test_csc_is_bound_to_its_training_vocabulary(tiny, tmp_path):
    csv = tmp_path / 'classes.csv'
    csv.write_text('id,name\n' + ''.join(f'{i},{n}\n'
                                         for i, n in enumerate(NAMES)))
    head = _head(tiny, n_ctx=4, csc=True, class_names=str(csv))
    with torch.no_grad():
        assert head(NAMES).shape == (4, 64)
    with pytest.raises(ValueError, match=r"classes\.csv.*unknown classes "
                       r"\['jumping'\].*Use csc=False"):
        head(NAMES[:3] + ['jumping'])
    with pytest.raises(ValueError, match='another order or a subset'):
        head(NAMES[::-1])
    with pytest.raises(ValueError, match='needs class_names='):
        _head(tiny, csc=True)
    unified = _head(tiny, n_ctx=4)
    with torch.no_grad():  # the unified context names any class
        assert unified(['jumping', 'swimming']).shape == (2, 64)


def test_coop_released_logit_scale(tiny):
    from mmaction.registry import MODELS
    import ga2clip  # noqa: F401
    base = dict(type='GA2CLIP', clip=dict(name='ga2clip-tiny'),
                video_encoder=dict(type='VitaVideoEncoder', num_frames=2),
                vocabularies=dict(default=NAMES))
    torch.manual_seed(0)
    off = MODELS.build(dict(base, text_head=dict(type='CoOpTextHead')))
    assert not off.logit_scale.requires_grad  # CLIP's, frozen (protocols)
    assert off.logit_scale.item() == pytest.approx(math.log(1 / 0.07))
    rel = MODELS.build(dict(base, text_head=dict(
        type='CoOpTextHead', logit_scale=dict(init=1.5))))
    assert rel.logit_scale.requires_grad  # the recognizer's own parameter
    assert rel.logit_scale.item() == pytest.approx(1.5)
    rel.train()
    from mmaction.structures import ActionDataSample
    samples = [ActionDataSample().set_gt_label(i) for i in (0, 1)]
    losses = rel(_videos(2, t=2).unsqueeze(1), samples, mode='loss')
    losses['loss_cls'].backward()
    assert rel.logit_scale.grad is not None and rel.logit_scale.grad != 0


# -- ViT-B/16 parameter count --------------------------------------------------
def test_vit_b16_trainable_parameters_at_8_frames():
    """Random weights, no download. Released settings: cls_proj frozen,
    CSC with 8 context tokens on K400's 400 classes, trainable logit_scale."""
    import ga2clip  # noqa: F401
    from mmaction.registry import MODELS
    from mmengine.config import Config
    cfg = Config.fromfile(str(MODEL_CFGS / 'vita-clip_vit-b16.py')).model
    cfg = cfg.to_dict()
    cfg['clip']['pretrained'] = None
    cfg['text_head'].update(csc=True, class_names=str(K400_CLASSES),
                            logit_scale=dict(init=math.log(1 / 0.07)))
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    groups = {}
    for name, p in model.named_parameters():
        if p.requires_grad:
            key = name.split('.')[1] if '.' in name else name
            groups[key] = groups.get(key, 0) + p.numel()
    w, layers, t = 768, 12, 8
    assert groups == {
        'time_embed': t * w, 'global_prompts': layers * 8 * w,
        'local_prompts': layers * t * w,
        'summary_ln': layers * 2 * w,
        'summary_attn': layers * (4 * w * w + 4 * w),
        'ctx': 400 * 8 * 512, 'logit_scale': 1}
    assert sum(groups.values()) == 30_158_849
    frozen_proj = sum(p.numel() for p in model.video_encoder.cls_proj
                      .parameters())
    assert frozen_proj == layers * (w * w + w) == 7_087_104


# -- released checkpoints ----------------------------------------------------
def _released_state_dict(clip, layers=2, width=64, frames=2, n_global=2,
                         n_ctx=4, classes=3, seed=0):
    """A synthetic state dict with the released code's key names
    (``training/VitaCLIP_*.py``), random values of the tiny model's shapes.
    The text keys are OpenAI's (the released ``CLIPTextEncoder`` layout)."""
    g = torch.Generator().manual_seed(seed)

    def r(*shape):
        return torch.randn(*shape, generator=g) * 0.05

    sd = {'logit_scale': torch.tensor(2.0),
          'visual.patch_embed.proj.weight': r(width, 3, 16, 16),
          'visual.patch_embed.proj.bias': r(width),
          'visual.cls_token': r(width), 'visual.pos_embed': r(5, width),
          'visual.time_embed': r(frames, width),
          'visual.global_prompts': r(layers, n_global, width),
          'visual.ln_pre.weight': r(width), 'visual.ln_pre.bias': r(width),
          'visual.ln_post.weight': r(width), 'visual.ln_post.bias': r(width),
          'visual.proj': r(width, 64),
          'prompt_learner.ctx': r(classes, n_ctx, 64),
          'prompt_learner.token_prefix': r(classes, 1, 64),
          'prompt_learner.token_suffix': r(classes, 72, 64)}
    for i in range(layers):
        b = f'visual.blocks.{i}.'
        for part in ('attn', 'summary_attn_layer'):
            for proj in ('q_proj', 'k_proj', 'v_proj', 'out_proj'):
                sd[f'{b}{part}.{proj}.weight'] = r(width, width)
                sd[f'{b}{part}.{proj}.bias'] = r(width)
        for ln in ('norm1', 'norm2', 'summary_ln'):
            sd[f'{b}{ln}.weight'] = 1 + r(width)
            sd[f'{b}{ln}.bias'] = r(width)
        sd[f'{b}mlp.fc1.weight'] = r(4 * width, width)
        sd[f'{b}mlp.fc1.bias'] = r(4 * width)
        sd[f'{b}mlp.fc2.weight'] = r(width, 4 * width)
        sd[f'{b}mlp.fc2.bias'] = r(width)
        sd[f'{b}cls_proj.weight'] = r(width, width)
        sd[f'{b}cls_proj.bias'] = r(width)
        sd[f'{b}local_prompts'] = r(1, frames, width)
    for key, value in clip.state_dict().items():
        if not key.startswith('visual.') and key != 'logit_scale':
            sd['textual.' + key] = r(*value.shape)
    return {'module.' + k: v for k, v in sd.items()}


def _vita_tiny(csc_names=None):
    import ga2clip  # noqa: F401
    from mmaction.registry import MODELS
    from mmengine.config import Config
    cfg = Config.fromfile(str(MODEL_CFGS / 'vita-clip_tiny.py')).model
    cfg = cfg.to_dict()
    if csc_names:
        cfg['text_head'].update(csc=True, class_names=list(csc_names))
    torch.manual_seed(0)
    return MODELS.build(cfg).eval()


def test_released_checkpoint_converts_every_key(tiny, tmp_path, capsys):
    from ga2clip.apis.convert import cli
    from ga2clip.models.convert_vita import (convert_vita_state_dict,
                                             export_vita_state_dict)
    from ga2clip.models.weights import load_state_dict_strict
    released = _released_state_dict(tiny[0])
    path = tmp_path / 'released.pth'
    torch.save({'model': released, 'optimizer': {}, 'next_step': 30000},
               path)
    out = tmp_path / 'converted.pth'
    assert cli(['--vita', str(path), str(out)]) == 0
    assert 'num_frames=2, global_prompts=2, local_prompts=True, ' \
        'summary_token=True, text n_ctx=4, csc=True (3 classes)' in \
        capsys.readouterr().out
    converted = torch.load(out, weights_only=True)['state_dict']
    model = _vita_tiny(csc_names=NAMES[:3])
    # every key of the model is filled, nothing is left over
    load_state_dict_strict(model, converted, source=str(out))
    ours = model.state_dict()
    plain = {k[len('module.'):]: v for k, v in released.items()}
    torch.testing.assert_close(ours['video_encoder.local_prompts'][1],
                               plain['visual.blocks.1.local_prompts'][0])
    qkv = ours['video_encoder.summary_attn.1.in_proj_weight'].chunk(3)
    for slot, chunk in zip('qkv', qkv):
        torch.testing.assert_close(
            chunk, plain[f'visual.blocks.1.summary_attn_layer.{slot}_proj.'
                         'weight'])
    torch.testing.assert_close(ours['text_head.ctx'],
                               plain['prompt_learner.ctx'])
    # round trip (the patch bias is folded into the positions, so it comes
    # back as zeros with the positions shifted)
    back = export_vita_state_dict(ours)
    assert set(back) == set(plain) - {'prompt_learner.token_prefix',
                                      'prompt_learner.token_suffix'}
    again = convert_vita_state_dict(back)
    assert set(again) == set(ours)
    for key, value in ours.items():
        torch.testing.assert_close(again[key], value, rtol=0, atol=0)
    prompts_only = convert_vita_state_dict(released, include_backbone=False)
    assert not any(k.startswith(('video_encoder.visual.', 'text_head.text.'))
                   for k in prompts_only)
    assert 'video_encoder.summary_attn.0.in_proj_bias' in prompts_only


def test_released_summary_attention_and_patch_bias_are_reproduced(tiny):
    """The released attention (separate q/k/v, softmax over keys, out_proj)
    and patch embedding with bias give what the converted modules give."""
    from ga2clip.models.convert_vita import convert_vita_state_dict
    plain = {k[len('module.'):]: v for k, v in
             _released_state_dict(tiny[0], seed=2).items()}
    model = _vita_tiny(csc_names=NAMES[:3])
    model.load_state_dict(convert_vita_state_dict(plain))
    enc = model.video_encoder
    c = torch.randn(2, 2, 64)  # (B, T, W)
    b = 'visual.blocks.0.summary_attn_layer.'

    def lin(x, name):
        return x @ plain[b + name + '.weight'].T + plain[b + name + '.bias']

    heads = enc.summary_attn[0].num_heads
    q, k, v = (lin(c, f'{s}_proj').view(2, 2, heads, -1) for s in 'qkv')
    aff = torch.einsum('nqhc,nkhc->nqkh', q / q.shape[-1] ** 0.5, k)
    mix = torch.einsum('nqlh,nlhc->nqhc', aff.softmax(dim=-2), v)
    expected = lin(mix.flatten(-2), 'out_proj')
    with torch.no_grad():
        got = enc.summary_attn[0](c, c, c, need_weights=False)[0]
    torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-5)
    frames = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        ref = F.conv2d(frames, plain['visual.patch_embed.proj.weight'],
                       plain['visual.patch_embed.proj.bias'], stride=16)
        ref = ref.flatten(2).transpose(1, 2) + plain['visual.pos_embed'][1:]
        vis = enc.visual
        ours = vis.conv1(frames).flatten(2).transpose(1, 2) + \
            vis.positional_embedding[1:]
    torch.testing.assert_close(ours, ref, rtol=1e-5, atol=1e-5)


def test_released_checkpoint_unknown_keys_one_line(tiny):
    from ga2clip.models.convert_vita import convert_vita_state_dict
    sd = _released_state_dict(tiny[0])
    sd['module.visual.blocks.0.temporal_adapter.weight'] = torch.zeros(2)
    sd['module.extra_head.bias'] = torch.zeros(2)
    with pytest.raises(ValueError) as err:
        convert_vita_state_dict(sd)
    msg = str(err.value)
    assert '\n' not in msg and 'unknown keys in Vita-CLIP checkpoint' in msg
    assert 'visual.blocks.0.temporal_adapter.weight' in msg
    assert 'extra_head.bias' in msg
    del sd['module.visual.blocks.0.temporal_adapter.weight']
    del sd['module.extra_head.bias']
    del sd['module.visual.blocks.1.attn.k_proj.weight']
    with pytest.raises(ValueError, match='lacks q/k/v projections'):
        convert_vita_state_dict(sd)


# -- end to end ----------------------------------------------------------------
VITA_SMOKE = '''
model = dict(
    video_encoder=dict(_delete_=True, type='VitaVideoEncoder', num_frames=4,
                       global_prompts=2),
    text_head=dict(_delete_=True, type='CoOpTextHead', n_ctx=4),
    anchor_loss=None)
'''


def test_tiny_train_then_test_on_more_frames(tiny_video_dataset, tmp_path):
    """tools/train.py (4 frames, 1 epoch) then tools/test.py on 8 frames,
    tiny random CLIP, generated videos."""
    import os
    import pickle
    import re
    import subprocess
    import sys

    from conftest import write_smoke_config
    cfg = write_smoke_config(tmp_path / 'vita_smoke.py', tiny_video_dataset,
                             extra=VITA_SMOKE)
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
    assert 'Epoch(train) [1][3/3]' in out
    ckpt = torch.load(work / 'epoch_1.pth', map_location='cpu',
                      weights_only=False)['state_dict']
    assert ckpt['video_encoder.local_prompts'].shape == (2, 4, 64)
    assert 'video_encoder.summary_attn.1.in_proj_weight' in ckpt
    dump = tmp_path / 'preds.pkl'
    out = run(['tools/test.py', str(cfg), str(work / 'epoch_1.pth'),
               '--work-dir', str(work), '--dump', str(dump), '--cfg-options',
               'test_dataloader.dataset.num_frames=8'])
    assert re.search(r'Epoch\(test\) \[3/3\]\s+top1', out), out[-2000:]
    with open(dump, 'rb') as f:
        preds = pickle.load(f)
    assert len(preds) == 12 and all(len(p['pred_score']) == 3 for p in preds)


def test_vit_b16_flop_limit_of_the_extra_tokens():
    """benchmarks/flops.py on a random-weight ViT-B/16 Vita-CLIP at 8 frames:
    214 attention tokens (vs 197), 205 in the MLP, plus the frame attention;
    the hand count below is the same formula written out."""
    import sys
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from benchmarks.flops import attention_tokens, flop_limit
    from ga2clip.models import build_clip, VitaVideoEncoder
    clip, _ = build_clip('ViT-B-16-quickgelu')
    model = torch.nn.Module()
    model.video_encoder = VitaVideoEncoder(visual=clip.visual, num_frames=8)
    assert attention_tokens(model, 8) == 214
    w, layers, p = 768, 12, 196

    def block(n_attn, n_mlp):
        return 4 * n_attn * w * w + 2 * n_attn ** 2 * w + 8 * n_mlp * w * w

    embed = p * 3 * 16 * 16 * w
    frozen = embed + layers * block(197, 197)
    vita = embed + layers * (block(214, 205) + w * w + 4 * w * w + 2 * 8 * w)
    assert flop_limit(model, 8) == pytest.approx(vita / frozen, rel=1e-12)
    assert 1.06 < flop_limit(model, 8) < 1.07
    assert attention_tokens(model, 32) == 238  # 'interpolate': 32 local
    model.video_encoder.long_clip = 'chunk'
    assert attention_tokens(model, 32) == 214
