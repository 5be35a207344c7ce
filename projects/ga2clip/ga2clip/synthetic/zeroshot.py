"""Frame-mean zero-shot evaluation of a CLIP on a written synthetic world.

Video feature = mean over frames of ``encode_image`` (the projected CLS
token), as in the GA2CLIP recognizer; text feature = ``encode_text`` of
``template.format(class name)``; top-1 of the cosine similarity. Videos are
decoded from the mp4 files with decord (compression artefacts included).
"""
import os.path as osp
from typing import Dict, Optional, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from ..utils.class_lists import read_class_names, read_video_list
from .generate import read_video
from .pretrain import to_tensor

SPLIT_VOCAB = dict(base_test='base', base_train='base', novel_test='novel',
                   aux_train='aux', aux_test='aux')


def load_clip(checkpoint: Optional[str], name: str = 'ga2clip-synth'):
    """The tiny CLIP and its tokenizer; ``checkpoint`` loads through the
    project's weights loader (safe loading, one-line errors)."""
    from ..models.clip_configs import register_model_configs
    from ..models.weights import build_clip
    register_model_configs()
    model, tokenizer = build_clip(name, pretrained=checkpoint or None)
    model.eval()
    return model, tokenizer


@torch.no_grad()
def video_features(model, video_root: str, rels: Sequence[str],
                   batch_videos: int = 64) -> torch.Tensor:
    """Frame-mean ``encode_image`` features ``(N, D)`` (not normalised)."""
    feats = []
    for i in range(0, len(rels), batch_videos):
        clips = [read_video(osp.join(video_root, r))
                 for r in rels[i:i + batch_videos]]
        T = clips[0].shape[0]
        x = to_tensor(np.concatenate(clips).astype(np.float32) / 255.0)
        f = model.encode_image(x)
        feats.append(f.view(len(clips), T, -1).mean(1))
    return torch.cat(feats)


@torch.no_grad()
def text_features(model, tokenizer, names: Sequence[str],
                  template: str = 'a video of a {}.') -> torch.Tensor:
    return model.encode_text(tokenizer([template.format(n) for n in names]))


@torch.no_grad()
def zero_shot(model, tokenizer, world: str, split: str,
              template: str = 'a video of a {}.') -> Dict[str, float]:
    vocab = SPLIT_VOCAB[split]
    names = read_class_names(osp.join(world, f'{vocab}_classes.csv'),
                             strip_brackets=False)
    items = [(rel, label) for rel, label, _ in read_video_list(
        osp.join(world, f'{split}.txt'), num_classes=len(names))]
    v = F.normalize(video_features(model, osp.join(world, 'videos'),
                                   [r for r, _ in items]), dim=-1)
    t = F.normalize(text_features(model, tokenizer, names, template), dim=-1)
    pred = (v @ t.t()).argmax(1)
    labels = torch.tensor([lab for _, lab in items])
    return dict(top1=round(100.0 * (pred == labels).float().mean().item(), 2),
                n=len(items), classes=len(names))


def evaluate_worlds(worlds: Sequence[str], checkpoint: Optional[str],
                    name: str = 'ga2clip-synth',
                    splits: Sequence[str] = ('base_test', 'novel_test'),
                    template: str = 'a video of a {}.',
                    threads: Optional[int] = 1) -> dict:
    """Zero-shot top-1 per world and split, with mean and std over worlds."""
    if threads:
        torch.set_num_threads(threads)
    model, tokenizer = load_clip(checkpoint, name)
    res = {}
    for w in worlds:
        res[w] = {s: zero_shot(model, tokenizer, w, s, template)['top1']
                  for s in splits}
    summary = {}
    for s in splits:
        vals = np.array([res[w][s] for w in worlds])
        summary[s] = dict(mean=round(float(vals.mean()), 2),
                          std=round(float(vals.std(ddof=1))
                                    if len(vals) > 1 else 0.0, 2))
    if 'base_test' in splits and 'novel_test' in splits:
        hm = [2 * res[w]['base_test'] * res[w]['novel_test']
              / max(1e-9, res[w]['base_test'] + res[w]['novel_test'])
              for w in worlds]
        summary['HM'] = dict(mean=round(float(np.mean(hm)), 2),
                             std=round(float(np.std(hm, ddof=1))
                                       if len(hm) > 1 else 0.0, 2))
    return dict(per_world=res, summary=summary, checkpoint=checkpoint,
                template=template)


@torch.no_grad()
def web_domain_accuracy(model, tokenizer, per_class: int = 4,
                        seed: int = 0, web: str = 'flat',
                        template: str = 'a video of a {}.') -> dict:
    """Frame-mean zero-shot in the tiny CLIP's *own* (web) domain: clips of
    every base and novel class rendered in memory (no compression), scored
    within their vocabulary. Returns per vocabulary the top-1 and how often
    the predicted class has the right texture, colour and shape (the
    attributes a frame shows). ``web``: ``'flat'`` (v1's web domain) or
    ``'varied'`` (a :func:`~ga2clip.synthetic.world.web_shift` per clip)."""
    from . import world as W
    out = {}
    for vocab, names in (('base', W.base_classes()),
                         ('novel', W.novel_classes())):
        t = F.normalize(text_features(model, tokenizer, names, template),
                        dim=-1)
        right = dict(top1=0, texture=0, colour=0, shape=0)
        n = 0
        for ci, name in enumerate(names):
            clips = []
            for k in range(per_class):
                key = [int(seed), 11, ci, k, 0 if vocab == 'base' else 1]
                rng = np.random.default_rng(key)
                spec = W.sample_spec(rng, name, key)
                dom = W.web_shift(rng) if web == 'varied' else W.WEB
                clips.append(W.render_clip(spec, dom, 8, 32))
            x = to_tensor(np.concatenate(clips))
            f = model.encode_image(x).view(per_class, 8, -1).mean(1)
            pred = (F.normalize(f, dim=-1) @ t.t()).argmax(1).tolist()
            true = W.parse_class_name(name)
            for p in pred:
                guess = W.parse_class_name(names[p])
                right['top1'] += int(p == ci)
                for j, attr in enumerate(('texture', 'colour', 'shape')):
                    right[attr] += int(guess[j] == true[j])
                n += 1
        out[vocab] = {k: round(100.0 * v / n, 1) for k, v in right.items()}
        out[vocab]['n'] = n
    return out
