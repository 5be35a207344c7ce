"""Losses: cross-entropy on scaled cosine logits, and the anchor regularizers.

The anchor regularizers (generic attribute anchors, GAA) act on the anchor
clips that ride in the training batch (metainfo ``is_anchor=True``). The
recognizer hands them an :class:`AnchorBatch`; each loss class says whether
its anchor forward needs a graph (``needs_video_grad``) and whether it needs
the frozen (prompt-free) anchor features (``needs_frozen_video``), so the
recognizer never builds a graph it does not use.

Modes (one registered class each):

- :class:`OfficialAnchorLoss`: the released formula, kept for parity. It adds
  ``alpha * mean(anchor @ else)`` to every logit of the batch; softmax CE is
  invariant to that, so it changes neither loss nor gradient. We compute the
  anchor forward without a graph and report the (zero up to rounding) change
  of the CE value as ``loss_anchor``, which carries no gradient.
- :class:`ElseClassAnchorLoss`: the negative prompt is appended as an extra
  class for anchor clips, which are trained toward it.
- :class:`KLAnchorLoss`: on anchor clips, KL from the frozen CLIP's similarity
  distribution over a bank of generic attribute prompts to the prompted
  model's.
- :class:`MarginAnchorLoss`: the anchor's best class similarity should stay
  ``margin`` below its similarity to the negative prompt (softplus or hinge),
  the official commented-out variant.
"""
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from mmaction.registry import MODELS

NEGATIVE_PROMPT = 'a video of a person else.'
# Generic attribute prompts for the KL bank (class-agnostic, action-neutral
# words, phrased as class names for the prompted head).
DEFAULT_ATTRIBUTE_BANK = (
    'standing', 'sitting', 'walking', 'running', 'talking', 'moving',
    'using hands', 'holding something', 'indoors', 'outdoors', 'with other '
    'people', 'alone', 'in motion', 'staying still', 'close up', 'far away',
    'in daylight', 'at night', 'with an object', 'doing something else')


@MODELS.register_module()
class ScaledCosineCELoss(nn.Module):
    """Softmax cross-entropy on ``logit_scale * cosine``.

    Args:
        loss_weight: multiplies the loss.
        label_smoothing: passed to ``F.cross_entropy`` (official: 0).
    """

    def __init__(self, loss_weight: float = 1.0, label_smoothing: float = 0.0):
        super().__init__()
        self.loss_weight = loss_weight
        self.label_smoothing = label_smoothing

    def forward(self, cosine: torch.Tensor, labels: torch.Tensor,
                logit_scale: torch.Tensor) -> torch.Tensor:
        """``cosine (N, C)``, ``labels (N,)``, ``logit_scale`` (exp'ed)."""
        return self.loss_weight * F.cross_entropy(
            logit_scale * cosine, labels,
            label_smoothing=self.label_smoothing)


@MODELS.register_module()
class ScaledCosineLoss(nn.Module):
    """Any classification loss on ``logit_scale * cosine``: ``loss`` is the
    config of a loss taking ``(logits, labels)``, labels hard ``(N,)`` or
    soft ``(N, C)`` (the recognizer's ``batch_augments`` give soft ones),
    e.g. ``dict(type='mmpretrain.LabelSmoothLoss', label_smooth_val=0.1,
    mode='original')`` (ViFi-CLIP's smoothing; with soft targets it is
    the soft-target cross-entropy of the smoothed mixture)."""

    def __init__(self, loss: dict):
        super().__init__()
        self.loss = MODELS.build(loss)

    def forward(self, cosine: torch.Tensor, labels: torch.Tensor,
                logit_scale: torch.Tensor) -> torch.Tensor:
        return self.loss(logit_scale * cosine, labels)


@dataclass
class AnchorBatch:
    """What an anchor loss may use (all features L2-normalised).

    Attributes:
        video: ``(A, D)`` prompted anchor features (graph only if the loss
            ``needs_video_grad``).
        frozen_video: ``(A, D)`` prompt-free anchor features, or ``None``.
        class_text: ``(C, D)`` prompted class features of the training
            vocabulary (with graph).
        main_cosine: ``(B, C)`` cosine logits of the non-anchor clips.
        main_labels: ``(B,)``.
        logit_scale: ``exp(logit_scale)``.
        loss_cls: the classification loss module.
        frozen_text: ``list[str] -> (K, D)`` frozen prompt-free features of
            sentences (no graph).
        frozen_names: ``list[str] -> (K, D)`` same, of class names through
            the plain template.
        prompted_names: ``list[str] -> (K, D)`` prompted head features of
            class names (with graph).
    """
    video: torch.Tensor
    frozen_video: Optional[torch.Tensor]
    class_text: torch.Tensor
    main_cosine: torch.Tensor
    main_labels: torch.Tensor
    logit_scale: torch.Tensor
    loss_cls: nn.Module
    frozen_text: Callable[[Sequence[str]], torch.Tensor]
    frozen_names: Callable[[Sequence[str]], torch.Tensor]
    prompted_names: Callable[[Sequence[str]], torch.Tensor]


class BaseAnchorLoss(nn.Module):
    """Anchor regularizer interface: ``forward(AnchorBatch) -> scalar``."""
    needs_video = True  # False: anchors are not encoded, the loss is 0
    needs_video_grad = True
    needs_frozen_video = False

    def __init__(self, loss_weight: float = 1.0):
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self, batch: AnchorBatch) -> torch.Tensor:
        raise NotImplementedError


def _normed(x: torch.Tensor) -> torch.Tensor:
    return F.normalize(x.float(), dim=-1).to(x.dtype)


