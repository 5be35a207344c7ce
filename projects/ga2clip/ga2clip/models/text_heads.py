"""Text heads: class names of a vocabulary -> text features.

All heads share one interface, used by :class:`~ga2clip.models.GA2CLIP`:

- ``head(class_names) -> (C, D)`` text features (unnormalised);
- ``head.encode_plain(sentences) -> (N, D)``: the frozen, prompt-free CLIP
  text encoder (same tower, prompts off), used for negative prompts and
  attribute banks; no graph is built.

Heads:

- :class:`TemplateTextHead`: hand-written templates (zero-shot CLIP),
  optionally an ensemble (mean of normalised features).
- :class:`IVLPTextHead`: ``[SOS] X*n {class}. [EOS]`` with ``n`` learnable
  context tokens and per-layer tokens to depth ``d`` (ViFi-CLIP VL prompts).
- :class:`GA2TextHead`: IVLP whose layer-0 context is
  ``MLP(concat(hard, soft))`` with a frozen hard prompt kept in a buffer.
"""
import logging
from collections import OrderedDict
from typing import Dict, Optional, Sequence, Tuple

import torch
from mmengine.logging import print_log
from torch import nn

from mmaction.registry import MODELS

from .text_tower import CLIPTextTower
from .weights import torch_load, unwrap_state_dict

DEFAULT_TEMPLATE = 'a video of a person {}.'


def check_class_names(names: Sequence[str], vocab: str = '') -> list:
    """Validate a class list: non-empty, non-blank, no duplicates."""
    where = f' of vocabulary {vocab!r}' if vocab else ''
    if isinstance(names, str) or names is None:
        raise ValueError(f'class names{where} must be a list of strings, '
                         f'got {type(names).__name__}')
    names = [str(n) for n in names]
    if not names:
        raise ValueError(f'class list{where} is empty')
    blank = [i for i, n in enumerate(names) if not n.strip()]
    if blank:
        raise ValueError(f'class list{where} has blank names at indices '
                         f'{blank[:5]}')
    seen, dups = set(), []
    for n in names:
        if n in seen and n not in dups:
            dups.append(n)
        seen.add(n)
    if dups:
        raise ValueError(f'class list{where} has duplicated names: '
                         f'{dups[:5]}')
    return names


class BaseTextHead(nn.Module):
    """Owns the (shared) open_clip text tower; see module docstring.

    Args:
        clip: the open_clip model (passed by the recognizer).
        tokenizer: its tokenizer (passed by the recognizer).
        train_text: ``False`` freezes the text tower (official setting).
        fast: exact fast text path (truncate after the longest EOT).
        bucket_size: with ``fast``, vocabularies larger than this are
            encoded in chunks of similar length, each truncated to its own
            longest EOT (exact; ``0`` = one chunk).
        grad_checkpointing: recompute text blocks in backward.
        plain_template: template of the frozen prompt-free encoder when it is
            given class names (attribute banks).
    """
    _TOKEN_CACHE = 16

    def __init__(self, clip=None, tokenizer=None, train_text: bool = False,
                 fast: bool = True, grad_checkpointing: bool = False,
                 plain_template: str = DEFAULT_TEMPLATE,
                 bucket_size: int = 64):
        super().__init__()
        if clip is None or tokenizer is None:
            raise ValueError(f'{type(self).__name__} needs `clip` and '
                             '`tokenizer`; build it through GA2CLIP')
        self.text = CLIPTextTower(clip, tokenizer, fast=fast,
                                  bucket_size=bucket_size)
        self.text.grad_checkpointing = grad_checkpointing
        for p in self.text.parameters():
            p.requires_grad_(train_text)
        self.plain_template = plain_template
        self._tokens: 'OrderedDict[Tuple, Tuple]' = OrderedDict()

    @property
    def embed_dim(self) -> int:
        proj = self.text.text_projection
        if proj is None:
            return self.text.width
        return proj.out_features if isinstance(proj, nn.Linear) else proj.shape[1]

    def _cached_tokens(self, texts: Tuple[str, ...]):
        """Token ids and pooled positions of ``texts`` (small LRU cache)."""
        hit = self._tokens.get(texts)
        device = self.text.token_embedding.weight.device
        if hit is None or hit[0].device != device:
            tokens = self.text.tokenize(texts)
            hit = (tokens, self.text.pool_index(tokens))
            self._tokens[texts] = hit
            while len(self._tokens) > self._TOKEN_CACHE:
                self._tokens.popitem(last=False)
        self._tokens.move_to_end(texts)
        return hit

    @torch.no_grad()
    def encode_plain(self, texts: Sequence[str]) -> torch.Tensor:
        """Frozen prompt-free CLIP features of full sentences (no graph)."""
        tokens, pool = self._cached_tokens(tuple(texts))
        return self.text(self.text.embed(tokens), pool, adapters=False)

    def encode_plain_names(self, names: Sequence[str]) -> torch.Tensor:
        """Frozen prompt-free features of ``plain_template.format(name)``."""
        return self.encode_plain([self.plain_template.format(n) for n in names])

    def forward(self, class_names: Sequence[str]) -> torch.Tensor:
        raise NotImplementedError


