"""Vita-CLIP video prompts over any open_clip ViT (Wasim et al., CVPR 2023).

CLIP stays frozen; per frame ``t`` of a ``T``-frame clip the encoder adds

- a learnable **time embedding** ``(T, W)`` to every token of frame ``t``
  before ``ln_pre`` (interpolated for another frame count);
- **global prompts** ``(L, G, W)``: before block ``l`` its ``G`` tokens are
  inserted right after CLS in every frame and removed after the block (they
  go through attention and FFN);
- **local prompts** ``(L, T, W)``: ``l_t = L_l[t] + c_t`` with
  ``c_t = cls_proj_l(CLS_t)``; all ``T`` of them are inserted after CLS in
  EVERY frame's sequence for the attention only (the cross-frame path);
- a **summary token** ``s_t``: ``S = c + MHSA_l(LN_l(c))`` attends over the
  ``T`` frames' ``c``; frame ``t`` gets its own ``s_t`` at the END of its
  sequence, for the attention only.

Per block the frozen attention sees
``[CLS, l_1..l_T, G_1..G_G, patches, s_t]`` (214 tokens for ViT-B/16 at
``T = 8``); local and summary tokens leave before the frozen FFN, which runs
on ``[CLS, G, patches]``; then ``G`` leaves. Because tokens leave between
attention and FFN, each open_clip block is driven part by part
(``ln_1`` / ``attention`` / ``ls_1`` / ``ln_2`` / ``mlp`` / ``ls_2``, its own
modules, called unchanged). Output: ``ln_post(CLS) @ proj`` per frame, mean
over frames.

``cls_proj`` (the map from CLS to ``c``):

- ``'released'``: a random ``Linear(W, W)`` that stays frozen. In the
  released code (TalalWasim/Vita-CLIP) its name misses the trainable-name
  filter (``summary`` / ``local`` / ``global`` / ``time_embed``), so it never
  trains (upstream issue #9).
- ``'paper'``: the raw CLS (the paper's Eq. 6): no parameters.
- ``'trainable'``: a ``Linear(W, W)`` that trains.

More (or fewer) frames at test than at training (``num_frames``): the time
embedding and the local prompts are resized along time
(``time_interp``, ``'nearest'`` as released). ``long_clip`` chooses what the
per-frame tokens see:

- ``'interpolate'`` (default): every frame gets its own local prompt and all
  ``T'`` of them, and the summary attention, span the whole clip (any
  ``T'``; ``1 + T' + G + P + 1`` tokens per block).
- ``'chunk'``: the released behaviour. Its blocks take ``T`` from the
  constructor (``num_frames``), so a ``T'``-frame clip (``T'`` a multiple of
  ``T``) is processed as ``T' / T`` consecutive groups of ``T`` frames, each
  with its own local prompts and summary attention; the time embedding is
  still resized to ``T'`` and the output is the mean over all ``T'`` frames.
"""
import math
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.checkpoint import checkpoint

from mmaction.registry import MODELS

CLS_PROJ_MODES = ('released', 'paper', 'trainable')
LONG_CLIP_MODES = ('interpolate', 'chunk')
_BLOCK_PARTS = ('ln_1', 'attention', 'ls_1', 'ln_2', 'mlp', 'ls_2')


def _prompt_bound(patch_size: int, width: int) -> float:
    """Released init bound of the prompts: ``sqrt(6 / (3 p^2 + W))``."""
    return math.sqrt(6.0 / float(3 * patch_size * patch_size + width))


def resize_time(table: torch.Tensor, frames: int,
                mode: str = 'nearest') -> torch.Tensor:
    """``(T, W)`` -> ``(frames, W)`` along time (``F.interpolate``)."""
    if table.shape[0] == frames:
        return table
    kwargs = {} if mode == 'nearest' else dict(align_corners=False)
    out = F.interpolate(table.t().unsqueeze(0), size=frames, mode=mode,
                        **kwargs)
    return out.squeeze(0).t()


