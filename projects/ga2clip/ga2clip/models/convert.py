"""Official GA2-CLIP / IVLP checkpoints <-> this project's state dict.

The official code (github BBYL9413/GA2-CLIP, ``train_nce.py``) saves
``{'epoch', 'model_state_dict', 'fusion_model_state_dict',
'optimizer_state_dict'}``; ``model_state_dict`` is the ``ViFiCLIP`` module:

=====================================================  =========================================
official key                                           this project
=====================================================  =========================================
``prompt_learner.ctx_VPT`` ``(n, w)``                  ``text_head.ctx``
``prompt_learner.proj_b2n_VPT.0.{weight,bias}``        ``text_head.coupling.0.{weight,bias}``
``text_encoder.transformer.resblocks.{i}.VPT_shallow`` ``text_head.deep_prompts[i-1]``
``image_encoder.VPT`` ``(n, W)``                       ``video_encoder.prompts``
``image_encoder.transformer.resblocks.{i}.VPT_shallow`` ``video_encoder.deep_prompts[i-1]``
``image_encoder.<clip visual key>``                    ``video_encoder.visual.<key>``
``text_encoder.<clip text key>``                       ``text_head.text.<key>``
``logit_scale``                                        ``logit_scale``
``prompt_learner.token_prefix/token_suffix/...``       dropped (rebuilt from class names)
=====================================================  =========================================

The official hard prompt is a plain attribute, so it is NOT in these
checkpoints: pass the stage-1 file (``hard_prompt=``) to make the converted
checkpoint self-contained (``text_head.hard_prompt``). ``token_embedding`` is
not in them either (their text encoder does not own it): it comes from
``model.clip.pretrained`` when the converted file is loaded with
``load_from`` (mmengine loads non-strictly and lists it as missing).
"""
import argparse
import re
import sys
from typing import Dict, Optional

import torch

from .weights import torch_load, unwrap_state_dict

_DEEP = re.compile(r'^(image_encoder|text_encoder)\.transformer\.resblocks\.'
                   r'(\d+)\.VPT_shallow$')
_DROPPED = ('prompt_learner.token_prefix', 'prompt_learner.token_suffix',
            'prompt_learner.complete_text_embeddings')
_DIRECT = {
    'prompt_learner.ctx_VPT': 'text_head.ctx',
    'prompt_learner.proj_b2n_VPT.0.weight': 'text_head.coupling.0.weight',
    'prompt_learner.proj_b2n_VPT.0.bias': 'text_head.coupling.0.bias',
    'image_encoder.VPT': 'video_encoder.prompts',
    'logit_scale': 'logit_scale',
}
_PREFIX = {'image_encoder.': 'video_encoder.visual.',
           'text_encoder.': 'text_head.text.'}


def _stack_deep(layers: Dict[int, torch.Tensor], what: str) -> torch.Tensor:
    expected = list(range(1, len(layers) + 1))
    if sorted(layers) != expected:
        raise ValueError(f'{what} deep prompts found for blocks '
                         f'{sorted(layers)}; expected contiguous blocks '
                         f'{expected}')
    return torch.stack([layers[i] for i in expected])


def convert_official_state_dict(official: Dict[str, torch.Tensor],
                                hard_prompt: Optional[torch.Tensor] = None,
                                include_backbone: bool = True
                                ) -> Dict[str, torch.Tensor]:
    """Map an official ``model_state_dict`` to this project's keys.

    Args:
        official: official keys (``module.`` prefixes allowed).
        hard_prompt: ``(n, w)`` stage-1 hard prompt (GA2), or ``None``.
        include_backbone: also convert the CLIP weights (needed for
            checkpoints whose CLIP differs from ``clip.pretrained``).

    Raises:
        ValueError: naming unknown keys or non-contiguous deep prompts.
    """
    official = unwrap_state_dict(official, source='official state dict')
    out: Dict[str, torch.Tensor] = {}
    deep = {'image_encoder': {}, 'text_encoder': {}}
    unknown = []
    for key, value in official.items():
        match = _DEEP.match(key)
        if match:
            deep[match.group(1)][int(match.group(2))] = value
        elif key in _DIRECT:
            out[_DIRECT[key]] = value
        elif key.startswith(_DROPPED):
            continue
        elif key.startswith(tuple(_PREFIX)):
            if include_backbone:
                prefix = next(p for p in _PREFIX if key.startswith(p))
                out[_PREFIX[prefix] + key[len(prefix):]] = value
        else:
            unknown.append(key)
    if unknown:
        raise ValueError(f'unknown keys in official checkpoint: '
                         f'{unknown[:5]}' + (f' (+{len(unknown) - 5} more)'
                                            if len(unknown) > 5 else ''))
    if 'text_head.ctx' not in out:
        raise ValueError('official checkpoint has no prompt_learner.ctx_VPT')
    if deep['image_encoder']:
        out['video_encoder.deep_prompts'] = _stack_deep(
            deep['image_encoder'], 'vision')
    if deep['text_encoder']:
        out['text_head.deep_prompts'] = _stack_deep(
            deep['text_encoder'], 'text')
    if hard_prompt is not None:
        ctx = out['text_head.ctx']
        if tuple(hard_prompt.shape) != tuple(ctx.shape):
            raise ValueError(f'hard prompt has shape {tuple(hard_prompt.shape)}'
                             f', expected {tuple(ctx.shape)} like ctx_VPT')
        out['text_head.hard_prompt'] = hard_prompt.detach().clone()
        out['text_head.hard_prompt_loaded'] = torch.tensor(True)
    return out