@MODELS.register_module()
class TemplateTextHead(BaseTextHead):
    """Hand-crafted templates (zero-shot CLIP).

    Args:
        templates: one or more ``str.format`` templates with one ``{}``. With
            one template the raw CLIP text feature is returned (equal to
            open_clip ``encode_text``); with several, the mean of the
            L2-normalised features (prompt ensembling).
        **kwargs: see :class:`BaseTextHead`.
    """

    def __init__(self, templates: Sequence[str] = (DEFAULT_TEMPLATE, ),
                 **kwargs):
        super().__init__(**kwargs)
        if isinstance(templates, str):
            templates = [templates]
        templates = list(templates)
        if not templates or any('{}' not in t for t in templates):
            raise ValueError(f'templates must be non-empty strings with one '
                             f'"{{}}", got {templates}')
        self.templates = templates

    def forward(self, class_names: Sequence[str]) -> torch.Tensor:
        names = [n.replace('_', ' ') for n in class_names]
        feats = []
        for template in self.templates:
            tokens, pool = self._cached_tokens(
                tuple(template.format(n) for n in names))
            feats.append(self.text(self.text.embed(tokens), pool))
        if len(feats) == 1:
            return feats[0]
        feats = torch.stack([f / f.norm(dim=-1, keepdim=True) for f in feats])
        return feats.mean(dim=0)


