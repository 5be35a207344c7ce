"""Running open_clip's transformer blocks with per-layer prompt tokens.

Both towers use this: we iterate ``transformer.resblocks`` ourselves, calling
each open_clip block unchanged, and between blocks replace a span of prompt
tokens by that layer's own learnable tokens (IVLP / ViFi-CLIP deep prompts),
and optionally pass each block's input and output to a per-block hook
(adapters, e.g. MSTA's, add their residual there).
"""
from functools import partial
from typing import Callable, Optional, Sequence, Tuple

import torch
from torch import nn
from torch.utils.checkpoint import checkpoint


def run_blocks(transformer: nn.Module,
               x: torch.Tensor,
               attn_mask: Optional[torch.Tensor] = None,
               deep_prompts: Optional[torch.Tensor] = None,
               span: Optional[Tuple[int, int]] = None,
               grad_checkpointing: bool = False,
               block_hooks: Optional[Sequence[Optional[Callable]]] = None
               ) -> torch.Tensor:
    """Run every block of an open_clip ``Transformer`` on ``x``.

    Args:
        transformer: open_clip ``Transformer`` (``resblocks``, ``batch_first``).
        x: tokens, ``(N, L, W)`` (batch first, whatever the transformer's own
            layout: it is transposed around each block when needed).
        attn_mask: additive mask ``(L, L)`` or ``None``.
        deep_prompts: ``(d - 1, n, W)``: before block ``i`` (``1 <= i < d``)
            the tokens ``x[:, span[0]:span[1]]`` (``n`` of them) are replaced
            by ``deep_prompts[i - 1]``. Blocks ``>= d`` keep whatever the
            previous block produced there (as the official code does).
        span: ``(start, stop)`` of the prompt tokens in the sequence.
        grad_checkpointing: recompute each block in backward (training).
        block_hooks: one entry per block (a shorter list leaves the rest
            alone), ``None`` or ``hook(block, x_in, x_out) -> x_out`` on
            batch-first ``(N, L, W)`` tensors: ``x_in`` the block's input
            (after any prompt replacement), ``x_out`` its output.

    Returns:
        ``(N, L, W)``.
    """
    batch_first = getattr(transformer, 'batch_first', True)
    n_deep = 0 if deep_prompts is None else deep_prompts.shape[0]
    for i, block in enumerate(transformer.resblocks):
        if 1 <= i <= n_deep:
            start, stop = span
            ctx = deep_prompts[i - 1].to(x.dtype).expand(x.shape[0], -1, -1)
            x = torch.cat([x[:, :start], ctx, x[:, stop:]], dim=1)
        hook = block_hooks[i] if block_hooks is not None and \
            i < len(block_hooks) else None
        x_in = x
        if not batch_first:
            x = x.transpose(0, 1)
        fn = partial(block, attn_mask=attn_mask)
        if grad_checkpointing and torch.is_grad_enabled() and x.requires_grad:
            x = checkpoint(fn, x, use_reentrant=False)
        else:
            x = fn(x)
        if not batch_first:
            x = x.transpose(0, 1)
        if hook is not None:
            x = hook(block, x_in, x)
    return x