def export_official_state_dict(ours: Dict[str, torch.Tensor]
                               ) -> Dict[str, torch.Tensor]:
    """Inverse of :func:`convert_official_state_dict` (the hard prompt, which
    official checkpoints do not hold, and ``token_embedding`` are dropped)."""
    inverse = {v: k for k, v in _DIRECT.items()}
    out = {}
    for key, value in ours.items():
        if key in inverse:
            out[inverse[key]] = value
        elif key == 'video_encoder.deep_prompts':
            for i, layer in enumerate(value, start=1):
                out[f'image_encoder.transformer.resblocks.{i}.VPT_shallow'] = layer
        elif key == 'text_head.deep_prompts':
            for i, layer in enumerate(value, start=1):
                out[f'text_encoder.transformer.resblocks.{i}.VPT_shallow'] = layer
        elif key.startswith('video_encoder.visual.'):
            out['image_encoder.' + key[len('video_encoder.visual.'):]] = value
        elif key.startswith('text_head.text.') and not key.startswith(
                'text_head.text.token_embedding'):
            out['text_encoder.' + key[len('text_head.text.'):]] = value
    return out


def convert_official_checkpoint(src: str, dst: str,
                                hard_prompt: Optional[str] = None,
                                include_backbone: bool = True) -> Dict:
    """Convert an official checkpoint file into an mmengine-style checkpoint
    (``{'meta': ..., 'state_dict': ...}``) usable with ``load_from``.

    ``hard_prompt``: the stage-1 file (official checkpoint: its
    ``prompt_learner.ctx_VPT``; or a ``.pt`` tensor).
    """
    obj = torch_load(src, what='official checkpoint')
    official = obj.get('model_state_dict', obj) if isinstance(obj, dict) \
        else obj
    hard = None
    if hard_prompt:
        hobj = torch_load(hard_prompt, what='hard prompt file')
        if torch.is_tensor(hobj):
            hard = hobj
        else:
            hsd = unwrap_state_dict(hobj.get('model_state_dict', hobj),
                                    source=hard_prompt)
            if 'prompt_learner.ctx_VPT' not in hsd:
                raise ValueError(f'hard prompt file {hard_prompt} has no '
                                 'prompt_learner.ctx_VPT')
            hard = hsd['prompt_learner.ctx_VPT']
    state_dict = convert_official_state_dict(
        official, hard_prompt=hard, include_backbone=include_backbone)
    ckpt = dict(meta=dict(converted_from=str(src),
                          hard_prompt_from=hard_prompt,
                          epoch=obj.get('epoch') if isinstance(obj, dict)
                          else None),
                state_dict=state_dict)
    torch.save(ckpt, dst)
    return ckpt


def main(argv=None) -> int:
    """CLI behind ``tools/convert_official_ckpt.py``."""
    parser = argparse.ArgumentParser(
        description='Convert an official GA2-CLIP/IVLP checkpoint into a '
        'GA2CLIP checkpoint for `load_from` / tools/test.py.')
    parser.add_argument('src', help='official checkpoint (.pt)')
    parser.add_argument('dst', help='output file')
    parser.add_argument('--hard-prompt', default=None,
                        help='stage-1 checkpoint/tensor holding the GA2 hard '
                        'prompt (prompt_learner.ctx_VPT); official GA2 '
                        'checkpoints do not contain it')
    parser.add_argument('--no-backbone', action='store_true',
                        help='convert only the prompt parameters (the CLIP '
                        'weights then come from model.clip.pretrained)')
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='load files that need more than tensors and '
                        'plain data (with pickle, which can run code: only '
                        'for files you trust; same as '
                        'GA2CLIP_TRUST_CHECKPOINTS=1)')
    args = parser.parse_args(argv)
    if args.trust_checkpoint:
        from ..utils.safe_load import trust_checkpoints
        trust_checkpoints()
    try:
        ckpt = convert_official_checkpoint(
            args.src, args.dst, hard_prompt=args.hard_prompt,
            include_backbone=not args.no_backbone)
    except (FileNotFoundError, ValueError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    sd = ckpt['state_dict']
    n_prompt = sum(v.numel() for k, v in sd.items()
                   if not k.startswith(('video_encoder.visual.',
                                        'text_head.text.')))
    print(f'wrote {args.dst}: {len(sd)} tensors, {n_prompt} prompt/head '
          'values' + ('' if 'text_head.hard_prompt' in sd else
                      '; no hard prompt (pass --hard-prompt for GA2)'))
    return 0