@MODELS.register_module()
class IVLPTextHead(BaseTextHead):
    """Deep learnable text prompts (ViFi-CLIP VL prompting / IVLP).

    The prompt of class ``c`` is ``[SOS] X*n c. [EOS]``: the ``n`` context
    token embeddings are replaced by learnable vectors at the input and, in
    blocks ``1 .. depth-1``, by each block's own learnable vectors.

    Args:
        n_ctx: context tokens (official: 16).
        depth: blocks with prompt tokens, including the input (official: 9).
        ctx_init: for ``n_ctx <= 4`` the context starts from the embeddings of
            these words (and they replace the ``X`` placeholders), as in the
            official code; otherwise random init.
        init_std: std of the random init (official: 0.02).
        **kwargs: see :class:`BaseTextHead`.

    Parameters: ``ctx`` ``(n_ctx, width)``, ``deep_prompts``
    ``(depth - 1, n_ctx, width)``.
    """

    def __init__(self, n_ctx: int = 16, depth: int = 9,
                 ctx_init: Optional[str] = 'a video of a person',
                 init_std: float = 0.02, **kwargs):
        super().__init__(**kwargs)
        n_blocks = len(self.text.transformer.resblocks)
        if n_ctx < 1 or not 1 <= depth <= n_blocks:
            raise ValueError(f'need n_ctx >= 1 and depth in 1..{n_blocks}, '
                             f'got n_ctx={n_ctx}, depth={depth}')
        self.n_ctx = n_ctx
        self.depth = depth
        width = self.text.width
        if ctx_init and n_ctx <= 4:
            tokens = self.text.tokenize([ctx_init])
            n_words = int(self.text.pool_index(tokens)[0]) - 1
            if n_words < n_ctx:
                raise ValueError(f'ctx_init {ctx_init!r} has {n_words} tokens, '
                                 f'fewer than n_ctx={n_ctx}')
            with torch.no_grad():
                ctx = self.text.embed(tokens)[0, 1:1 + n_ctx].clone().float()
            self.prefix = ctx_init.replace('_', ' ')
        else:
            ctx = torch.randn(n_ctx, width) * init_std
            self.prefix = ' '.join(['X'] * n_ctx)
        self.ctx = nn.Parameter(ctx)
        self.deep_prompts = nn.Parameter(
            torch.randn(depth - 1, n_ctx, width) *
            init_std) if depth > 1 else None

    def prompt_texts(self, class_names: Sequence[str]) -> Tuple[str, ...]:
        return tuple(f'{self.prefix} {n.replace("_", " ")}.'
                     for n in class_names)

    def context(self, num_classes: int) -> torch.Tensor:
        """Layer-0 context per class, ``(C, n_ctx, width)``."""
        return self.ctx.unsqueeze(0).expand(num_classes, -1, -1)

    def forward(self, class_names: Sequence[str]) -> torch.Tensor:
        tokens, pool = self._cached_tokens(self.prompt_texts(class_names))
        embeds = self.text.embed(tokens)
        ctx = self.context(len(class_names)).to(embeds.dtype)
        n = self.n_ctx
        embeds = torch.cat([embeds[:, :1], ctx, embeds[:, 1 + n:]], dim=1)
        return self.text(embeds, pool, deep_prompts=self.deep_prompts,
                         span=(1, 1 + n))


HARD_PROMPT_SOURCES = ('ivlp_checkpoint', 'official', 'tensor', 'phrase')


def load_hard_prompt(source: str, n_ctx: int, width: int,
                     path: Optional[str] = None, phrase: Optional[str] = None,
                     key: Optional[str] = None,
                     text: Optional[CLIPTextTower] = None) -> torch.Tensor:
    """Read a ``(n_ctx, width)`` hard prompt.

    Sources:
        ``'ivlp_checkpoint'``: this project's own IVLP run (mmengine
            checkpoint; key ``text_head.ctx``, or ``key``).
        ``'official'``: an official GA2-CLIP/IVLP checkpoint,
            ``["model_state_dict"]["prompt_learner.ctx_VPT"]``.
        ``'tensor'``: a ``.pt`` file holding the tensor.
        ``'phrase'``: token embeddings of ``phrase`` (its tokens cycled to
            ``n_ctx``).
    """
    expected = (n_ctx, width)
    if source not in HARD_PROMPT_SOURCES:
        raise ValueError(f'hard prompt source must be one of '
                         f'{HARD_PROMPT_SOURCES}, got {source!r}')
    if source == 'phrase':
        if not phrase or text is None:
            raise ValueError('hard prompt source "phrase" needs `phrase`')
        tokens = text.tokenize([phrase])
        n_words = int(text.pool_index(tokens)[0]) - 1
        if n_words < 1:
            raise ValueError(f'hard prompt phrase {phrase!r} has no tokens')
        with torch.no_grad():
            emb = text.embed(tokens)[0, 1:1 + n_words].float()
        idx = torch.arange(n_ctx) % n_words
        return emb[idx].clone()
    if not path:
        raise ValueError(f'hard prompt source {source!r} needs `path`')
    if source == 'ivlp_checkpoint':
        obj = torch_load(path, what='hard prompt file')
        sd = unwrap_state_dict(obj, source=path)
        key = key or 'text_head.ctx'
        if key not in sd:
            raise ValueError(f'hard prompt file {path} has no key {key!r} '
                             f'(expected a {expected} tensor from an IVLP run)')
        tensor = sd[key]
    elif source == 'official':
        obj = torch_load(path, what='hard prompt file')
        sd = obj.get('model_state_dict', obj) if isinstance(obj, dict) else obj
        sd = unwrap_state_dict(sd, source=path)
        key = key or 'prompt_learner.ctx_VPT'
        if key not in sd:
            raise ValueError(f'hard prompt file {path} has no key '
                             f'["model_state_dict"][{key!r}] '
                             f'(expected a {expected} tensor)')
        tensor = sd[key]
    else:
        tensor = torch_load(path, what='hard prompt file')
        if isinstance(tensor, dict) and len(tensor) == 1:
            tensor = next(iter(tensor.values()))
    if not torch.is_tensor(tensor):
        raise ValueError(f'hard prompt file {path} holds '
                         f'{type(tensor).__name__}, expected a {expected} tensor')
    if tuple(tensor.shape) != expected:
        raise ValueError(f'hard prompt in {path} has shape '
                         f'{tuple(tensor.shape)}, expected (n_ctx, width) = '
                         f'{expected}')
    return tensor.detach().float().clone()


