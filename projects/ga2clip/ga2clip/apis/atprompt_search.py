"""ATPrompt's attribute search, offline (back end of
``tools/atprompt_search.py``).

Upstream (ATPrompt, ``trainers/attributecompute.py``) asks an LLM for a few
one-word attribute bases, then runs a DARTS-style search: every combination
of bases gets its own prompt, the logits are the mixture
``sum_i softmax(alpha)_i * s * cos(video, t_i)``, the prompts train on a
training batch (SGD) and ``alpha`` on a held-out batch (Adam, lr 0.02,
betas (0.5, 0.999)), alternating; the largest weight wins.

Here: a fixed bank (:data:`DEFAULT_BANK`, suited to actions; or a file / a
list), every combination of sizes 1..3, one :class:`ATPromptTextHead` per
combination built from the config's text head (same host, same sizes), the
held-out part drawn from the config's TRAINING videos (per class; the test
split is never read: only the test *pipeline* is borrowed, so that features
are deterministic). The vision side is frozen (no prompts), so the video
features are computed once and cached. Writes ``atprompt_search.json``
(chosen attributes, weight table, held-out accuracy of each prompt, the
videos used) and ``atprompt_search.png``; an existing output is kept unless
``force``.
"""
import copy
import itertools
import json
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .common import UserError, load_config, parse_cfg_options

# actions: the body, what it acts on, where, how fast (METHODS_VIDEO.md §3)
DEFAULT_BANK = ('motion', 'posture', 'object', 'scene', 'speed')
# upstream's bases for UCF-101
UCF_BANK = ('precision', 'coordination', 'technique', 'strength', 'control')
HOSTS = ('IVLPTextHead', 'CoOpTextHead', 'GA2TextHead')
JSON_NAME, PLOT_NAME = 'atprompt_search.json', 'atprompt_search.png'


def read_bank(words: Optional[Sequence[str]] = None,
              path: Optional[str] = None) -> List[str]:
    """The attribute bank: ``words``, else one word per line of ``path``
    (``#`` comments), else :data:`DEFAULT_BANK`."""
    if words and path:
        raise UserError('give the attribute bank either as --bank or as '
                        '--bank-file, not both')
    if path:
        if not osp.isfile(path):
            raise UserError(f'attribute bank file not found: {path} (one '
                            'word per line)')
        with open(path, encoding='utf-8') as f:
            words = [ln.split('#')[0].strip() for ln in f]
        words = [w for w in words if w]
        where = path
    else:
        where = '--bank'
    words = list(DEFAULT_BANK if words is None else words)
    bad = [w for w in words if not w.strip() or ' ' in w.strip()]
    if not words or bad or len(set(words)) != len(words):
        raise UserError(f'attribute bank {where}: needs distinct single '
                        f'words, got {words}')
    return words


def combinations(bank: Sequence[str], sizes: Sequence[int] = (1, 2, 3)):
    """Every combination of the bank of each size, in bank order."""
    sizes = sorted(set(int(s) for s in sizes))
    if not sizes or sizes[0] < 1 or sizes[-1] > len(bank):
        raise UserError(f'combination sizes must lie in 1..{len(bank)} '
                        f'(the bank size), got {sizes}')
    return [c for k in sizes for c in itertools.combinations(bank, k)]


def split_heldout(labels: Sequence[int], fraction: float, seed: int):
    """Per class, ``round(fraction * n)`` videos (at least 1 when the class
    has 2 or more) go to the held-out part. Returns ``(train, held)``
    index lists."""
    import numpy as np
    if not 0 < fraction < 1:
        raise UserError(f'--heldout must be in (0, 1), got {fraction}')
    rng = np.random.default_rng(seed)
    by_class: Dict[int, List[int]] = {}
    for i, lab in enumerate(labels):
        by_class.setdefault(int(lab), []).append(i)
    train, held = [], []
    for lab in sorted(by_class):
        idx = list(rng.permutation(by_class[lab]))
        n = len(idx)
        k = 0 if n < 2 else min(n - 1, max(1, round(fraction * n)))
        held += idx[:k]
        train += idx[k:]
    if not held:
        raise UserError('no class has 2 or more training videos: nothing '
                        'to hold out for the mixture weights')
    return sorted(train), sorted(held)


