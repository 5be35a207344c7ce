"""ATPrompt text prompts: attribute words, each led by learnable tokens,
before the class context of a host soft prompt (ATPrompt, Li et al. 2025).

Prompt of class ``c`` with attributes ``attr_1 .. attr_K``::

    [SOS] [a_1..a_m] attr_1 ... [a_1..a_m] attr_K [c_1..c_n] c. [EOS]

- ``a_*``: ``m`` learnable tokens per attribute (``attr_ctx``,
  ``(K, m, width)``, N(0, 0.01)); attribute words are the frozen token
  embeddings of their BPE tokens (a word may span several tokens: the spans
  come from the tokenizer);
- ``c_*``: the host head's class context, untouched: the host computes it
  (``host.context``), so the forms are the host's:

  ``host='CoOpTextHead'``   shallow (CoOp + ATPrompt): input only;
  ``host='IVLPTextHead'``   deep (IVLP + ATPrompt): blocks ``1..depth-1``
                            replace only the class-context span, attribute
                            tokens and words carry through;
  ``host='GA2TextHead'``    GA2 + ATPrompt: the coupling MLP acts on the
                            class context (hard prompt as in GA2).

Composition, not a copy: ``ATPromptTextHead(host=...)`` builds an instance
of the host's class extended by :class:`ATPromptTextHead` (one class per
host, defined below), so parameter names stay the host's (``ctx``,
``deep_prompts``, ``coupling``, ``hard_prompt``) plus ``attr_ctx``. With no
attribute (``K = 0``) it runs the host's own forward. Trainable on top of
the host: ``K * m * width``.
"""
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from torch import nn

from mmaction.registry import MODELS

from .coop_head import CoOpTextHead
from .text_heads import BaseTextHead, GA2TextHead, IVLPTextHead

PLACEHOLDER = 'X'