@MODELS.register_module()
class GA2TextHead(IVLPTextHead):
    """GA2: frozen hard prompt coupled to the soft context at layer 0.

    ``ctx_c = Dropout(ReLU(Linear(2w -> w)(concat(hard, soft))))`` for every
    class ``c`` (dropout masks drawn per class, as in the official code); no
    residual, no norm. Deeper blocks use plain IVLP per-layer tokens.

    Args:
        hard_prompt: ``dict(source=..., path=..., phrase=..., key=...)`` (see
            :func:`load_hard_prompt`), or ``None`` / ``path=None`` to leave it
            to a checkpoint (e.g. one made by
            ``tools/convert_official_ckpt.py``). It is stored in the
            persistent buffer ``hard_prompt``, so checkpoints are
            self-contained; running without one raises.
        dropout: dropout of the coupling MLP (official: 0.5).
        **kwargs: see :class:`IVLPTextHead`.

    Trainable: ``ctx``, ``deep_prompts``, ``coupling`` (Linear 2w -> w).
    """

    def __init__(self, hard_prompt: Optional[Dict] = None,
                 dropout: float = 0.5, **kwargs):
        super().__init__(**kwargs)
        width = self.text.width
        self.coupling = nn.Sequential(
            nn.Linear(2 * width, width), nn.ReLU(), nn.Dropout(dropout))
        self.register_buffer('hard_prompt', torch.zeros(self.n_ctx, width))
        self.register_buffer('hard_prompt_loaded', torch.tensor(False))
        self.hard_prompt_cfg = dict(hard_prompt or {})
        cfg = dict(self.hard_prompt_cfg)
        source = cfg.pop('source', None)
        if source is not None and (cfg.get('path') or source == 'phrase'):
            self.set_hard_prompt(load_hard_prompt(
                source, self.n_ctx, width, text=self.text, **cfg))
        else:
            print_log('GA2TextHead: no hard prompt file given; it must come '
                      'from a checkpoint holding text_head.hard_prompt',
                      logger='current', level=logging.WARNING)

    def set_hard_prompt(self, tensor: torch.Tensor) -> None:
        expected = tuple(self.hard_prompt.shape)
        if tuple(tensor.shape) != expected:
            raise ValueError(f'hard prompt has shape {tuple(tensor.shape)}, '
                             f'expected (n_ctx, width) = {expected}')
        self.hard_prompt.copy_(tensor)
        self.hard_prompt_loaded.fill_(True)

    def context(self, num_classes: int) -> torch.Tensor:
        if not bool(self.hard_prompt_loaded):
            raise RuntimeError(
                'GA2TextHead has no hard prompt: set text_head.hard_prompt='
                'dict(source=..., path=...) or load a checkpoint holding '
                f'text_head.hard_prompt (config given: {self.hard_prompt_cfg})')
        hard = self.hard_prompt.to(self.ctx.dtype)
        mixed = torch.cat([hard, self.ctx], dim=-1)
        return self.coupling(mixed.unsqueeze(0).expand(num_classes, -1, -1))
