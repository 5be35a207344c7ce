"""The GA2CLIP recognizer: video encoder + text head + losses, one CLIP."""
import contextlib
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from torch import nn

from mmaction.registry import MODELS

from ..utils.class_lists import read_class_names
from .losses import AnchorBatch, BaseAnchorLoss
from .vocab_losses import BaseVocabLoss, VocabBatch
from .text_heads import check_class_names
from .video_cache import VideoFeatureCache
from .weights import build_clip

# OpenAI CLIP pixel statistics on the 0..255 scale.
CLIP_MEAN = [122.771, 116.746, 104.094]
CLIP_STD = [68.5, 66.632, 70.323]
DEFAULT_VOCAB = 'default'
AMP_DTYPES = {'bfloat16': torch.bfloat16, 'float16': torch.float16}
VIEW_FUSIONS = ('score', 'feature')


def read_class_csv(path: str) -> List[str]:
    """Class names from an ``id,name`` csv, read by the package's one reader
    (:func:`ga2clip.utils.class_lists.read_class_names`: UTF-8 byte-order
    mark and header optional, names may be quoted and contain commas, ids
    ``0..n-1`` in order). Names are kept as written (``[something]`` stays)."""
    return read_class_names(path, strip_brackets=False)


def load_vocabulary(source: Union[str, Sequence[str]], name: str = '') -> List[str]:
    """A vocabulary from a csv path or a list of names (validated)."""
    if isinstance(source, str):
        source = read_class_csv(source)
    return check_class_names(list(source), vocab=name)


