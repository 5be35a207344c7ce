"""MSTA: multi-modal spatio-temporal adapters on both CLIP towers.

An adaptation onto open_clip's (frame-wise) CLIP ViT: the paper (CVPR 2025,
no code released) uses a ViCLIP-B/16 backbone, which open_clip lacks.

At each block ``k`` in ``[start, end]`` (1-indexed) of BOTH towers::

    x_k = Block_k(x_{k-1}) + lam * A_k(ln_1,k(x_{k-1}))

- text:   ``A_t = up_t(drop(ReLU(shared_k(ReLU(down_t(x))))))``;
- vision: ``h = drop(ReLU(shared_k(ReLU(down_v(x)))))``,
  ``A_v = up_s(h) + up_temporal(h)``, ``up_temporal`` a depthwise
  ``Conv3d(d, W_v, (3, 1, 1), groups=d, padding='same')`` over the frames of
  each clip (frame-wise port: ``(B*T, N, d) -> (B, d, T, N) -> conv ->
  back``).

``shared_k`` (``d -> d``) is ONE module per layer used by both towers: the
:class:`MSTAAdapters` module belongs to the recognizer
(:class:`~ga2clip.models.GA2CLIP`, ``adapters=``), which hands per-block
hooks to both towers (``block_hooks`` of the video encoder and of the text
tower, run by :func:`ga2clip.models.blocks.run_blocks`). The frozen
prompt-free text path (``encode_plain``) and the frozen video path
(``prompts=False``) run no hook.

``grad_scaling=True`` is the gradient scaling of the same adapter family's
released code (MMA): the gradient into the adapter input is multiplied by
``lam`` and the one at its output by ``1 / lam`` (forward unchanged), so the
adapter weights learn as if ``lam`` were 1 while the backbone input sees a
``lam``-sized signal.
"""
from typing import Callable, List, Optional, Sequence

import torch
from torch import nn

from mmaction.registry import MODELS


class _ScaleGrad(torch.autograd.Function):
    """Identity forward; gradient times ``scale`` backward."""

    @staticmethod
    def forward(ctx, x, scale):
        ctx.scale = scale
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.scale, None


def scale_grad(x: torch.Tensor, scale: float) -> torch.Tensor:
    """``x`` with its gradient multiplied by ``scale``."""
    return _ScaleGrad.apply(x, scale)


def _kaiming(module: nn.Module) -> None:
    """Kaiming normal (fan_out, relu) weights, zero bias (as MMA)."""
    for m in module.modules():
        if isinstance(m, (nn.Linear, nn.Conv3d)):
            nn.init.kaiming_normal_(m.weight, mode='fan_out',
                                    nonlinearity='relu')
            if m.bias is not None:
                nn.init.zeros_(m.bias)


class TextAdapter(nn.Module):
    """``up(drop(ReLU(shared(ReLU(down(x))))))`` on ``(N, L, W_t)``."""

    def __init__(self, width: int, dim: int, dropout: float):
        super().__init__()
        self.down = nn.Linear(width, dim)
        self.up = nn.Linear(dim, width)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, shared: nn.Module) -> torch.Tensor:
        h = torch.relu(shared(torch.relu(self.down(x))))
        return self.up(self.drop(h))