def _train_dataset_cfg(cfg):
    """The config's main training dataset with the test pipeline."""
    ds = copy.deepcopy(cfg.train_dataloader.dataset)
    if ds.get('type') == 'AnchoredDataset':  # GA2: drop the anchors
        ds = ds.get('dataset') or dict(
            {k: v for k, v in ds.items() if k not in ('anchor', 'type')},
            type='VocabVideoDataset')
    if ds.get('type') != 'VocabVideoDataset':
        raise UserError(f'{cfg.filename}: the search needs a '
                        'VocabVideoDataset training set, got '
                        f'{ds.get("type")}')
    from .inference import _test_pipeline_cfg
    ds['pipeline'] = copy.deepcopy(_test_pipeline_cfg(cfg))
    ds['test_mode'] = True
    return ds


def _head_cfg(cfg, attributes):
    head = copy.deepcopy(cfg.model.text_head)
    if head.get('type') != 'ATPromptTextHead':
        if head.get('type') not in HOSTS:
            raise UserError(f'{cfg.filename}: text head {head.get("type")} '
                            f'cannot host ATPrompt (hosts: {HOSTS})')
        head['host'] = head.pop('type')
        head['type'] = 'ATPromptTextHead'
    head['attributes'] = list(attributes)
    return head


def _cache_features(model, dataset, batch_size, device, log):
    from mmengine.dataset import pseudo_collate
    feats, labels, files = [], [], []
    for start in range(0, len(dataset), batch_size):
        items = [dataset[i] for i in
                 range(start, min(start + batch_size, len(dataset)))]
        data = model.data_preprocessor(pseudo_collate(items), False)
        inputs = data['inputs'].to(device)
        if inputs.dim() == 5:
            inputs = inputs.unsqueeze(1)
        with torch.no_grad():
            video = model.encode_video(inputs, prompts=False).mean(dim=1)
        feats.append(torch.nn.functional.normalize(video, dim=-1))
        labels += [int(s.gt_label.reshape(-1)[0]) for s in data['data_samples']]
        files += [dataset.get_data_info(i)['filename']
                  for i in range(start, start + len(items))]
        log(f'cached {len(labels)}/{len(dataset)} video features')
    return torch.cat(feats), torch.tensor(labels, device=device), files


class PromptMixture(nn.Module):
    """One ATPrompt head per attribute combination on a shared frozen text
    tower, mixed by ``softmax(alpha)``: ``logits = sum_i w_i * s *
    cos(video, t_i)``."""

    def __init__(self, head_cfgs: Sequence[Dict], tower, scale):
        super().__init__()
        from mmaction.registry import MODELS
        self.heads = nn.ModuleList(
            MODELS.build(c, default_args=dict(clip=tower,
                                              tokenizer=tower.tokenizer))
            for c in head_cfgs)
        self.alpha = nn.Parameter(torch.zeros(len(self.heads)))
        self.register_buffer('scale', torch.as_tensor(scale).float())

    def texts(self, names) -> torch.Tensor:
        """``(P, C, D)`` normalised text features of every prompt."""
        return torch.stack([F.normalize(h(names).float(), dim=-1)
                            for h in self.heads])

    def logits(self, video, text) -> torch.Tensor:
        cos = torch.einsum('bd,pcd->pbc', video, text)
        return (self.weights()[:, None, None] * self.scale * cos).sum(0)

    def weights(self) -> torch.Tensor:
        return self.alpha.softmax(0)

    def prompt_parameters(self):
        return [p for p in self.heads.parameters() if p.requires_grad]

    @torch.no_grad()
    def accuracy(self, names, video, labels) -> torch.Tensor:
        """``(P, )`` top-1 of each prompt alone (eval mode)."""
        self.eval()
        cos = torch.einsum('bd,pcd->pbc', video, self.texts(names))
        return (cos.argmax(-1) == labels).float().mean(1)


