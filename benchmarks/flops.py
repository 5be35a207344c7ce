"""FLOP-derived limits: the least eval cost a model with extra tokens can
have relative to frozen CLIP, from multiply-adds per frame.

A ViT block on ``N`` tokens of width ``W`` (MLP ratio ``r``) costs
``4 N W^2`` (q, k, v, out projections) + ``2 N^2 W`` (scores and mix) +
``2 r N W^2`` (MLP) multiply-adds; the patch embedding ``P * 3 p^2 * W``.
Layer norms, softmax and the final projection are left out (< 0.5 %).

Vita-CLIP (``VitaVideoEncoder``) per frame and block: attention on
``1 + T + G + P + 1`` tokens (CLS, local prompts, global prompts, patches,
summary token; 214 for ViT-B/16 at T = 8 vs 197), the MLP on ``1 + G + P``
(205), plus its share of the per-clip work: ``cls_proj`` ``W^2`` and the
summary attention over the ``T`` frames, ``4 W^2 + 2 T W``.
"""
from typing import Optional


def block_macs(n_attn: int, n_mlp: int, width: int,
               mlp_ratio: float = 4.0) -> float:
    """Multiply-adds of one pre-norm ViT block (attention on ``n_attn``
    tokens, MLP on ``n_mlp``)."""
    return (4 * n_attn * width ** 2 + 2 * n_attn ** 2 * width +
            2 * mlp_ratio * n_mlp * width ** 2)


def _visual_shape(visual):
    width = visual.class_embedding.shape[-1]
    layers = len(visual.transformer.resblocks)
    patches = visual.positional_embedding.shape[0] - 1
    patch = visual.conv1.kernel_size[0]
    mlp = visual.transformer.resblocks[0].mlp.c_fc.out_features / width
    return width, layers, patches, patch, mlp


def frozen_macs(visual) -> float:
    """Per-frame multiply-adds of the frozen open_clip ViT."""
    w, layers, p, patch, mlp = _visual_shape(visual)
    return p * 3 * patch ** 2 * w + layers * block_macs(1 + p, 1 + p, w, mlp)


def encoder_macs(encoder, frames: int) -> Optional[float]:
    """Per-frame multiply-adds of a project video encoder at ``frames``
    frames (``None`` for an encoder this module does not know)."""
    visual = encoder.visual
    w, layers, p, patch, mlp = _visual_shape(visual)
    embed = p * 3 * patch ** 2 * w
    name = type(encoder).__name__
    if name == 'CLIPVideoEncoder':  # IVLP: n prompt tokens in every block
        n = 1 + p + encoder.prompt_tokens
        return embed + layers * block_macs(n, n, w, mlp)
    if name != 'VitaVideoEncoder':
        return None
    g = encoder.num_global
    t = frames if encoder.long_clip == 'interpolate' else min(
        frames, encoder.num_frames)
    local = t if encoder.use_local else 0
    summary = 1 if encoder.use_summary else 0
    n_attn, n_mlp = 1 + local + g + p + summary, 1 + g + p
    extra = 0.0
    if encoder.cls_proj is not None:
        extra += w ** 2
    if encoder.use_summary:
        extra += 4 * w ** 2 + 2 * t * w
    return embed + layers * (block_macs(n_attn, n_mlp, w, mlp) + extra)


def flop_limit(model, frames: int) -> Optional[float]:
    """Eval-cost limit of a recognizer relative to frozen CLIP (ratio of
    per-frame multiply-adds), or ``None``."""
    enc = getattr(model, 'video_encoder', None)
    macs = encoder_macs(enc, frames) if enc is not None else None
    return None if macs is None else macs / frozen_macs(enc.visual)


def attention_tokens(model, frames: int) -> Optional[int]:
    """Tokens per frame in the attention of a Vita-CLIP block."""
    enc = getattr(model, 'video_encoder', None)
    if type(enc).__name__ != 'VitaVideoEncoder':
        return None
    t = frames if enc.long_clip == 'interpolate' else min(frames,
                                                          enc.num_frames)
    p = enc.visual.positional_embedding.shape[0] - 1
    return 1 + (t if enc.use_local else 0) + enc.num_global + p + \
        (1 if enc.use_summary else 0)