class VisionAdapter(nn.Module):
    """``up_s(h) + up_temporal(h)``, ``h = drop(ReLU(shared(ReLU(down(x)))))``
    on ``(B*T, N, W_v)`` tokens of ``B`` clips of ``T`` frames.

    ``temporal=False`` drops ``up_temporal`` (ablation: frame-wise only).
    """

    def __init__(self, width: int, dim: int, dropout: float,
                 temporal: bool = True, kernel: int = 3):
        super().__init__()
        self.down = nn.Linear(width, dim)
        self.up_s = nn.Linear(dim, width)
        self.up_temporal = nn.Conv3d(
            dim, width, (kernel, 1, 1), groups=dim,
            padding='same') if temporal else None
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, shared: nn.Module,
                frames: int) -> torch.Tensor:
        h = self.drop(torch.relu(shared(torch.relu(self.down(x)))))
        out = self.up_s(h)
        if self.up_temporal is not None:
            m, n, d = h.shape
            if m % frames:
                raise ValueError(f'MSTA vision adapter: {m} frames is not a '
                                 f'multiple of the clip length {frames}')
            # (B*T, N, d) -> (B, d, T, N, 1) -> conv over T -> (B*T, N, W)
            v = h.view(m // frames, frames, n, d).permute(0, 3, 1, 2)
            v = self.up_temporal(v.unsqueeze(-1)).squeeze(-1)
            out = out + v.permute(0, 2, 3, 1).reshape(m, n, -1)
        return out


@MODELS.register_module()
class MSTAAdapters(nn.Module):
    """The adapters of both towers and their shared layers (see module doc).

    Args:
        text_width / vision_width: token widths of the towers; and
        text_layers / vision_layers: their block counts (all four passed by
            the recognizer).
        dim: bottleneck ``d`` (paper: 256 for base-to-novel, 128 otherwise).
        blocks: ``(start, end)``, 1-indexed and inclusive, of the blocks with
            adapters in both towers; ``None`` or ``start > end``: none.
        scale: ``lam`` (paper: 0.005; zero-shot 0.001). ``0``: adapters off
            (the model is the frozen CLIP).
        grad_scaling: MMA's gradient scaling (see module doc).
        dropout: dropout of the bottleneck (0.1).
        temporal: the vision adapters' temporal convolution (ablation off).
        text / vision: adapters on that tower (both for MSTA).

    Parameters per layer ``k``: ``shared.{k}`` (Linear d->d),
    ``text.{k}.down/up``, ``vision.{k}.down/up_s/up_temporal``; at
    ``d = 128`` with ViT-B/16 widths: 16,512 + 131,712 + 197,504 + 3,072 =
    348,800 (blocks 8-12: 1,744,000).
    """

    def __init__(self, text_width: int = 512, vision_width: int = 768,
                 text_layers: int = 12, vision_layers: int = 12,
                 dim: int = 128, blocks: Optional[Sequence[int]] = (8, 12),
                 scale: float = 0.005, grad_scaling: bool = False,
                 dropout: float = 0.1, temporal: bool = True,
                 text: bool = True, vision: bool = True):
        super().__init__()
        n_layers = min(text_layers, vision_layers) if text and vision else \
            (text_layers if text else vision_layers)
        if blocks is None:
            start, end = 1, 0
        else:
            if len(blocks) != 2:
                raise ValueError(f'MSTAAdapters blocks must be (start, end), '
                                 f'got {blocks}')
            start, end = int(blocks[0]), int(blocks[1])
        if start <= end and not 1 <= start <= end <= n_layers:
            raise ValueError(f'MSTAAdapters blocks {tuple(blocks)} must lie '
                             f'in 1..{n_layers} (1-indexed, inclusive)')
        if dim < 1 or scale < 0:
            raise ValueError(f'MSTAAdapters needs dim >= 1 and scale >= 0, '
                             f'got dim={dim}, scale={scale}')
        self.layers = list(range(start - 1, end)) if start <= end else []
        self.text_layers, self.vision_layers = text_layers, vision_layers
        self.dim = dim
        self.scale = float(scale)
        self.grad_scaling = bool(grad_scaling)
        keys = [str(i) for i in self.layers]
        self.shared = nn.ModuleDict({k: nn.Linear(dim, dim) for k in keys})
        self.text = nn.ModuleDict(
            {k: TextAdapter(text_width, dim, dropout) for k in keys}) \
            if text else None
        self.vision = nn.ModuleDict(
            {k: VisionAdapter(vision_width, dim, dropout, temporal)
             for k in keys}) if vision else None
        _kaiming(self)

    @property
    def active(self) -> bool:
        return bool(self.layers) and self.scale > 0

    def _residual(self, block: nn.Module, x_in: torch.Tensor,
                  adapter: Callable) -> torch.Tensor:
        h = block.ln_1(x_in)
        lam = self.scale
        if self.grad_scaling:
            return lam * scale_grad(adapter(scale_grad(h, lam)), 1.0 / lam)
        return lam * adapter(h)

    def _hooks(self, adapters, n_blocks, make) -> List[Optional[Callable]]:
        hooks: List[Optional[Callable]] = [None] * n_blocks
        if adapters is None or not self.active:
            return hooks
        for i in self.layers:
            hooks[i] = make(adapters[str(i)], self.shared[str(i)])
        return hooks

    def text_hooks(self) -> List[Optional[Callable]]:
        """Per-block hooks of the text tower (``None``: no adapter)."""
        def make(adapter, shared):
            def hook(block, x_in, x_out):
                return x_out + self._residual(
                    block, x_in, lambda h: adapter(h, shared)).to(x_out.dtype)
            return hook
        return self._hooks(self.text, self.text_layers, make)

    def vision_hooks(self, frames: int = 1) -> List[Optional[Callable]]:
        """Per-block hooks of the vision tower for clips of ``frames``
        frames (the tokens of a block are ``(B*frames, N, W)``)."""
        def make(adapter, shared):
            def hook(block, x_in, x_out):
                return x_out + self._residual(
                    block, x_in,
                    lambda h: adapter(h, shared, frames)).to(x_out.dtype)
            return hook
        return self._hooks(self.vision, self.vision_layers, make)

    def attach(self, video_encoder: nn.Module, text_tower: nn.Module) -> None:
        """Hand the hooks to both towers (they keep a plain reference to the
        bound methods; the parameters stay registered here only)."""
        for name, target, tower in (('video encoder', video_encoder,
                                     self.vision),
                                    ('text tower', text_tower, self.text)):
            if tower is None:
                continue
            if not hasattr(target, 'block_hooks'):
                raise ValueError(
                    f'MSTA adapters: the {name} {type(target).__name__} has '
                    'no per-block hooks (block_hooks); use CLIPVideoEncoder '
                    'and a text head on CLIPTextTower')
        if self.vision is not None:
            video_encoder.block_hooks = self.vision_hooks
        if self.text is not None:
            text_tower.block_hooks = self.text_hooks

    def vision_named_parameters(self):
        """Parameters that act on the vision side (vision adapters and the
        shared layers)."""
        if self.vision is None:
            return []
        return [(f'vision.{n}', p) for n, p in self.vision.named_parameters()
                ] + [(f'shared.{n}', p)
                     for n, p in self.shared.named_parameters()]