@MODELS.register_module()
class GA2CLIP(BaseModel):
    """CLIP-based video recognizer with a swappable text head (GA2 / IVLP /
    templates) and optional generic-attribute-anchor regularizer.

    ``logits = exp(logit_scale) * normalize(video) @ normalize(text).T`` with
    the text features of the sample's vocabulary (metainfo ``vocab``).

    Args:
        clip: ``dict(name=..., pretrained=..., force_quick_gelu=...)`` passed
            to :func:`ga2clip.models.weights.build_clip`. Built once; the
            video encoder gets ``clip.visual``, the text head the text tower.
        video_encoder: config of the video encoder (``CLIPVideoEncoder``).
        text_head: config of the text head.
        loss_cls: classification loss (``ScaledCosineCELoss``).
        anchor_loss: anchor regularizer config or ``None``.
        vocabularies: ``dict(name=<csv path or list of names>)`` known before
            any dataset (``VocabularyHook`` adds the datasets' ones).
        data_preprocessor: defaults to ``ActionDataPreprocessor`` with CLIP
            mean/std and ``format_shape='NCTHW'``.
        train_logit_scale: keep ``False`` (frozen, official).
        amp_dtype: ``None`` (off), ``'bfloat16'`` or ``'float16'``: run both
            encoders under ``torch.autocast`` of the input's device (features
            and losses stay float32). Works on CPU (bf16) and GPU; for fp16
            *training* on GPU prefer ``--amp`` (``AmpOptimWrapper``, with
            loss scaling).
        video_cache: ``None`` (off) or ``dict(max_items=...)``: reuse video
            features across steps/epochs (:mod:`ga2clip.models.video_cache`).
            Only for models that train nothing on the vision side, fed by a
            deterministic pipeline (checked by ``VideoFeatureCacheHook`` /
            :meth:`bind_video_cache`).
        adapters: ``None`` or the config of adapters owned by the recognizer
            and handed to both towers as per-block hooks (``MSTAAdapters``;
            it gets ``text_width``, ``vision_width``, ``text_layers``,
            ``vision_layers``). Kept in ``self.adapters``.
        vocab_loss: ``None`` or a vocabulary-level loss
            (:class:`~ga2clip.models.vocab_losses.BaseVocabLoss`, e.g.
            ``DescriptionConsistencyLoss``), run once per training step on
            the class features of each vocabulary of the step.
        batch_augments: ``None`` or the arguments of mmpretrain's
            ``RandomBatchAugment`` (``augments=[dict(type='Mixup',
            alpha=0.8), dict(type='CutMix', alpha=1.0)], probs=[0.5, 0.5]``,
            ViFi-CLIP's): in ``loss``, the training clips and their one-hot
            labels (size of the step's vocabulary, one vocabulary per step)
            are mixed, and ``loss_cls`` gets the soft targets ``(N, C)``.
        view_fusion: how ``predict`` fuses the ``V`` test views:
            ``'score'`` (softmax averaged over views, ViFi-CLIP's) or
            ``'feature'`` (view features averaged and re-normalised, then one
            softmax: the released GA2-CLIP test).
    """

    def __init__(self,
                 clip: Dict,
                 video_encoder: Dict = dict(type='CLIPVideoEncoder'),
                 text_head: Dict = dict(type='TemplateTextHead'),
                 loss_cls: Dict = dict(type='ScaledCosineCELoss'),
                 anchor_loss: Optional[Dict] = None,
                 vocabularies: Optional[Dict] = None,
                 data_preprocessor: Optional[Union[Dict, nn.Module]] = None,
                 train_logit_scale: bool = False,
                 amp_dtype: Optional[str] = None,
                 video_cache: Optional[Dict] = None,
                 adapters: Optional[Dict] = None,
                 vocab_loss: Optional[Dict] = None,
                 batch_augments: Optional[Dict] = None,
                 view_fusion: str = 'score',
                 init_cfg: Optional[Dict] = None):
        if data_preprocessor is None:
            data_preprocessor = dict(type='ActionDataPreprocessor',
                                     mean=CLIP_MEAN, std=CLIP_STD,
                                     format_shape='NCTHW')
        if isinstance(data_preprocessor, dict):
            import mmaction.models  # noqa: F401 - registers the preprocessor
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(data_preprocessor=data_preprocessor,
                         init_cfg=init_cfg)
        model, tokenizer = build_clip(**clip)
        self.clip_cfg = dict(clip)
        self.logit_scale = model.logit_scale
        self.logit_scale.requires_grad_(train_logit_scale)
        self.video_encoder = MODELS.build(
            video_encoder, default_args=dict(visual=model.visual))
        self.text_head = MODELS.build(
            text_head, default_args=dict(clip=model, tokenizer=tokenizer))
        self.adapters = None
        if adapters:
            text, visual = self.text_head.text, model.visual
            self.adapters = MODELS.build(adapters, default_args=dict(
                text_width=text.width,
                vision_width=visual.class_embedding.shape[-1],
                text_layers=len(text.transformer.resblocks),
                vision_layers=len(visual.transformer.resblocks)))
            self.adapters.attach(self.video_encoder, text)
        self.loss_cls = MODELS.build(loss_cls)
        self.vocab_loss = MODELS.build(vocab_loss) if vocab_loss else None
        if self.vocab_loss is not None and not isinstance(
                self.vocab_loss, BaseVocabLoss):
            raise TypeError(f'vocab_loss must be a BaseVocabLoss, got '
                            f'{type(self.vocab_loss).__name__}')
        self.anchor_loss = MODELS.build(anchor_loss) if anchor_loss else None
        if self.anchor_loss is not None and not isinstance(
                self.anchor_loss, BaseAnchorLoss):
            raise TypeError(f'anchor_loss must be a BaseAnchorLoss, got '
                            f'{type(self.anchor_loss).__name__}')
        if amp_dtype is not None and amp_dtype not in AMP_DTYPES:
            raise ValueError(f'amp_dtype must be None or one of '
                             f'{sorted(AMP_DTYPES)}, got {amp_dtype!r}')
        self.amp_dtype = amp_dtype
        if view_fusion not in VIEW_FUSIONS:
            raise ValueError(f'view_fusion must be one of {VIEW_FUSIONS}, '
                             f'got {view_fusion!r}')
        self.view_fusion = view_fusion
        self.batch_augments = None
        if batch_augments:
            from mmpretrain.models.utils.batch_augments import \
                RandomBatchAugment
            self.batch_augments = RandomBatchAugment(**batch_augments)
        self.video_cache = None
        if video_cache is not None:
            tuned = self._vision_trainable()
            if tuned:
                raise ValueError(
                    'video_cache needs a model that trains nothing on the '
                    f'vision side; trainable: {tuned[:3]} (use '
                    "video_encoder train_mode='frozen' and no vision prompts, "
                    'or drop video_cache)')
            if self.batch_augments is not None:
                raise ValueError('video_cache cannot serve mixed clips '
                                 '(batch_augments); drop one of them')
            self.video_cache = VideoFeatureCache(**video_cache)
        self.vocabularies: Dict[str, List[str]] = {}
        self._text_cache: Dict[str, torch.Tensor] = {}
        self._frozen_cache: Dict[tuple, torch.Tensor] = {}
        if vocabularies:
            self.set_vocabularies({
                name: load_vocabulary(src, name)
                for name, src in vocabularies.items()
            })

    # -- vocabularies --------------------------------------------------------
    def set_vocabularies(self, vocabularies: Dict[str, Sequence[str]]) -> None:
        """Add/replace named class lists; clears the eval text cache."""
        checked = {name: check_class_names(names, vocab=name)
                   for name, names in vocabularies.items()}
        check_prompts = getattr(self.text_head, 'check_prompts', None)
        if check_prompts is not None:  # e.g. ATPrompt: prompts fit 77 tokens
            for name, names in checked.items():
                check_prompts(names, vocab=name)
        self.vocabularies.update(checked)
        self._text_cache.clear()

    def class_names(self, vocab: str = DEFAULT_VOCAB) -> List[str]:
        if vocab not in self.vocabularies:
            raise KeyError(
                f'unknown vocabulary {vocab!r}; known: '
                f'{sorted(self.vocabularies)} (set them with '
                'model.set_vocabularies, the `vocabularies` config option or '
                'a dataset with VocabularyHook)')
        return self.vocabularies[vocab]

    def train(self, mode: bool = True):
        if mode:
            self._text_cache.clear()
        return super().train(mode)

    # -- fast paths ----------------------------------------------------------
    def _vision_trainable(self) -> List[str]:
        names = [n for n, p in self.video_encoder.named_parameters()
                 if p.requires_grad]
        if self.adapters is not None and getattr(
                self.adapters, 'vision_named_parameters', None):
            names += [f'adapters.{n}' for n, p in
                      self.adapters.vision_named_parameters()
                      if p.requires_grad]
        return names

    @contextlib.contextmanager
    def _autocast(self, device: torch.device):
        if self.amp_dtype is None:
            yield
            return
        flagged = []
        if not torch.is_grad_enabled():
            # Under autocast nn.MultiheadAttention leaves its fused path and
            # runs the in-projection on a transposed (batch_first) input;
            # with frozen weights and no grad, aten::matmul then does not
            # fold it into one mm but runs bmm on an expanded weight copy
            # (~9x slower on CPU). Flagging the frozen weights as
            # requires_grad under no_grad builds no graph and restores the
            # mm path; they are reset on exit.
            flagged = [p for p in self.parameters() if not p.requires_grad]
            for p in flagged:
                p.requires_grad_(True)
        try:
            with torch.autocast(device_type=device.type,
                                dtype=AMP_DTYPES[self.amp_dtype]):
                yield
        finally:
            for p in flagged:
                p.requires_grad_(False)

    def bind_video_cache(self, pipeline, deterministic: Sequence[str] = (),
                         on_random: str = 'raise') -> bool:
        """Check ``pipeline`` (``Compose`` or list of transforms/configs) and
        let the video cache serve clips it produces (see
        :meth:`VideoFeatureCache.bind`). ``VideoFeatureCacheHook`` does this
        for each loop of a runner."""
        if self.video_cache is None:
            raise RuntimeError('this model has no video_cache')
        return self.video_cache.bind(pipeline, deterministic, on_random)

    # -- features ------------------------------------------------------------
    @property
    def scale(self) -> torch.Tensor:
        return self.logit_scale.exp()

    def encode_video(self, inputs: torch.Tensor, prompts: bool = True,
                     data_samples=None) -> torch.Tensor:
        """``(B, V, C, T, H, W)`` -> ``(B, V, D)`` L2-normalised. With a
        bound video cache and ``data_samples``, cached clips are not
        re-encoded."""
        cache = self.video_cache
        if cache is not None and data_samples is not None and cache.active:
            return self._encode_video_cached(inputs, prompts, data_samples)
        return self._encode_video(inputs, prompts)

    def _encode_video(self, inputs, prompts):
        b, v = inputs.shape[:2]
        with self._autocast(inputs.device):
            feats = self.video_encoder(inputs.flatten(0, 1), prompts=prompts)
        return F.normalize(feats.float(), dim=-1).view(b, v, -1)

    def _encode_video_cached(self, inputs, prompts, data_samples):
        tuned = self._vision_trainable()
        if tuned:
            raise RuntimeError(f'video_cache is on but vision parameters '
                               f'train: {tuned[:3]}')
        cache = self.video_cache
        keys = cache.keys(data_samples, tuple(inputs.shape[1:]), prompts)
        found = [cache.get(k) for k in keys]
        todo = [i for i, f in enumerate(found) if f is None]
        if todo:
            with torch.no_grad():
                fresh = self._encode_video(inputs[todo], prompts)
            for j, i in enumerate(todo):
                found[i] = fresh[j]
                cache.put(keys[i], fresh[j])
        return torch.stack([f.to(inputs.device) for f in found])

    def text_features(self, vocab: str = DEFAULT_VOCAB) -> torch.Tensor:
        """``(C, D)`` L2-normalised text features of a vocabulary; cached
        per vocabulary in eval mode (no graph)."""
        names = self.class_names(vocab)
        if self.training:
            return self._prompted_names(names)
        hit = self._text_cache.get(vocab)
        if hit is None:
            with torch.no_grad():
                hit = self._prompted_names(names)
            self._text_cache[vocab] = hit
        return hit

    def _frozen_text(self, texts: Sequence[str]) -> torch.Tensor:
        key = tuple(texts)
        hit = self._frozen_cache.get(key)
        if hit is None or hit.device != self.logit_scale.device:
            hit = F.normalize(self.text_head.encode_plain(list(texts)), dim=-1)
            self._frozen_cache[key] = hit
        return hit

    def _frozen_names(self, names: Sequence[str]) -> torch.Tensor:
        return self._frozen_text(
            [self.text_head.plain_template.format(n) for n in names])

    def _prompted_names(self, names: Sequence[str]) -> torch.Tensor:
        with self._autocast(self.logit_scale.device):
            feats = self.text_head(list(names))
        return F.normalize(feats.float(), dim=-1)

    # -- mmengine entry points ---------------------------------------------
    def forward(self, inputs: torch.Tensor, data_samples=None,
                mode: str = 'tensor'):
        if inputs.dim() == 5:  # (B, C, T, H, W): one view
            inputs = inputs.unsqueeze(1)
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self._forward(inputs, data_samples)
        raise RuntimeError(f'Invalid mode "{mode}": use loss, predict or '
                           'tensor')

    @staticmethod
    def _meta(sample, key, default):
        return sample.metainfo.get(key, default) if sample is not None \
            else default

    def _groups(self, data_samples, n):
        """Sample indices grouped by vocabulary (first-seen order)."""
        groups: Dict[str, List[int]] = {}
        for i in range(n):
            sample = data_samples[i] if data_samples is not None else None
            groups.setdefault(self._meta(sample, 'vocab', DEFAULT_VOCAB),
                              []).append(i)
        return groups

    def _forward(self, inputs, data_samples=None) -> torch.Tensor:
        """``tensor`` mode: ``(B, V, C)`` scaled logits (one vocabulary)."""
        groups = self._groups(data_samples, inputs.shape[0])
        if len(groups) > 1:
            raise ValueError(f'tensor mode needs one vocabulary per batch, '
                             f'got {sorted(groups)}')
        video = self.encode_video(inputs, data_samples=data_samples)
        text = self.text_features(next(iter(groups)))
        return self.scale * video @ text.T

    def predict(self, inputs, data_samples):
        """Softmax averaged over the ``V`` views (``view_fusion='score'``)
        or softmax of the averaged view features (``'feature'``) ->
        ``pred_score``."""
        video = self.encode_video(inputs, data_samples=data_samples)
        if self.view_fusion == 'feature':
            video = F.normalize(video.mean(dim=1, keepdim=True), dim=-1)
        for vocab, idx in self._groups(data_samples, inputs.shape[0]).items():
            text = self.text_features(vocab)
            logits = self.scale * video[idx] @ text.T  # (n, V, C)
            scores = logits.float().softmax(dim=-1).mean(dim=1)
            for j, i in enumerate(idx):
                data_samples[i].set_pred_score(scores[j].detach())
                data_samples[i].set_pred_label(scores[j].argmax().detach())
        return data_samples

    def loss(self, inputs, data_samples) -> Dict[str, torch.Tensor]:
        anchor = [bool(self._meta(s, 'is_anchor', False)) for s in data_samples]
        main_idx = [i for i, a in enumerate(anchor) if not a]
        anchor_idx = [i for i, a in enumerate(anchor) if a]
        if not main_idx:
            raise ValueError('a training batch holds only anchor clips')
        main_samples = [data_samples[i] for i in main_idx]
        labels = torch.stack([
            s.gt_label.reshape(-1)[0] for s in main_samples]).to(inputs.device)
        main_inputs, targets = inputs[main_idx], labels
        if self.batch_augments is not None:
            main_inputs, targets = self._mix(main_inputs, labels,
                                             main_samples)
        video = self.encode_video(main_inputs,
                                  data_samples=main_samples)  # (B, V, D)
        losses = {}
        total = video.new_zeros(())
        first = None
        texts = {}
        for vocab, idx in self._groups(main_samples, len(main_samples)).items():
            text = self.text_features(vocab)
            texts[vocab] = text
            cosine = (video[idx] @ text.T).mean(dim=1)  # mean over views
            total = total + self.loss_cls(cosine, targets[idx],
                                          self.scale) * len(idx)
            if first is None:
                first = (text, cosine, labels[idx])
        losses['loss_cls'] = total / len(main_idx)
        if self.vocab_loss is not None:  # once per step, per vocabulary
            losses[self.vocab_loss.loss_name] = sum(
                self.vocab_loss(VocabBatch(
                    vocab=vocab, class_names=self.class_names(vocab),
                    class_text=text, frozen_text=self._frozen_text))
                for vocab, text in texts.items()) / len(texts)
        if self.anchor_loss is not None:
            losses['loss_anchor'] = self._anchor_loss(
                inputs[anchor_idx], *first,
                anchor_samples=[data_samples[i] for i in anchor_idx])
        return losses

    def _mix(self, inputs, labels, data_samples):
        """mmpretrain batch augments on ``(B, V, C, T, H, W)`` clips: the
        labels become one-hot over the step's vocabulary, then Mixup/CutMix
        mix clips and targets (CutMix boxes the last two axes, the same box
        on every frame and view) -> ``(mixed clips, (B, C) soft targets)``."""
        groups = self._groups(data_samples, len(data_samples))
        if len(groups) > 1:
            raise ValueError(f'batch_augments need one vocabulary per '
                             f'training step, got {sorted(groups)}')
        num_classes = len(self.class_names(next(iter(groups))))
        onehot = F.one_hot(labels.long(), num_classes).float()
        shape = inputs.shape
        flat = inputs.reshape(shape[0], -1, *shape[-2:]).clone()
        mixed, targets = self.batch_augments(flat, onehot)
        return mixed.reshape(shape), targets

    def _anchor_loss(self, anchor_inputs, class_text, main_cosine,
                     main_labels, anchor_samples=None) -> torch.Tensor:
        loss = self.anchor_loss
        if anchor_inputs.shape[0] == 0 or not loss.needs_video:
            return class_text.new_zeros(())
        grad = loss.needs_video_grad and torch.is_grad_enabled()
        with torch.set_grad_enabled(grad):
            video = self.encode_video(
                anchor_inputs, data_samples=anchor_samples).mean(dim=1)
            video = F.normalize(video, dim=-1)
        frozen = None
        if loss.needs_frozen_video:
            with torch.no_grad():
                frozen = F.normalize(
                    self.encode_video(anchor_inputs, prompts=False,
                                      data_samples=anchor_samples).mean(
                        dim=1), dim=-1)
        batch = AnchorBatch(
            video=video, frozen_video=frozen, class_text=class_text,
            main_cosine=main_cosine, main_labels=main_labels,
            logit_scale=self.scale, loss_cls=self.loss_cls,
            frozen_text=self._frozen_text, frozen_names=self._frozen_names,
            prompted_names=self._prompted_names)
        return loss(batch)
