"""Equivalence of the project's model code with open_clip (tiny random CLIP).

- prompts off: CLIPVideoEncoder == frame-mean of open_clip ``encode_image``;
- TemplateTextHead == open_clip ``encode_text``; IVLP with word-initialised
  context and depth 1 == ``encode_text`` of the same sentence;
- the fast text path (cut after the longest EOT) == the 77-token path;
- GA2 coupling == its formula; gradient checkpointing changes nothing;
- an OpenAI-layout state dict saved from open_clip reproduces its outputs.
"""
import pytest
import torch
import torch.nn.functional as F

torch.set_num_threads(1)

NAMES = ['riding a bike', 'playing_guitar', 'x', 'brushing teeth with a '
         'very long toothbrush in the bathroom']


@pytest.fixture(scope='module')
def tiny():
    import ga2clip  # noqa: F401
    from ga2clip.models import build_clip
    torch.manual_seed(0)
    model, tokenizer = build_clip('ga2clip-tiny')
    return model.eval(), tokenizer


def _videos(n=2, t=3, size=32, seed=1):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 3, t, size, size, generator=g)


def test_video_encoder_prompts_off_equivalence(tiny):
    from ga2clip.models import CLIPVideoEncoder
    model, _ = tiny
    videos = _videos()
    n, c, t, h, w = videos.shape
    frames = videos.permute(0, 2, 1, 3, 4).reshape(n * t, c, h, w)
    with torch.no_grad():
        ref = model.encode_image(frames).view(n, t, -1).mean(dim=1)
        plain = CLIPVideoEncoder(visual=model.visual)(videos)
        prompted = CLIPVideoEncoder(visual=model.visual, prompt_tokens=3,
                                    prompt_depth=2)
        off = prompted(videos, prompts=False)
        on = prompted(videos)
    assert plain.shape == (n, model.visual.proj.shape[1])
    torch.testing.assert_close(plain, ref, rtol=0, atol=1e-6)
    torch.testing.assert_close(off, ref, rtol=0, atol=1e-6)
    assert (on - ref).abs().max() > 1e-3  # prompts do change the features


def test_recognizer_normalisation_equivalence(tiny, tmp_path):
    """Recognizer logits = exp(logit_scale) * cos(frame-mean video, text)
    with CLIP weights given as a local file."""
    from mmaction.registry import MODELS
    model, _ = tiny
    path = tmp_path / 'clip.pt'
    torch.save(model.state_dict(), path)
    rec = MODELS.build(dict(
        type='GA2CLIP', clip=dict(name='ga2clip-tiny', pretrained=str(path)),
        text_head=dict(type='TemplateTextHead'),
        vocabularies=dict(default=NAMES[:3]))).eval()
    videos = _videos(n=2, t=2)
    inputs = videos.unsqueeze(1)  # (B, V=1, C, T, H, W)
    with torch.no_grad():
        logits = rec(inputs, mode='tensor')[:, 0]
        frames = videos.permute(0, 2, 1, 3, 4).flatten(0, 1)
        v = F.normalize(model.encode_image(frames).view(2, 2, -1).mean(1),
                        dim=-1)
        text = model.encode_text(_tok(tiny, [
            f'a video of a person {n.replace("_", " ")}.' for n in NAMES[:3]]),
                                 normalize=True)
        ref = model.logit_scale.exp() * v @ text.T
    torch.testing.assert_close(logits, ref, rtol=1e-5, atol=1e-5)


def _tok(tiny, texts):
    return tiny[1](texts)


def _head(tiny, cfg):
    from mmaction.registry import MODELS
    model, tokenizer = tiny
    return MODELS.build(cfg, default_args=dict(clip=model,
                                               tokenizer=tokenizer)).eval()


def test_template_head_equivalence(tiny):
    model, _ = tiny
    head = _head(tiny, dict(type='TemplateTextHead',
                            templates=['a video of a person {}.']))
    with torch.no_grad():
        feats = head(NAMES)
        ref = model.encode_text(_tok(tiny, [
            f'a video of a person {n.replace("_", " ")}.' for n in NAMES]))
    torch.testing.assert_close(feats, ref, rtol=0, atol=1e-6)

    ens = _head(tiny, dict(type='TemplateTextHead',
                           templates=['a video of {}.', 'a photo of {}.']))
    with torch.no_grad():
        got = ens(NAMES[:2])
        refs = [F.normalize(model.encode_text(_tok(
            tiny, [t.format(n.replace('_', ' ')) for n in NAMES[:2]])), dim=-1)
            for t in ('a video of {}.', 'a photo of {}.')]
    torch.testing.assert_close(got, (refs[0] + refs[1]) / 2, rtol=0,
                               atol=1e-6)