@MODELS.register_module()
class ATPromptTextHead(BaseTextHead):
    """Attribute-anchored prompts on a host soft-prompt head.

    Args:
        host: the host head, one of ``'IVLPTextHead'`` (deep),
            ``'CoOpTextHead'`` (shallow), ``'GA2TextHead'``.
        attributes: the ``K`` attribute words (0..3 in the paper), in
            prompt order; ``()`` gives the host exactly.
        n_attr_ctx: ``m``, learnable tokens before each attribute
            (default: the host's ``n_ctx``, as upstream).
        attr_init_std: std of their init (upstream: 0.01).
        **kwargs: the host's arguments (``n_ctx``, ``depth``, ``ctx_init``,
            ``hard_prompt``, ...) and :class:`BaseTextHead`'s.

    Parameters: the host's plus ``attr_ctx`` ``(K, m, width)``.
    """

    def __new__(cls, *args, host: str = 'IVLPTextHead', **kwargs):
        if cls is ATPromptTextHead:
            if host not in _HOSTS:
                raise ValueError(f'ATPromptTextHead: host must be one of '
                                 f'{sorted(_HOSTS)}, got {host!r}')
            cls = _HOSTS[host]
        return super().__new__(cls)

    def __init__(self, host: str = 'IVLPTextHead',
                 attributes: Sequence[str] = (),
                 n_attr_ctx: Optional[int] = None,
                 attr_init_std: float = 0.01, **kwargs):
        super().__init__(**kwargs)
        if isinstance(attributes, str):
            attributes = [attributes]
        attributes = [str(a).strip() for a in attributes]
        if any(not a for a in attributes) or \
                len(set(attributes)) != len(attributes):
            raise ValueError(f'ATPromptTextHead: attributes must be distinct '
                             f'non-blank words, got {attributes}')
        m = self.n_ctx if n_attr_ctx is None else int(n_attr_ctx)
        if attributes and m < 1:
            raise ValueError(f'ATPromptTextHead: n_attr_ctx must be >= 1, '
                             f'got {n_attr_ctx}')
        self.host = host
        self.attributes = attributes
        self.n_attr_ctx = m
        self.attr_tokens: List[List[int]] = [self._word_ids(a)
                                             for a in attributes]
        if attributes:
            self.attr_ctx = nn.Parameter(
                torch.randn(len(attributes), m, self.text.width) *
                attr_init_std)
        else:
            self.register_parameter('attr_ctx', None)
        self.attr_prefix = ' '.join(
            ' '.join([PLACEHOLDER] * m + [a]) for a in attributes)
        # first position of the class context
        self.ctx_start = 1 + sum(m + len(t) for t in self.attr_tokens)
        self._checked: Dict[Tuple[str, ...], None] = {}
        if attributes:
            self._check_layout()

    # -- tokens ------------------------------------------------------------
    def _word_ids(self, word: str) -> List[int]:
        tokens = self.text.tokenize([word])
        n = int(self.text.pool_index(tokens)[0]) - 1
        if n < 1:
            raise ValueError(f'ATPromptTextHead: attribute {word!r} has no '
                             'tokens in this tokenizer')
        return tokens[0, 1:1 + n].tolist()

    def attribute_spans(self) -> List[Tuple[Tuple[int, int], Tuple[int, int]]]:
        """Per attribute: ``((start, stop) of its learnable tokens,
        (start, stop) of its word tokens)`` in the prompt."""
        spans, pos = [], 1
        for ids in self.attr_tokens:
            soft = (pos, pos + self.n_attr_ctx)
            word = (soft[1], soft[1] + len(ids))
            spans.append((soft, word))
            pos = word[1]
        return spans

    def _check_layout(self) -> None:
        """The tokenized prompt must hold each attribute's ids where
        :meth:`attribute_spans` puts them (``m`` placeholder tokens each)."""
        tokens = self.text.tokenize(self.prompt_texts(['a']))[0].tolist()
        for (soft, word), ids, attr in zip(self.attribute_spans(),
                                           self.attr_tokens, self.attributes):
            if tokens[word[0]:word[1]] != ids or \
                    len(set(tokens[soft[0]:soft[1]])) != 1:
                raise ValueError(
                    f'ATPromptTextHead: attribute {attr!r} does not tokenize '
                    'the same inside the prompt as alone; use a plain word')

    def prompt_texts(self, class_names: Sequence[str]) -> Tuple[str, ...]:
        texts = super().prompt_texts(class_names)
        if not self.attributes:
            return texts
        return tuple(f'{self.attr_prefix} {t}' for t in texts)

    def check_prompts(self, class_names: Sequence[str], vocab: str = '') -> None:
        """Raise (naming the class and its length) if a prompt of
        ``class_names`` passes the text context length (it would be cut)."""
        key = tuple(class_names)
        if not self.attributes or key in self._checked:
            return  # K = 0: the host's prompts, unchanged
        limit = self.text.context_length
        encode = getattr(self.text.tokenizer, 'encode', None)
        for name, text in zip(class_names, self.prompt_texts(class_names)):
            if encode is not None:
                length = len(encode(text)) + 2
            else:
                tokens = self.text.tokenize([text])
                length = int(self.text.pool_index(tokens)[0]) + 1
            if length > limit:
                where = f' of vocabulary {vocab!r}' if vocab else ''
                raise ValueError(
                    f'ATPromptTextHead: the prompt of class {name!r}{where} '
                    f'is {length} tokens, more than the context length '
                    f'{limit} (attributes {self.attributes}: '
                    f'{self.ctx_start - 1} tokens, class context '
                    f'{self.n_ctx}); use fewer or shorter attributes or a '
                    'smaller n_attr_ctx / n_ctx')
        self._checked[key] = None

    # -- encoding ----------------------------------------------------------
    def forward(self, class_names: Sequence[str]) -> torch.Tensor:
        if not self.attributes:
            return super().forward(class_names)
        check = getattr(self, 'check_vocabulary', None)
        if check is not None:
            check(class_names)
        self.check_prompts(class_names)
        tokens, pool = self._cached_tokens(self.prompt_texts(class_names))
        embeds = self.text.embed(tokens)
        num = len(class_names)
        parts = [embeds[:, :1]]
        for k, (soft, word) in enumerate(self.attribute_spans()):
            parts.append(self.attr_ctx[k].to(embeds.dtype).expand(num, -1, -1))
            parts.append(embeds[:, word[0]:word[1]])
        start, stop = self.ctx_start, self.ctx_start + self.n_ctx
        parts.append(self.context(num).to(embeds.dtype))
        parts.append(embeds[:, stop:])
        return self.text(torch.cat(parts, dim=1), pool,
                         deep_prompts=self.deep_prompts, span=(start, stop))


class ATPromptIVLPTextHead(ATPromptTextHead, IVLPTextHead):
    """ATPrompt on IVLP (deep); build it as ``ATPromptTextHead``."""


class ATPromptCoOpTextHead(ATPromptTextHead, CoOpTextHead):
    """ATPrompt on CoOp (shallow); build it as ``ATPromptTextHead``."""


class ATPromptGA2TextHead(ATPromptTextHead, GA2TextHead):
    """ATPrompt on GA2; build it as ``ATPromptTextHead``."""


_HOSTS = {'IVLPTextHead': ATPromptIVLPTextHead,
          'CoOpTextHead': ATPromptCoOpTextHead,
          'GA2TextHead': ATPromptGA2TextHead}
