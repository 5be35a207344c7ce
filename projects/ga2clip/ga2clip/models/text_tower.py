"""A thin view of open_clip's text tower that accepts token embeddings.

``CLIPTextTower`` holds references to the modules of an open_clip ``CLIP``
(``token_embedding``, ``positional_embedding``, ``transformer``,
``ln_final``, ``text_projection``, causal ``attn_mask``) or of a
``CustomTextCLIP``'s ``TextTransformer``; it copies none of their code. It
adds what prompt learners need: encoding from (prompted) token embeddings,
per-layer prompt replacement, and the exact fast path that cuts every
sequence after the last pooled (EOT) position of the batch.
"""
from typing import List, Optional, Sequence, Tuple

import torch
from torch import nn

from .blocks import run_blocks


class CLIPTextTower(nn.Module):
    """open_clip text tower, driven from token embeddings.

    Args:
        clip: an open_clip ``CLIP`` / ``CustomTextCLIP`` (only its text
            modules are referenced).
        tokenizer: the open_clip tokenizer of that model.
        fast: encode each batch truncated to its longest pooled position
            (exact with a causal mask; see :meth:`forward`).
        bucket_size: with ``fast``, batches larger than this are sorted by
            pooled position and encoded in chunks of ``bucket_size``
            sequences, each cut to its own longest one (same features, less
            padding: a vocabulary of short and long names). ``0``: off.
    """

    def __init__(self, clip: nn.Module, tokenizer, fast: bool = True,
                 bucket_size: int = 64):
        super().__init__()
        src = clip.text if hasattr(clip, 'text') else clip
        if not hasattr(src, 'token_embedding') or not hasattr(
                src, 'transformer'):
            raise ValueError(
                f'{type(src).__name__} is not an open_clip text transformer '
                '(HF text towers are not supported)')
        if getattr(src, 'cls_emb', None) is not None:
            raise ValueError('CoCa-style text towers (cls_emb) are not '
                             'supported')
        self.token_embedding = src.token_embedding
        self.positional_embedding = src.positional_embedding
        self.transformer = src.transformer
        self.ln_final = src.ln_final
        self.text_projection = src.text_projection
        self.pool_type = getattr(src, 'text_pool_type', None) or getattr(
            src, 'pool_type', 'argmax')
        self.eos_id = getattr(src, 'text_eos_id', None) or getattr(
            src, 'eos_id', None)
        self.register_buffer('attn_mask', src.attn_mask, persistent=False)
        self.tokenizer = tokenizer
        self.fast = fast
        self.bucket_size = int(bucket_size)
        self.grad_checkpointing = False
        # per-block hooks handed over by the recognizer (e.g. MSTA adapters):
        # ``block_hooks()`` -> one entry per block, see run_blocks; skipped
        # with ``adapters=False`` (the frozen prompt-free path)
        self.block_hooks = None

    @property
    def width(self) -> int:
        return self.token_embedding.weight.shape[1]

    @property
    def context_length(self) -> int:
        return self.positional_embedding.shape[0]

    # -- tokens ------------------------------------------------------------
    def tokenize(self, texts: Sequence[str]) -> torch.Tensor:
        tokens = self.tokenizer(list(texts))
        return tokens.to(self.token_embedding.weight.device)

    def pool_index(self, tokens: torch.Tensor) -> torch.Tensor:
        """Position whose feature open_clip pools, per sequence ``(N,)``."""
        n, length = tokens.shape
        if self.pool_type == 'argmax':
            return tokens.argmax(dim=-1)
        if self.pool_type == 'eos':
            return (tokens == self.eos_id).int().argmax(dim=-1)
        if self.pool_type == 'first':
            return tokens.new_zeros(n)
        if self.pool_type == 'last':
            return tokens.new_full((n, ), length - 1)
        raise ValueError(f'text pool type {self.pool_type!r} is not supported')

    def embed(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.token_embedding(tokens)

    # -- encoding ----------------------------------------------------------
    def forward(self,
                embeds: torch.Tensor,
                pool_idx: torch.Tensor,
                deep_prompts: Optional[torch.Tensor] = None,
                span: Optional[Tuple[int, int]] = None,
                fast: Optional[bool] = None,
                adapters: bool = True) -> torch.Tensor:
        """Text features from token embeddings.

        Args:
            embeds: ``(N, L, W)`` token embeddings (prompt tokens included).
            pool_idx: ``(N,)`` pooled (EOT) positions.
            deep_prompts / span: per-layer prompts, see
                :func:`ga2clip.models.blocks.run_blocks`.
            fast: override :attr:`fast`. With a causal mask, tokens after
                position ``p`` cannot change the feature at ``p``, so the
                batch is cut to ``max(pool_idx) + 1`` tokens (positional
                embedding and mask sliced to match): same result, less work.
                Batches larger than :attr:`bucket_size` are sorted by
                ``pool_idx`` and cut chunk by chunk.
            adapters: run :attr:`block_hooks` (if set); ``False`` for the
                frozen encoder.

        Returns:
            ``(N, D)`` projected, unnormalised features.
        """
        fast = self.fast if fast is None else fast
        hooks = self.block_hooks() if adapters and \
            self.block_hooks is not None else None
        n = embeds.shape[0]
        if fast and self.attn_mask is not None and \
                0 < self.bucket_size < n:
            order = pool_idx.argsort()
            chunks = [self._encode(embeds[idx], pool_idx[idx], deep_prompts,
                                   span, True, hooks)
                      for idx in order.split(self.bucket_size)]
            return torch.cat(chunks)[order.argsort()]
        return self._encode(embeds, pool_idx, deep_prompts, span, fast, hooks)

    def _encode(self, embeds, pool_idx, deep_prompts, span, fast,
                hooks=None):
        length = embeds.shape[1]
        if fast and self.attn_mask is not None:
            length = int(pool_idx.max()) + 1
            if span is not None:
                length = max(length, span[1])
            embeds = embeds[:, :length]
        x = embeds + self.positional_embedding[:length].to(embeds.dtype)
        mask = None
        if self.attn_mask is not None:
            mask = self.attn_mask[:length, :length].to(x.dtype)
        x = run_blocks(self.transformer, x, attn_mask=mask,
                       deep_prompts=deep_prompts, span=span,
                       grad_checkpointing=self.grad_checkpointing
                       and self.training, block_hooks=hooks)
        x = x[torch.arange(x.shape[0], device=x.device), pool_idx]
        x = self.ln_final(x)
        proj = self.text_projection
        if proj is None:
            return x
        if isinstance(proj, nn.Linear):
            return proj(x)
        return x @ proj

    def encode_tokens(self, tokens: torch.Tensor,
                      fast: Optional[bool] = None) -> torch.Tensor:
        """Plain (prompt-free) features of token ids, like ``encode_text``."""
        return self(self.embed(tokens), self.pool_index(tokens), fast=fast,
                    adapters=False)

    def encode_texts(self, texts: Sequence[str], batch_size: int = 256,
                     fast: Optional[bool] = None) -> torch.Tensor:
        """Plain features of sentences, in chunks of ``batch_size``."""
        out: List[torch.Tensor] = []
        texts = list(texts)
        for i in range(0, len(texts), batch_size):
            out.append(self.encode_tokens(self.tokenize(texts[i:i + batch_size]),
                                          fast=fast))
        return torch.cat(out)