def test_ivlp_word_init_depth1_equivalence(tiny):
    """n_ctx <= 4 starts from the words: with depth 1 and untrained context,
    the prompted head is exactly CLIP on 'a video of a person {c}.'."""
    model, _ = tiny
    head = _head(tiny, dict(type='IVLPTextHead', n_ctx=4, depth=1,
                            ctx_init='a video of a person'))
    with torch.no_grad():
        feats = head(NAMES)
        ref = model.encode_text(_tok(tiny, [
            f'a video of a person {n.replace("_", " ")}.' for n in NAMES]))
    torch.testing.assert_close(feats, ref, rtol=0, atol=1e-6)


@pytest.mark.parametrize('cfg', [
    dict(type='TemplateTextHead'),
    dict(type='IVLPTextHead', n_ctx=4, depth=2),
    dict(type='GA2TextHead', n_ctx=4, depth=2,
         hard_prompt=dict(source='phrase', phrase='a video of a person')),
], ids=['template', 'ivlp', 'ga2'])
def test_fast_text_path_equivalence(tiny, cfg):
    head = _head(tiny, cfg)
    lengths = []
    hook = head.text.transformer.resblocks[0].register_forward_pre_hook(
        lambda mod, args: lengths.append(args[0].shape[1]))
    try:
        with torch.no_grad():
            head.text.fast = True
            fast = head(NAMES)
            head.text.fast = False
            full = head(NAMES)
    finally:
        hook.remove()
    assert lengths[0] < 77 and lengths[-1] == 77, lengths  # it did truncate
    torch.testing.assert_close(fast, full, rtol=1e-5, atol=1e-5)


def test_ga2_coupling_formula_equivalence(tiny):
    """GA2 layer-0 context = ReLU(Linear(concat(hard, soft))) (eval: no
    dropout), fed into the IVLP path."""
    head = _head(tiny, dict(type='GA2TextHead', n_ctx=4, depth=2,
                            hard_prompt=dict(source='phrase',
                                             phrase='person doing')))
    ivlp = _head(tiny, dict(type='IVLPTextHead', n_ctx=4, depth=2))
    lin = head.coupling[0]
    with torch.no_grad():
        mixed = torch.relu(
            torch.cat([head.hard_prompt, head.ctx], -1) @ lin.weight.T +
            lin.bias)
        ivlp.ctx.copy_(mixed)
        ivlp.deep_prompts.copy_(head.deep_prompts)
        torch.testing.assert_close(head(NAMES), ivlp(NAMES), rtol=0,
                                   atol=1e-6)
    # The hard prompt matters.
    with torch.no_grad():
        before = head(NAMES[:2])
        head.hard_prompt.add_(1.0)
        assert (head(NAMES[:2]) - before).abs().max() > 1e-4


def test_grad_checkpointing_equivalence(tiny):
    from ga2clip.models import CLIPVideoEncoder
    model, _ = tiny
    torch.manual_seed(0)
    enc = CLIPVideoEncoder(visual=model.visual, prompt_tokens=2,
                           prompt_depth=2).train()
    videos = _videos(n=1, t=2)
    out = enc(videos)
    out.sum().backward()
    grads = enc.prompts.grad.clone(), enc.deep_prompts.grad.clone()
    enc.zero_grad()
    enc.grad_checkpointing = True
    out_ckpt = enc(videos)
    out_ckpt.sum().backward()
    torch.testing.assert_close(out_ckpt, out, rtol=0, atol=1e-6)
    torch.testing.assert_close(enc.prompts.grad, grads[0])
    torch.testing.assert_close(enc.deep_prompts.grad, grads[1])
    assert grads[1].abs().sum() > 0


@pytest.mark.parametrize('wrap,prefix', [
    (None, ''), ('state_dict', 'module.'), ('model_state_dict', 'model.'),
    ('model', 'module.')])
def test_openai_layout_weights_equivalence(tiny, tmp_path, wrap, prefix):
    from ga2clip.models import build_clip
    model, tokenizer = tiny
    sd = {prefix + k: v for k, v in model.state_dict().items()}
    assert 'visual.conv1.weight' in model.state_dict()  # OpenAI key layout
    obj = sd if wrap is None else {wrap: sd, 'epoch': 3}
    path = tmp_path / 'clip.pt'
    torch.save(obj, path)
    torch.manual_seed(123)  # a different random init before loading
    loaded, _ = build_clip('ga2clip-tiny', pretrained=str(path))
    loaded.eval()
    images = torch.randn(2, 3, 32, 32)
    tokens = tokenizer(['a video of a person dancing.'])
    with torch.no_grad():
        torch.testing.assert_close(loaded.encode_image(images),
                                   model.encode_image(images), rtol=0,
                                   atol=1e-6)
        torch.testing.assert_close(loaded.encode_text(tokens),
                                   model.encode_text(tokens), rtol=0,
                                   atol=1e-6)
        torch.manual_seed(123)
        fresh, _ = build_clip('ga2clip-tiny')
        fresh.eval()
        assert (fresh.encode_image(images) -
                model.encode_image(images)).abs().max() > 1e-3