@MODELS.register_module()
class OfficialAnchorLoss(BaseAnchorLoss):
    """The released GAA formula (a no-op, kept for parity).

    Official: ``logits = s * (v @ T.T + alpha * (v_anchor @ t_else.T))`` with
    one anchor clip per GPU: a scalar added to every logit. Returns
    ``CE(logits + term) - CE(logits)`` computed without a graph, so the total
    loss value equals the official one while the gradient is exactly that
    of the plain CE.

    Args:
        loss_weight: ``alpha`` (official: 1.0).
        negative_prompt: official ``'a video of a person else.'``.
        encode_anchors: ``False`` skips the anchor forward altogether and
            reports ``loss_anchor = 0``, the exact value of the term (the
            computed one is 0 up to float rounding); gradients are the same.
            Default ``True``: the released cost and logged value.
    """
    needs_video_grad = False

    def __init__(self, loss_weight: float = 1.0,
                 negative_prompt: str = NEGATIVE_PROMPT,
                 encode_anchors: bool = True):
        super().__init__(loss_weight)
        self.negative_prompt = negative_prompt
        self.needs_video = bool(encode_anchors)

    def forward(self, batch: AnchorBatch) -> torch.Tensor:
        with torch.no_grad():
            neg = _normed(batch.frozen_text([self.negative_prompt]))
            term = (batch.video @ neg.T).mean()
            cos = batch.main_cosine.detach()
            shifted = batch.loss_cls(cos + self.loss_weight * term,
                                     batch.main_labels, batch.logit_scale)
            plain = batch.loss_cls(cos, batch.main_labels, batch.logit_scale)
            return shifted - plain


@MODELS.register_module()
class ElseClassAnchorLoss(BaseAnchorLoss):
    """Anchor clips are classified into ``classes + [negative prompt]`` and
    trained toward the negative prompt (frozen CLIP text feature).

    Args:
        loss_weight: weight of the term.
        negative_prompt: the extra class's sentence.
    """

    def __init__(self, loss_weight: float = 1.0,
                 negative_prompt: str = NEGATIVE_PROMPT):
        super().__init__(loss_weight)
        self.negative_prompt = negative_prompt

    def forward(self, batch: AnchorBatch) -> torch.Tensor:
        neg = _normed(batch.frozen_text([self.negative_prompt]))
        text = torch.cat([batch.class_text, neg.to(batch.class_text.dtype)])
        cos = batch.video @ text.T
        target = torch.full((cos.shape[0], ), text.shape[0] - 1,
                            dtype=torch.long, device=cos.device)
        return self.loss_weight * F.cross_entropy(
            batch.logit_scale * cos, target)


@MODELS.register_module()
class KLAnchorLoss(BaseAnchorLoss):
    """KL distillation on anchor clips over a bank of generic attribute
    prompts: ``KL(p_frozen || p_prompted)`` where ``p = softmax(s * v @ B.T /
    T)``; the frozen side uses prompt-free video features and the plain
    template, the prompted side the prompted video features and the prompted
    text head on the bank words.

    Args:
        loss_weight: weight of the term.
        bank: attribute words/phrases (default: 20 generic attributes).
        temperature: divides the scaled logits of both sides.
    """
    needs_frozen_video = True

    def __init__(self, loss_weight: float = 1.0,
                 bank: Sequence[str] = DEFAULT_ATTRIBUTE_BANK,
                 temperature: float = 1.0):
        super().__init__(loss_weight)
        bank = list(bank)
        if len(bank) < 2:
            raise ValueError('KLAnchorLoss needs a bank of >= 2 prompts')
        self.bank = bank
        self.temperature = temperature

    def forward(self, batch: AnchorBatch) -> torch.Tensor:
        scale = batch.logit_scale / self.temperature
        with torch.no_grad():
            teacher_text = _normed(batch.frozen_names(self.bank))
            teacher = F.log_softmax(
                scale * batch.frozen_video @ teacher_text.T, dim=-1)
        student_text = _normed(batch.prompted_names(self.bank))
        student = F.log_softmax(scale * batch.video @ student_text.T, dim=-1)
        kl = F.kl_div(student, teacher, log_target=True, reduction='batchmean')
        return self.loss_weight * kl


@MODELS.register_module()
class MarginAnchorLoss(BaseAnchorLoss):
    """``f(max_c cos(v, t_c) - cos(v, t_else) + margin)`` on anchor clips,
    ``f`` = softplus or hinge (the official commented-out variant).

    Args:
        loss_weight: weight of the term.
        margin: margin on cosine similarities.
        reduction: ``'softplus'`` or ``'hinge'``.
        negative_prompt: the negative sentence.
    """

    def __init__(self, loss_weight: float = 1.0, margin: float = 0.1,
                 reduction: str = 'softplus',
                 negative_prompt: str = NEGATIVE_PROMPT):
        super().__init__(loss_weight)
        if reduction not in ('softplus', 'hinge'):
            raise ValueError(f"reduction must be 'softplus' or 'hinge', got "
                             f'{reduction!r}')
        self.margin = margin
        self.reduction = reduction
        self.negative_prompt = negative_prompt

    def forward(self, batch: AnchorBatch) -> torch.Tensor:
        neg = _normed(batch.frozen_text([self.negative_prompt]))
        best = (batch.video @ batch.class_text.T).max(dim=-1).values
        diff = best - (batch.video @ neg.T.to(batch.video.dtype))[:, 0] + \
            self.margin
        score = F.softplus(diff) if self.reduction == 'softplus' else \
            diff.clamp(min=0)
        return self.loss_weight * score.mean()
