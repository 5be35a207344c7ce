"""Vocabulary-level losses: computed once per training step on the class
text features of the training vocabulary (not on clips).

The recognizer (``GA2CLIP(vocab_loss=...)``) calls the loss with a
:class:`VocabBatch` for each vocabulary of the step's (non-anchor) clips,
reusing the class features the classification loss already computed; the
anchor-loss slot, in contrast, only runs on anchor clips.

- :class:`DescriptionConsistencyLoss` (MSTA): keeps the adapted class text
  ``w_c`` close to the frozen encoder's mean features of spatial and
  temporal descriptions of class ``c``:
  ``alpha * mean_c[(1 - cos(w_c, D_s^c)) + (1 - cos(w_c, D_t^c))]``.
"""
from dataclasses import dataclass
from typing import Callable, Dict, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from mmaction.registry import MODELS

from ..datasets.descriptions import KINDS, DescriptionSource


@dataclass
class VocabBatch:
    """What a vocabulary-level loss may use.

    Attributes:
        vocab: name of the vocabulary.
        class_names: its classes, in order.
        class_text: ``(C, D)`` L2-normalised prompted/adapted class features
            (with graph).
        frozen_text: ``sentences -> (N, D)`` L2-normalised features of the
            frozen prompt-free (adapter-free) text encoder, no graph, cached
            by the recognizer.
    """
    vocab: str
    class_names: Sequence[str]
    class_text: torch.Tensor
    frozen_text: Callable


class BaseVocabLoss(nn.Module):
    """Base of the vocabulary-level losses; ``loss_name`` is the key of the
    loss in the recognizer's loss dict (must start with ``loss``)."""
    loss_name = 'loss_vocab'

    def forward(self, batch: VocabBatch) -> torch.Tensor:
        raise NotImplementedError


@MODELS.register_module()
class DescriptionConsistencyLoss(BaseVocabLoss):
    """MSTA's description consistency loss ``L_cc`` (see module doc).

    Args:
        alpha: weight (paper: 1). ``0``: off (the paper's "MSTA w/o L_cc");
            then ``descriptions`` may be ``None`` and nothing is encoded.
        descriptions: source config, see
            :class:`ga2clip.datasets.descriptions.DescriptionSource`
            (``format='released' | 'own' | 'templates'``).
        fallback: ``None`` or ``'templates'``: ignore ``descriptions`` and
            use template sentences (offline switch, close to the paper's
            "w/o DES"; ``--cfg-options model.vocab_loss.fallback=templates``).
        loss_name: key in the loss dict.

    The description targets ``D_s``, ``D_t`` (``(C, D)``, mean of the
    normalised frozen features of each class's sentences) are computed once
    per vocabulary and device and cached.
    """

    def __init__(self, alpha: float = 1.0,
                 descriptions: Optional[Dict] = None,
                 fallback: Optional[str] = None,
                 loss_name: str = 'loss_desc'):
        super().__init__()
        if alpha < 0:
            raise ValueError(f'DescriptionConsistencyLoss alpha must be >= 0,'
                             f' got {alpha}')
        if not loss_name.startswith('loss'):
            raise ValueError(f"loss_name must start with 'loss', got "
                             f'{loss_name!r}')
        if fallback not in (None, 'templates'):
            raise ValueError(f"DescriptionConsistencyLoss fallback must be "
                             f"None or 'templates', got {fallback!r}")
        self.alpha = float(alpha)
        self.loss_name = loss_name
        if fallback == 'templates':
            descriptions = dict(format='templates')
        if descriptions is None and self.alpha > 0:
            raise ValueError(
                'DescriptionConsistencyLoss needs descriptions=dict(format='
                "'released' | 'own' | 'templates', ...) when alpha > 0 (or "
                'set alpha=0: MSTA without the consistency loss)')
        self.source = DescriptionSource(**descriptions) \
            if descriptions is not None else None
        self._targets: Dict[Tuple, Tuple[torch.Tensor, torch.Tensor]] = {}

    def targets(self, class_names: Sequence[str], frozen_text: Callable
                ) -> Tuple[torch.Tensor, torch.Tensor]:
        """``(D_s, D_t)``, each ``(C, D)`` (cached per vocabulary)."""
        key = tuple(class_names)
        hit = self._targets.get(key)
        if hit is not None:
            return hit
        found = self.source.lookup(class_names)
        sentences, owner = [], []
        for kind in KINDS:
            for c, n in enumerate(class_names):
                for s in found[n][kind]:
                    sentences.append(s)
                    owner.append((kind, c))
        with torch.no_grad():
            feats = F.normalize(frozen_text(sentences).float(), dim=-1)
        out = []
        for kind in KINDS:
            idx = [i for i, (k, _) in enumerate(owner) if k == kind]
            cls = torch.tensor([owner[i][1] for i in idx],
                               device=feats.device)
            summed = feats.new_zeros(len(class_names), feats.shape[1])
            summed.index_add_(0, cls, feats[idx])
            count = torch.bincount(cls, minlength=len(class_names))
            out.append(summed / count.unsqueeze(1).to(summed.dtype))
        hit = (out[0], out[1])
        self._targets[key] = hit
        return hit

    def forward(self, batch: VocabBatch) -> torch.Tensor:
        text = batch.class_text
        if self.alpha == 0:
            return text.new_zeros(())
        d_s, d_t = self.targets(batch.class_names, batch.frozen_text)
        d_s, d_t = d_s.to(text.device), d_t.to(text.device)
        loss = (1 - F.cosine_similarity(text, d_s, dim=-1)) + \
            (1 - F.cosine_similarity(text, d_t, dim=-1))
        return self.alpha * loss.mean()