def alternate(mix: PromptMixture, names, feats, labels, train_idx, held_idx,
              steps: int, batch_size: int, prompt_lr: float, alpha_lr: float,
              seed: int, log=print) -> List[List[float]]:
    """Upstream's alternation: per step, the prompts on a batch of the
    training part (SGD), then ``alpha`` on a batch of the held-out part
    (Adam, betas (0.5, 0.999)) with the prompts fixed. Returns the losses."""
    opt_p = torch.optim.SGD(mix.prompt_parameters(), lr=prompt_lr,
                            momentum=0.9)
    opt_a = torch.optim.Adam([mix.alpha], lr=alpha_lr, betas=(0.5, 0.999))
    gen = torch.Generator().manual_seed(seed)

    def batch(index):
        pick = torch.randint(len(index), (min(batch_size, len(index)), ),
                             generator=gen)
        idx = torch.tensor(index)[pick].to(feats.device)
        return feats[idx], labels[idx]

    mix.train()
    history = []
    for step in range(steps):
        video, target = batch(train_idx)
        loss_p = F.cross_entropy(mix.logits(video, mix.texts(names)), target)
        opt_p.zero_grad()
        loss_p.backward()
        opt_p.step()
        video, target = batch(held_idx)
        with torch.no_grad():
            text = mix.texts(names)
        loss_a = F.cross_entropy(mix.logits(video, text), target)
        opt_a.zero_grad()
        loss_a.backward()
        opt_a.step()
        history.append([loss_p.item(), loss_a.item()])
        if (step + 1) % max(1, steps // 10) == 0 or step + 1 == steps:
            log(f'step {step + 1}/{steps}: prompt loss {loss_p:.4f}, '
                f'weight loss {loss_a:.4f}')
    return history


def search(config, out_dir: str, bank: Optional[Sequence[str]] = None,
           bank_file: Optional[str] = None, sizes=None,
           steps: int = 200, batch_size: int = 32, heldout: float = 0.2,
           prompt_lr: float = 2e-3, alpha_lr: float = 0.02, seed: int = 0,
           device: str = 'cpu', cfg_options: Optional[dict] = None,
           force: bool = False, log=print) -> Dict:
    """Run the search on the training set of ``config`` (path or Config);
    see the module docstring. Returns the JSON written."""
    outputs = [osp.join(out_dir, JSON_NAME), osp.join(out_dir, PLOT_NAME)]
    found = [p for p in outputs if osp.exists(p)]
    if found and not force:
        raise UserError(f'{found[0]} exists; pass --force to overwrite it '
                        'or choose another --out')
    from mmaction.registry import DATASETS
    from .inference import build_inference_model

    words = read_bank(bank, bank_file)
    if sizes is None:  # 1..3, or up to the bank's size
        sizes = range(1, min(3, len(words)) + 1)
    combos = combinations(words, sizes)
    cfg = config if not isinstance(config, (str, os.PathLike)) else \
        load_config(os.fspath(config), cfg_options)
    torch.manual_seed(seed)
    model, cfg = build_inference_model(cfg, device=device)
    ds_cfg = _train_dataset_cfg(cfg)
    dataset = DATASETS.build(ds_cfg)
    names = dataset.class_names
    feats, labels, files = _cache_features(model, dataset, batch_size,
                                           device, log)
    train_idx, held_idx = split_heldout(labels.tolist(), heldout, seed)

    tower = model.text_head.text
    mix = PromptMixture([_head_cfg(cfg, c) for c in combos], tower,
                        model.scale.detach()).to(device)
    for h in mix.heads:
        h.check_prompts(names, vocab=dataset.vocab_name)
    history = alternate(mix, names, feats, labels, train_idx, held_idx,
                        steps=steps, batch_size=batch_size,
                        prompt_lr=prompt_lr, alpha_lr=alpha_lr, seed=seed,
                        log=log)
    acc = mix.accuracy(names, feats[held_idx], labels[held_idx])
    weights = mix.weights().detach()
    order = weights.argsort(descending=True).tolist()
    table = [dict(attributes=list(combos[i]), weight=float(weights[i]),
                  heldout_top1=float(acc[i])) for i in order]
    result = dict(
        config=str(getattr(cfg, 'filename', '')), bank=words,
        sizes=sorted(set(int(s) for s in sizes)),
        chosen=list(combos[order[0]]), table=table,
        steps=steps, batch_size=batch_size, prompt_lr=prompt_lr,
        alpha_lr=alpha_lr, seed=seed, heldout_fraction=heldout,
        train_ann_file=ds_cfg['ann_file'], vocabulary=dataset.vocab_name,
        num_classes=len(names),
        train_videos=[files[i] for i in train_idx],
        heldout_videos=[files[i] for i in held_idx],
        losses=history)
    os.makedirs(out_dir, exist_ok=True)
    with open(outputs[0], 'w', encoding='utf-8') as f:
        json.dump(result, f, indent=1)
    plot(table, outputs[1])
    log(f'chosen attributes: {result["chosen"]} -> {outputs[0]}, '
        f'{outputs[1]}')
    return result


def plot(table: Sequence[Dict], path: str) -> None:
    """Horizontal bars: mixture weight of every combination (PNG, Agg)."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    labels = [' + '.join(r['attributes']) for r in table][::-1]
    weights = [r['weight'] for r in table][::-1]
    fig, ax = plt.subplots(figsize=(6, 0.8 + 0.28 * len(table)))
    ax.barh(range(len(table)), weights, color='tab:blue')
    ax.set_yticks(range(len(table)))
    ax.set_yticklabels(labels, fontsize=8)
    ax.axvline(1 / len(table), color='grey', lw=0.8, ls='--')
    ax.set_xlabel('mixture weight softmax(alpha) (dashed: uniform)')
    ax.set_title('ATPrompt attribute search')
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None) -> int:
    import argparse
    p = argparse.ArgumentParser(
        description='ATPrompt attribute search on the training videos of a '
        'config (frozen vision, cached features; never the test split)')
    p.add_argument('config')
    p.add_argument('--out', required=True, help='output folder')
    p.add_argument('--bank', default=None,
                   help=f'comma-separated words (default: {",".join(DEFAULT_BANK)})')
    p.add_argument('--bank-file', default=None, help='one word per line')
    p.add_argument('--sizes', default=None,
                   help='combination sizes (default: 1,2,3)')
    p.add_argument('--steps', type=int, default=200)
    p.add_argument('--batch-size', type=int, default=32)
    p.add_argument('--heldout', type=float, default=0.2,
                   help='fraction of each class\'s training videos')
    p.add_argument('--prompt-lr', type=float, default=2e-3)
    p.add_argument('--alpha-lr', type=float, default=0.02)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--device', default='cpu')
    p.add_argument('--force', action='store_true',
                   help='overwrite an existing output')
    p.add_argument('--cfg-options', nargs='+', default=None)
    args = p.parse_args(argv)
    try:
        sizes = [int(s) for s in args.sizes.split(',')] if args.sizes \
            else None
    except ValueError:
        raise UserError(f'--sizes must be comma-separated integers, got '
                        f'{args.sizes!r}') from None
    search(args.config, args.out,
           bank=args.bank.split(',') if args.bank else None,
           bank_file=args.bank_file, sizes=sizes, steps=args.steps,
           batch_size=args.batch_size, heldout=args.heldout,
           prompt_lr=args.prompt_lr, alpha_lr=args.alpha_lr, seed=args.seed,
           device=args.device, cfg_options=parse_cfg_options(args.cfg_options),
           force=args.force)
    return 0
