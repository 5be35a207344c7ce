"""CoOp text prompts (Vita-CLIP's text side): ``[SOS] X*n {class}. [EOS]``.

Shallow: the ``n`` context vectors replace the ``X`` token embeddings at the
input only; the frozen text encoder does the rest (an
:class:`~ga2clip.models.text_heads.IVLPTextHead` of depth 1).

- unified context (default): one ``(n, w)`` context shared by all classes;
  the only mode that can name classes it never saw (base-to-novel, few-shot
  on new classes, zero-shot).
- class-specific context (``csc=True``, CoOp's CSC, Vita-CLIP's supervised
  setting): ``(C, n, w)``, one context per class of the training vocabulary
  given by ``class_names``. It is bound to that vocabulary: any other class
  list raises (it cannot name other classes).
"""
import math
from typing import Dict, Optional, Sequence, Union

import torch
from torch import nn

from mmaction.registry import MODELS

from ..utils.class_lists import prompt_name, read_class_names
from .text_heads import IVLPTextHead, check_class_names


def _key(name: str) -> str:
    return prompt_name(str(name)).replace('_', ' ')


@MODELS.register_module()
class CoOpTextHead(IVLPTextHead):
    """CoOp prompt learner on the frozen CLIP text tower.

    Args:
        n_ctx: context tokens (Vita-CLIP: 8).
        csc: class-specific context (see module docstring).
        class_names: with ``csc``: the training vocabulary, a list of names
            or an ``id,name`` csv path.
        ctx_init: start the context from the token embeddings of these words
            (their token count must equal ``n_ctx``); ``None``: N(0, 0.02)
            as released.
        init_std: std of the random init.
        logit_scale: ``None`` keeps the recognizer's (CLIP's, frozen unless
            ``train_logit_scale``). ``dict(init=math.log(1 / 0.07),
            trainable=True)`` is the released setting: the text head resets
            the shared CLIP ``logit_scale`` (the recognizer's parameter) to
            ``init`` and makes it trainable.
        **kwargs: see :class:`~ga2clip.models.text_heads.BaseTextHead`.

    Parameters: ``ctx`` ``(n_ctx, width)``, or ``(C, n_ctx, width)`` with
    ``csc``.
    """

    def __init__(self, n_ctx: int = 8, csc: bool = False,
                 class_names: Optional[Union[str, Sequence[str]]] = None,
                 ctx_init: Optional[str] = None, init_std: float = 0.02,
                 logit_scale: Optional[Dict] = None, **kwargs):
        clip = kwargs.get('clip')
        super().__init__(n_ctx=n_ctx, depth=1, ctx_init=None,
                         init_std=init_std, **kwargs)
        width = self.text.width
        self.csc = bool(csc)
        self.csc_source = None
        self.csc_names = None
        if ctx_init:
            tokens = self.text.tokenize([ctx_init])
            n_words = int(self.text.pool_index(tokens)[0]) - 1
            if n_words != n_ctx:
                raise ValueError(f'CoOpTextHead: ctx_init {ctx_init!r} has '
                                 f'{n_words} tokens but n_ctx={n_ctx}; set '
                                 f'n_ctx={n_words} or change ctx_init')
            with torch.no_grad():
                words = self.text.embed(tokens)[0, 1:1 + n_ctx].float()
            self.prefix = ctx_init.replace('_', ' ')
        if self.csc:
            if class_names is None:
                raise ValueError(
                    'CoOpTextHead(csc=True) needs class_names= (the training '
                    'vocabulary: a list or an id,name csv); use csc=False '
                    'for a context shared by all classes')
            if isinstance(class_names, str):
                self.csc_source = class_names
                class_names = read_class_names(class_names,
                                               strip_brackets=False)
            names = check_class_names(list(class_names), vocab='csc')
            self.csc_names = [_key(n) for n in names]
            self.csc_source = self.csc_source or f'{len(names)} names given'
            ctx = words.expand(len(names), -1, -1).clone() if ctx_init \
                else torch.randn(len(names), n_ctx, width) * init_std
            self.ctx = nn.Parameter(ctx)
        elif ctx_init:
            self.ctx = nn.Parameter(words.clone())
        if logit_scale is not None:
            self._reset_logit_scale(clip, **logit_scale)

    @staticmethod
    def _reset_logit_scale(clip, init: float = math.log(1 / 0.07),
                           trainable: bool = True) -> None:
        param = getattr(clip, 'logit_scale', None)
        if not isinstance(param, nn.Parameter):
            raise ValueError('CoOpTextHead logit_scale: this CLIP has no '
                             'logit_scale parameter; set logit_scale=None')
        with torch.no_grad():
            param.fill_(float(init))
        param.requires_grad_(bool(trainable))

    def check_vocabulary(self, class_names: Sequence[str]) -> None:
        """With ``csc``: raise unless ``class_names`` is the training
        vocabulary (same names, same order)."""
        if not self.csc:
            return
        got = [_key(n) for n in class_names]
        if got == self.csc_names:
            return
        extra = [n for n in got if n not in self.csc_names]
        detail = (f'unknown classes {extra[:3]}' if extra else
                  f'{len(got)} classes in another order or a subset')
        raise ValueError(
            f'CoOpTextHead(csc=True) has class-specific context for the '
            f'{len(self.csc_names)} classes of its training vocabulary '
            f'({self.csc_source}) and cannot name others; got {detail}. '
            'Use csc=False (unified context) for base-to-novel, few-shot on '
            'new classes or zero-shot')

    def context(self, num_classes: int) -> torch.Tensor:
        if self.csc:
            return self.ctx
        return super().context(num_classes)

    def forward(self, class_names: Sequence[str]) -> torch.Tensor:
        self.check_vocabulary(class_names)
        return super().forward(class_names)
