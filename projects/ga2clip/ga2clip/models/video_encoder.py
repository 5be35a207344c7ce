"""Video encoder over any open_clip ViT, with IVLP deep vision prompts."""
from typing import Optional

import torch
from torch import nn

from mmaction.registry import MODELS

from .blocks import run_blocks

TRAIN_MODES = ('frozen', 'full', 'partial')


@MODELS.register_module()
class CLIPVideoEncoder(nn.Module):
    """Frames -> per-frame CLS feature -> projection -> mean over frames.

    Each frame goes through open_clip's ``VisionTransformer`` (its own
    embedding, blocks, pooling, ``ln_post`` and ``proj``; we only iterate the
    blocks ourselves). With ``prompt_tokens = n > 0`` and
    ``prompt_depth = d >= 1``, ``n`` learnable tokens are appended after
    CLS + patches before ``ln_pre`` (``ln_pre`` is per token, so it is applied
    to them separately) and replaced by per-layer tokens before blocks
    ``1 .. d-1``; they are dropped before pooling.

    Args:
        visual: the open_clip ``VisionTransformer`` (the recognizer passes
            ``clip.visual``).
        prompt_tokens: number of deep vision prompt tokens (0 = off).
        prompt_depth: number of blocks that get prompt tokens (IVLP: 9).
        init_std: std of the normal init of the prompts (official: 0.02).
        train_mode: ``'frozen'`` (backbone frozen), ``'full'`` (all
            backbone weights train) or ``'partial'`` (the last
            ``trainable_blocks`` blocks, ``ln_post`` and ``proj`` train).
        trainable_blocks: see ``train_mode='partial'``.
        grad_checkpointing: recompute blocks in backward when training.
    """

    def __init__(self,
                 visual: Optional[nn.Module] = None,
                 prompt_tokens: int = 0,
                 prompt_depth: int = 0,
                 init_std: float = 0.02,
                 train_mode: str = 'frozen',
                 trainable_blocks: int = 0,
                 grad_checkpointing: bool = False):
        super().__init__()
        if visual is None:
            raise ValueError('CLIPVideoEncoder needs `visual` (the open_clip '
                             'vision tower); build it through GA2CLIP')
        # open_clip 3.x VisionTransformer: we reuse its `_embeds` (patch
        # embedding, CLS, positions, ln_pre) and `_pool` (ln_post, pooling).
        if not all(hasattr(visual, a) for a in ('transformer', '_embeds',
                                                 '_pool')):
            raise ValueError(f'{type(visual).__name__} is not an open_clip '
                             '(>= 3.0) VisionTransformer')
        if train_mode not in TRAIN_MODES:
            raise ValueError(f'train_mode must be one of {TRAIN_MODES}, '
                             f'got {train_mode!r}')
        self.visual = visual
        self.grad_checkpointing = grad_checkpointing
        # per-block hooks handed over by the recognizer (e.g. MSTA adapters):
        # ``block_hooks(frames=T)`` -> one entry per block, see run_blocks;
        # not run on the frozen path (``prompts=False``)
        self.block_hooks = None
        n_blocks = len(visual.transformer.resblocks)
        if prompt_tokens > 0 and not 1 <= prompt_depth <= n_blocks:
            raise ValueError(f'prompt_depth must be in 1..{n_blocks} when '
                             f'prompt_tokens > 0, got {prompt_depth}')
        self.prompt_tokens = prompt_tokens if prompt_depth > 0 else 0
        width = visual.class_embedding.shape[-1]
        if self.prompt_tokens:
            self.prompts = nn.Parameter(
                torch.randn(prompt_tokens, width) * init_std)
            self.deep_prompts = nn.Parameter(
                torch.randn(prompt_depth - 1, prompt_tokens, width) *
                init_std) if prompt_depth > 1 else None
        else:
            self.prompts = None
            self.deep_prompts = None

        for p in self.visual.parameters():
            p.requires_grad_(train_mode == 'full')
        if train_mode == 'partial':
            tuned = list(visual.transformer.resblocks)[
                n_blocks - trainable_blocks:] if trainable_blocks else []
            tuned += [getattr(visual, 'ln_post', None)]
            for module in tuned:
                if module is not None:
                    for p in module.parameters():
                        p.requires_grad_(True)
            if getattr(visual, 'proj', None) is not None:
                visual.proj.requires_grad_(True)

    @property
    def embed_dim(self) -> int:
        proj = getattr(self.visual, 'proj', None)
        return proj.shape[1] if proj is not None else \
            self.visual.class_embedding.shape[-1]

    def encode_frames(self, frames: torch.Tensor,
                      prompts: bool = True,
                      num_frames: int = 1) -> torch.Tensor:
        """``(M, C, H, W)`` frames -> ``(M, D)`` unnormalised features
        (``M`` = clips x ``num_frames``, frames of a clip consecutive: the
        block hooks see clips)."""
        visual = self.visual
        x = visual._embeds(frames)  # conv, CLS, pos-emb, ln_pre
        use_prompts = prompts and self.prompts is not None
        n = self.prompt_tokens if use_prompts else 0
        if use_prompts:
            ctx = visual.ln_pre(self.prompts.to(x.dtype))
            x = torch.cat([x, ctx.expand(x.shape[0], -1, -1)], dim=1)
        deep = self.deep_prompts if use_prompts else None
        if deep is not None:
            deep = deep.to(x.dtype)
        length = x.shape[1]
        x = run_blocks(visual.transformer, x, deep_prompts=deep,
                       span=(length - n, length),
                       grad_checkpointing=self.grad_checkpointing
                       and self.training,
                       block_hooks=self.block_hooks(frames=num_frames)
                       if prompts and self.block_hooks is not None else None)
        if n:
            x = x[:, :length - n]
        pooled, _ = visual._pool(x)
        if getattr(visual, 'proj', None) is not None:
            pooled = pooled @ visual.proj
        return pooled

    def forward(self, videos: torch.Tensor, prompts: bool = True) -> torch.Tensor:
        """``(N, C, T, H, W)`` clips -> ``(N, D)`` frame-mean features
        (unnormalised; the recognizer L2-normalises)."""
        n, c, t, h, w = videos.shape
        frames = videos.permute(0, 2, 1, 3, 4).reshape(n * t, c, h, w)
        feats = self.encode_frames(frames, prompts=prompts, num_frames=t)
        return feats.view(n, t, -1).mean(dim=1)
