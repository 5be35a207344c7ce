"""Contrastive pretraining of the tiny CLIP (``ga2clip-synth``) on a
"web-like" captioned image set.

The web set is rendered on the fly and is *not* the downstream dataset:
single frames of the ``'web'`` domain (flat grey-ish background, faint
noise), every class of :func:`~ga2clip.synthetic.world.all_classes` (base,
novel and aux, i.e. all attribute values) plus 4% empty/scribble images;
75% of a batch comes in groups of 4 images that share texture and colour and
differ in shape (hard negatives for the attribute that is hardest to see),
each with one caption drawn from a wide set of phrasings (synonyms, dropped
words, nuisance attributes). This mirrors real CLIP, which has seen both the
base and the novel concepts of a downstream benchmark.

Images are normalised like OpenAI CLIP (``OPENAI_DATASET_MEAN/STD``), so the
standard ActionDataPreprocessor of the CLIP configs fits the checkpoint.

The logit scale is fixed at 100 (real CLIP's value; a tiny CLIP learning it
stays near its initial 14, see ``SYNTHETIC_WORLD.md``).

Deterministic for a seed on a given machine and thread count (torch CPU
kernels may differ in the last bits across machines).
"""
import math
import time
from typing import Optional

import numpy as np
import torch
import torch.nn.functional as F

from . import world as W

MODEL_NAME = 'ga2clip-synth'
OPENAI_MEAN = (0.48145466, 0.4578275, 0.40821073)
OPENAI_STD = (0.26862954, 0.26130258, 0.27577711)
ANCHOR_FRACTION = 0.04
GROUPED_FRACTION = 0.75