@MODELS.register_module()
class VitaVideoEncoder(nn.Module):
    """Vita-CLIP vision side (see module docstring); CLIP frozen.

    Args:
        visual: the open_clip ``VisionTransformer`` (the recognizer passes
            ``clip.visual``).
        num_frames: ``T`` of training (sizes the time embedding and local
            prompts).
        time_embed: learnable time embedding (init N(0, 0.02)).
        global_prompts: global prompts per layer (0 = off; released: 8).
        local_prompts: per-frame local prompts conditioned on the CLS.
        summary_token: per-frame summary token from attention over frames.
        cls_proj: ``'released'`` / ``'paper'`` / ``'trainable'`` (used by the
            local prompts and the summary token).
        summary_heads: heads of the summary attention (default: the blocks').
        time_interp: ``'nearest'`` (released) or ``'linear'``.
        long_clip: ``'interpolate'`` or ``'chunk'`` (released), see above.
        grad_checkpointing: recompute each block in backward when training.

    Parameters (per layer ``l`` of ``L``, width ``W``): ``time_embed``
    ``(T, W)``, ``global_prompts`` ``(L, G, W)``, ``local_prompts``
    ``(L, T, W)``, ``cls_proj.{l}`` (Linear), ``summary_ln.{l}`` (the
    blocks' LayerNorm type), ``summary_attn.{l}`` (``nn.MultiheadAttention``,
    xavier-uniform q/k/v/out, zero bias).
    """

    def __init__(self,
                 visual: Optional[nn.Module] = None,
                 num_frames: int = 8,
                 time_embed: bool = True,
                 global_prompts: int = 8,
                 local_prompts: bool = True,
                 summary_token: bool = True,
                 cls_proj: str = 'released',
                 summary_heads: Optional[int] = None,
                 time_interp: str = 'nearest',
                 long_clip: str = 'interpolate',
                 grad_checkpointing: bool = False):
        super().__init__()
        if visual is None:
            raise ValueError('VitaVideoEncoder needs `visual` (the open_clip '
                             'vision tower); build it through GA2CLIP')
        needed = ('conv1', 'class_embedding', 'positional_embedding',
                  'ln_pre', 'transformer', '_pool')
        if not all(hasattr(visual, a) for a in needed):
            raise ValueError(f'{type(visual).__name__} is not an open_clip '
                             '(>= 3.0) VisionTransformer')
        blocks = list(visual.transformer.resblocks)
        if not all(hasattr(b, p) for b in blocks for p in _BLOCK_PARTS):
            raise ValueError(
                f'VitaVideoEncoder drives open_clip ResidualAttentionBlock '
                f'parts {_BLOCK_PARTS}; {type(blocks[0]).__name__} lacks '
                'some (use a standard open_clip ViT)')
        if cls_proj not in CLS_PROJ_MODES:
            raise ValueError(f'cls_proj must be one of {CLS_PROJ_MODES}, '
                             f'got {cls_proj!r}')
        if long_clip not in LONG_CLIP_MODES:
            raise ValueError(f'long_clip must be one of {LONG_CLIP_MODES}, '
                             f'got {long_clip!r}')
        if time_interp not in ('nearest', 'linear'):
            raise ValueError(f"time_interp must be 'nearest' or 'linear', "
                             f'got {time_interp!r}')
        if num_frames < 1 or global_prompts < 0:
            raise ValueError(f'need num_frames >= 1 and global_prompts >= 0, '
                             f'got {num_frames}, {global_prompts}')
        self.visual = visual
        for p in visual.parameters():
            p.requires_grad_(False)
        self.num_frames = num_frames
        self.num_global = global_prompts
        self.use_local = local_prompts
        self.use_summary = summary_token
        self.cls_proj_mode = cls_proj
        self.time_interp = time_interp
        self.long_clip = long_clip
        self.grad_checkpointing = grad_checkpointing

        width = visual.class_embedding.shape[-1]
        n_layers = len(blocks)
        patch = visual.conv1.kernel_size[0]
        bound = _prompt_bound(patch, width)
        self.time_embed = nn.Parameter(
            torch.randn(num_frames, width) * 0.02) if time_embed else None
        self.global_prompts = nn.Parameter(torch.empty(
            n_layers, global_prompts, width).uniform_(-bound, bound)) \
            if global_prompts else None
        self.local_prompts = nn.Parameter(torch.empty(
            n_layers, num_frames, width).uniform_(-bound, bound)) \
            if local_prompts else None
        uses_cls = local_prompts or summary_token
        self.cls_proj = nn.ModuleList(
            nn.Linear(width, width) for _ in range(n_layers)) \
            if uses_cls and cls_proj != 'paper' else None
        if self.cls_proj is not None and cls_proj == 'released':
            self.cls_proj.requires_grad_(False)
        if summary_token:
            heads = summary_heads or blocks[0].attn.num_heads
            norm = type(blocks[0].ln_1)
            self.summary_ln = nn.ModuleList(norm(width)
                                            for _ in range(n_layers))
            self.summary_attn = nn.ModuleList(
                nn.MultiheadAttention(width, heads, batch_first=True)
                for _ in range(n_layers))
            for attn in self.summary_attn:
                for w in attn.in_proj_weight.data.chunk(3):  # q, k, v
                    nn.init.xavier_uniform_(w)
                nn.init.xavier_uniform_(attn.out_proj.weight)
                nn.init.zeros_(attn.in_proj_bias)
                nn.init.zeros_(attn.out_proj.bias)
        else:
            self.summary_ln = None
            self.summary_attn = None

    @property
    def embed_dim(self) -> int:
        proj = getattr(self.visual, 'proj', None)
        return proj.shape[1] if proj is not None else \
            self.visual.class_embedding.shape[-1]

    # -- pieces ------------------------------------------------------------
    def _embed(self, frames: torch.Tensor, n: int, t: int,
               prompts: bool) -> torch.Tensor:
        """``(n*t, C, H, W)`` -> ``(n*t, 1+P, W)``: patches, CLS, positions,
        time embedding, patch dropout, ``ln_pre``."""
        visual = self.visual
        x = visual.conv1(frames).flatten(2).transpose(1, 2)
        cls = visual.class_embedding.to(x.dtype).expand(x.shape[0], 1, -1)
        x = torch.cat([cls, x], dim=1) + visual.positional_embedding.to(
            x.dtype)
        if prompts and self.time_embed is not None:
            time = resize_time(self.time_embed, t, self.time_interp)
            x = (x.view(n, t, *x.shape[1:]) +
                 time.to(x.dtype)[None, :, None]).flatten(0, 1)
        x = visual.patch_dropout(x)
        return visual.ln_pre(x)

    def _attention(self, block: nn.Module, x: torch.Tensor) -> torch.Tensor:
        """``x + ls_1(attention(ln_1(x)))`` of an open_clip block."""
        h = block.ln_1(x)
        if not getattr(self.visual.transformer, 'batch_first', True):
            return x + block.ls_1(block.attention(
                q_x=h.transpose(0, 1)).transpose(0, 1))
        return x + block.ls_1(block.attention(q_x=h))

    def _block(self, i: int, x: torch.Tensor, n: int, t: int,
               local: Optional[torch.Tensor], prompts: bool) -> torch.Tensor:
        """Block ``i`` on ``(n*t, L, W)`` tokens ``[CLS, G, patches]``."""
        block = self.visual.transformer.resblocks[i]
        front = back = None
        if prompts and (local is not None or self.summary_attn is not None):
            cls = x[:, 0].view(n, t, -1)
            c = self.cls_proj[i](cls) if self.cls_proj is not None else cls
            if local is not None:  # (n, t, W): all t in every frame
                front = (local[i].to(c.dtype) + c).repeat_interleave(t, 0)
            if self.summary_attn is not None:
                h = self.summary_ln[i](c)
                s = c + self.summary_attn[i](h, h, h, need_weights=False)[0]
                back = s.reshape(n * t, 1, -1)
        k = 0 if front is None else front.shape[1]
        length = x.shape[1]
        if front is not None or back is not None:
            x = torch.cat([p for p in (x[:, :1], front, x[:, 1:], back)
                           if p is not None], dim=1)
        x = self._attention(block, x)
        if k or back is not None:
            x = torch.cat([x[:, :1], x[:, 1 + k:1 + k + length - 1]], dim=1)
        return x + block.ls_2(block.mlp(block.ln_2(x)))

    def _layer(self, i, x, n, t, local, prompts):
        """Global prompts in, block ``i``, global prompts out."""
        g = self.num_global if prompts and self.global_prompts is not None \
            else 0
        if g:
            ctx = self.global_prompts[i].to(x.dtype).expand(x.shape[0], -1, -1)
            x = torch.cat([x[:, :1], ctx, x[:, 1:]], dim=1)
        x = self._block(i, x, n, t, local, prompts)
        if g:
            x = torch.cat([x[:, :1], x[:, 1 + g:]], dim=1)
        return x

    # -- encoding ----------------------------------------------------------
    def forward(self, videos: torch.Tensor,
                prompts: bool = True) -> torch.Tensor:
        """``(N, C, T', H, W)`` clips -> ``(N, D)`` frame-mean features
        (unnormalised). ``prompts=False``: plain frozen CLIP (every part
        off)."""
        n, c, t, h, w = videos.shape
        frames = videos.permute(0, 2, 1, 3, 4).reshape(n * t, c, h, w)
        x = self._embed(frames, n, t, prompts)
        groups, per = n, t  # clips the per-frame tokens span
        if prompts and self.long_clip == 'chunk' and t != self.num_frames \
                and (self.use_local or self.use_summary):
            if t % self.num_frames:
                raise ValueError(
                    f"long_clip='chunk' (released behaviour) needs a frame "
                    f'count that is a multiple of num_frames='
                    f'{self.num_frames}, got {t}; sample a multiple or set '
                    "video_encoder.long_clip='interpolate'")
            groups, per = n * (t // self.num_frames), self.num_frames
        local = None
        if prompts and self.local_prompts is not None:
            local = torch.stack([resize_time(lp, per, self.time_interp)
                                 for lp in self.local_prompts])
        ckpt = self.grad_checkpointing and self.training and \
            torch.is_grad_enabled()
        for i in range(len(self.visual.transformer.resblocks)):
            if ckpt:
                x = checkpoint(self._layer, i, x, groups, per, local, prompts,
                               use_reentrant=False)
            else:
                x = self._layer(i, x, groups, per, local, prompts)
        pooled, _ = self.visual._pool(x)
        if getattr(self.visual, 'proj', None) is not None:
            pooled = pooled @ self.visual.proj
        return pooled.view(n, t, -1).mean(dim=1)