def to_tensor(frames: np.ndarray) -> torch.Tensor:
    """Float RGB ``(N, H, W, 3)`` in [0, 1] -> normalised ``(N, 3, H, W)``."""
    x = torch.from_numpy(np.ascontiguousarray(frames)).float()
    x = x.permute(0, 3, 1, 2)
    mean = torch.tensor(OPENAI_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(OPENAI_STD).view(1, 3, 1, 1)
    return (x - mean) / std


WEB_DOMAINS = ('varied', 'flat')


def web_batch(seed: int, step: int, batch_size: int, size: int = 32,
              num_frames: int = 8, web: str = 'varied'):
    """Images ``(B, 3, H, W)`` (normalised) and one caption each, a
    deterministic function of ``(seed, step, web)``.

    ``web='varied'`` (v2, the shipped checkpoint) draws each image's domain
    with :func:`~ga2clip.synthetic.world.web_shift` (flat or textured
    backgrounds); ``'flat'`` is v1's single flat web domain."""
    if web not in WEB_DOMAINS:
        raise ValueError(f'web={web!r}: use one of {WEB_DOMAINS}')
    rng = np.random.default_rng([int(seed), 7, int(step)])
    names = W.all_classes()
    imgs, caps = [], []
    group = []
    for i in range(batch_size):
        key = [int(seed), 7, int(step), i]
        if i < batch_size * GROUPED_FRACTION:
            # groups of 4 that share texture and colour and differ in shape:
            # shape is the attribute a frame tells least easily
            if i % 4 == 0:
                tex = W.ALL_TEXTURES[int(rng.integers(len(W.ALL_TEXTURES)))]
                col = W.COLOURS[int(rng.integers(len(W.COLOURS)))]
                group = [W.class_name(tex, col, s)
                         for s in rng.permutation(W.SHAPES)[:4]]
            name = group[i % 4]
        elif rng.random() < ANCHOR_FRACTION / (1 - GROUPED_FRACTION):
            name = None
        else:
            name = names[int(rng.integers(len(names)))]
        spec = W.sample_spec(rng, name, key)
        t = int(rng.integers(num_frames))
        dom = W.web_shift(rng) if web == 'varied' else W.WEB
        img = W.render_clip(spec, dom, num_frames, size, world_seed=seed,
                            frame_index=t)[0]
        imgs.append(img)
        caps.append(W.captions(spec, rng, n=1, video=False)[0])
    return to_tensor(np.stack(imgs)), caps


def build_model(name: str = MODEL_NAME, seed: int = 0):
    import open_clip

    from ..models.clip_configs import register_model_configs
    register_model_configs()
    torch.manual_seed(seed)
    model = open_clip.create_model(name)
    tokenizer = open_clip.get_tokenizer(name)
    return model, tokenizer


def encode_text_truncated(model, text: torch.Tensor) -> torch.Tensor:
    """``model.encode_text(text)`` computed on the first ``L`` positions only,
    ``L`` the longest caption of the batch: the causal mask makes the
    end-of-text features identical, at a fraction of the cost."""
    from open_clip.transformer import text_global_pool
    L = int((text != 0).sum(1).max())
    text = text[:, :L]
    x = model.token_embedding(text) + model.positional_embedding[:L]
    x = model.transformer(x, attn_mask=model.attn_mask[:L, :L])
    x = model.ln_final(x)
    x = text_global_pool(x, text, model.text_pool_type,
                         eos_token_id=getattr(model, 'text_eos_id', None))
    if isinstance(model.text_projection, torch.nn.Linear):
        return model.text_projection(x)
    return x @ model.text_projection


def clip_loss(model, images, tokens):
    img = F.normalize(model.encode_image(images), dim=-1)
    txt = F.normalize(encode_text_truncated(model, tokens), dim=-1)
    logits = model.logit_scale.exp() * img @ txt.t()
    # captions repeated inside a batch are positives of each other
    same = (tokens[:, None, :] == tokens[None, :, :]).all(-1).float()
    target = same / same.sum(1, keepdim=True)
    loss_i = -(target * logits.log_softmax(1)).sum(1).mean()
    loss_t = -(target * logits.t().log_softmax(1)).sum(1).mean()
    return (loss_i + loss_t) / 2


def pretrain(out: Optional[str] = None, seed: int = 0, steps: int = 900,
             batch_size: int = 128, lr: float = 1e-3, wd: float = 0.1,
             warmup: int = 40, threads: Optional[int] = None,
             name: str = MODEL_NAME, log_every: int = 50, log=print,
             web: str = 'varied'):
    """Pretrain ``name`` from scratch; save an fp16 state dict to ``out``
    (loadable with ``open_clip.create_model(name, pretrained=out)``).

    Returns ``(model, info)``."""
    if threads:
        torch.set_num_threads(threads)
    model, tokenizer = build_model(name, seed)
    model.logit_scale.requires_grad_(False)       # fixed at 100
    decay, no_decay = [], []
    for n, p in model.named_parameters():
        if not p.requires_grad:
            continue
        (decay if p.ndim >= 2 and 'embedding' not in n else no_decay
         ).append(p)
    opt = torch.optim.AdamW([dict(params=decay, weight_decay=wd),
                             dict(params=no_decay, weight_decay=0.0)],
                            lr=lr, betas=(0.9, 0.98), eps=1e-6)

    def lr_at(step):
        if step < warmup:
            return lr * (step + 1) / warmup
        q = (step - warmup) / max(1, steps - warmup)
        return lr * 0.5 * (1 + math.cos(math.pi * q))

    cache = {}
    model.train()
    t0 = time.time()
    run = 0.0
    for step in range(steps):
        images, caps = web_batch(seed, step, batch_size, web=web)
        missing = [c for c in set(caps) if c not in cache]
        if missing:
            for c, tok in zip(missing, tokenizer(missing)):
                cache[c] = tok
        tokens = torch.stack([cache[c] for c in caps])
        for g in opt.param_groups:
            g['lr'] = lr_at(step)
        loss = clip_loss(model, images, tokens)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        run = loss.item() if step == 0 else 0.95 * run + 0.05 * loss.item()
        if log and (step % log_every == 0 or step == steps - 1):
            log(f'step {step + 1}/{steps} loss {run:.3f} '
                f'lr {lr_at(step):.2e} {time.time() - t0:.0f}s')
    seconds = time.time() - t0
    model.eval()
    info = dict(name=name, seed=seed, steps=steps, batch_size=batch_size,
                lr=lr, wd=wd, warmup=warmup, seconds=round(seconds, 1),
                web=web, threads=torch.get_num_threads(),
                final_loss=round(run, 4))
    if out:
        save_fp16(model, out)
    return model, info


def save_fp16(model, path: str) -> None:
    """Save ``model.state_dict()`` as fp16 tensors (a flat dict in open_clip
    / OpenAI key layout)."""
    import os
    import os.path as osp
    sd = {k: (v.half() if v.is_floating_point() else v).contiguous().clone()
          for k, v in model.state_dict().items()}
    if osp.dirname(path):
        os.makedirs(osp.dirname(path), exist_ok=True)
    tmp = path + '.tmp'
    torch.save(sd, tmp)
    os.replace(tmp, path)
