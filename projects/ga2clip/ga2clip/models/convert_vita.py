"""Released Vita-CLIP checkpoints <-> this project's state dict.

The released code (TalalWasim/Vita-CLIP, ``training/``) trains a ``VitaCLIP``
module under DDP (``module.`` prefixes, stripped here) whose keys are
(``{i}`` = block index):

======================================================  ==============================================
released key                                            this project
======================================================  ==============================================
``visual.patch_embed.proj.weight``                      ``video_encoder.visual.conv1.weight``
``visual.patch_embed.proj.bias``                        folded into ``...visual.positional_embedding[1:]``
``visual.cls_token`` / ``visual.pos_embed``             ``...visual.class_embedding`` / ``positional_embedding``
``visual.ln_pre.*`` / ``ln_post.*`` / ``proj``          ``video_encoder.visual.`` same names
``visual.time_embed`` ``(T, W)``                        ``video_encoder.time_embed``
``visual.global_prompts`` ``(L, G, W)``                 ``video_encoder.global_prompts``
``visual.blocks.{i}.attn.{q,k,v}_proj.*``               ``...resblocks.{i}.attn.in_proj_*`` (q, k, v stacked)
``visual.blocks.{i}.attn.out_proj.*``                   ``...resblocks.{i}.attn.out_proj.*``
``visual.blocks.{i}.norm1`` / ``norm2``                 ``...resblocks.{i}.ln_1`` / ``ln_2``
``visual.blocks.{i}.mlp.fc1`` / ``fc2``                 ``...resblocks.{i}.mlp.c_fc`` / ``c_proj``
``visual.blocks.{i}.cls_proj.*``                        ``video_encoder.cls_proj.{i}.*``
``visual.blocks.{i}.summary_ln.*``                      ``video_encoder.summary_ln.{i}.*``
``visual.blocks.{i}.summary_attn_layer.{q,k,v}_proj.*`` ``video_encoder.summary_attn.{i}.in_proj_*``
``visual.blocks.{i}.summary_attn_layer.out_proj.*``     ``video_encoder.summary_attn.{i}.out_proj.*``
``visual.blocks.{i}.local_prompts`` ``(1, T, W)``       ``video_encoder.local_prompts[i]``
``textual.<open_clip text key>``                        ``text_head.text.<key>``
``prompt_learner.ctx`` ``(n, w)`` / CSC ``(C, n, w)``   ``text_head.ctx``
``prompt_learner.token_prefix/token_suffix``            dropped (rebuilt from class names)
``logit_scale``                                         ``logit_scale``
======================================================  ==============================================

The released patch embedding is a ``Conv2d`` with a bias, open_clip's
``conv1`` has none: the bias adds the same vector to every patch token, so
it is added to the patch rows of the (frozen) positional embedding; exact.
"""
import argparse
import re
import sys
from typing import Dict

import torch

from .weights import torch_load, unwrap_state_dict

_BLOCK = re.compile(r'^visual\.blocks\.(\d+)\.(.+)$')
_QKV = re.compile(r'^(attn|summary_attn_layer)\.([qkv])_proj\.(weight|bias)$')
_OUR_BLOCK = 'video_encoder.visual.transformer.resblocks.{}.'
_BLOCK_RENAME = {'norm1.': 'ln_1.', 'norm2.': 'ln_2.', 'mlp.fc1.': 'mlp.c_fc.',
                 'mlp.fc2.': 'mlp.c_proj.', 'attn.out_proj.': 'attn.out_proj.'}
_OWN_BLOCK = {'cls_proj.': 'video_encoder.cls_proj.{}.',
              'summary_ln.': 'video_encoder.summary_ln.{}.',
              'summary_attn_layer.out_proj.':
              'video_encoder.summary_attn.{}.out_proj.'}
_DIRECT = {
    'visual.patch_embed.proj.weight': 'video_encoder.visual.conv1.weight',
    'visual.cls_token': 'video_encoder.visual.class_embedding',
    'visual.pos_embed': 'video_encoder.visual.positional_embedding',
    'visual.proj': 'video_encoder.visual.proj',
    'visual.time_embed': 'video_encoder.time_embed',
    'visual.global_prompts': 'video_encoder.global_prompts',
    'prompt_learner.ctx': 'text_head.ctx',
    'logit_scale': 'logit_scale',
}
_PREFIX = {'visual.ln_pre.': 'video_encoder.visual.ln_pre.',
           'visual.ln_post.': 'video_encoder.visual.ln_post.',
           'textual.': 'text_head.text.'}
_DROPPED = ('prompt_learner.token_prefix', 'prompt_learner.token_suffix')
_BIAS = 'visual.patch_embed.proj.bias'
_BACKBONE = ('video_encoder.visual.', 'text_head.text.')


def _fmt(keys):
    more = f' (+{len(keys) - 5} more)' if len(keys) > 5 else ''
    return f'{keys[:5]}{more}'


def _block_key(i: int, rest: str):
    """(our key, qkv slot or None) of a released block key, or None."""
    qkv = _QKV.match(rest)
    if qkv:
        part, slot, kind = qkv.groups()
        base = _OUR_BLOCK.format(i) + 'attn.' if part == 'attn' else \
            f'video_encoder.summary_attn.{i}.'
        return f'{base}in_proj_{kind}', 'qkv'.index(slot)
    for old, new in _BLOCK_RENAME.items():
        if rest.startswith(old):
            return _OUR_BLOCK.format(i) + new + rest[len(old):], None
    for old, new in _OWN_BLOCK.items():
        if rest.startswith(old):
            return new.format(i) + rest[len(old):], None
    return None


def convert_vita_state_dict(released: Dict[str, torch.Tensor],
                            include_backbone: bool = True
                            ) -> Dict[str, torch.Tensor]:
    """Map a released Vita-CLIP state dict to this project's keys.

    Raises:
        ValueError: one line naming the unknown keys, or incomplete q/k/v
            triples / local prompts.
    """
    released = unwrap_state_dict(released, source='Vita-CLIP state dict')
    out: Dict[str, torch.Tensor] = {}
    qkv: Dict[str, Dict[int, torch.Tensor]] = {}
    local: Dict[int, torch.Tensor] = {}
    unknown = []
    for key, value in released.items():
        block = _BLOCK.match(key)
        if key in _DIRECT:
            out[_DIRECT[key]] = value
        elif key == _BIAS or key.startswith(_DROPPED):
            continue
        elif block and block.group(2) == 'local_prompts':
            local[int(block.group(1))] = value.reshape(value.shape[-2:])
        elif block and _block_key(int(block.group(1)), block.group(2)):
            ours, slot = _block_key(int(block.group(1)), block.group(2))
            if slot is None:
                out[ours] = value
            else:
                qkv.setdefault(ours, {})[slot] = value
        elif key.startswith(tuple(_PREFIX)):
            prefix = next(p for p in _PREFIX if key.startswith(p))
            out[_PREFIX[prefix] + key[len(prefix):]] = value
        else:
            unknown.append(key)
    if unknown:
        raise ValueError(f'unknown keys in Vita-CLIP checkpoint: '
                         f'{_fmt(unknown)}')
    broken = [k for k, parts in qkv.items() if sorted(parts) != [0, 1, 2]]
    if broken:
        raise ValueError(f'Vita-CLIP checkpoint lacks q/k/v projections of '
                         f'{_fmt(broken)}')
    out.update({k: torch.cat([p[0], p[1], p[2]]) for k, p in qkv.items()})
    if local:
        if sorted(local) != list(range(len(local))):
            raise ValueError(f'Vita-CLIP local prompts found for blocks '
                             f'{sorted(local)}; expected 0..{len(local) - 1}')
        out['video_encoder.local_prompts'] = torch.stack(
            [local[i] for i in range(len(local))])
    bias = released.get(_BIAS)
    pos = 'video_encoder.visual.positional_embedding'
    if bias is not None and pos in out:
        folded = out[pos].clone()
        folded[1:] += bias.to(folded.dtype)
        out[pos] = folded
    if not include_backbone:
        out = {k: v for k, v in out.items() if not k.startswith(_BACKBONE)}
    return out


def export_vita_state_dict(ours: Dict[str, torch.Tensor]
                           ) -> Dict[str, torch.Tensor]:
    """Inverse of :func:`convert_vita_state_dict` (the patch bias comes out
    as zeros; keys without a released counterpart are left out)."""
    inverse = {v: k for k, v in _DIRECT.items()}
    out: Dict[str, torch.Tensor] = {}
    for key, value in ours.items():
        if key in inverse:
            out[inverse[key]] = value
            continue
        if key == 'video_encoder.local_prompts':
            for i, layer in enumerate(value):
                out[f'visual.blocks.{i}.local_prompts'] = layer.unsqueeze(0)
            continue
        for old, new in _PREFIX.items():
            if key.startswith(new):
                out[old + key[len(new):]] = value
                break
        else:
            _export_block_key(key, value, out)
    if 'visual.patch_embed.proj.weight' in out:
        out[_BIAS] = out['visual.patch_embed.proj.weight'].new_zeros(
            out['visual.patch_embed.proj.weight'].shape[0])
    return out


_OUR_BLOCK_RE = re.compile(
    r'^video_encoder\.(?:visual\.transformer\.resblocks|(cls_proj|summary_ln'
    r'|summary_attn))\.(\d+)\.(.+)$')


def _export_block_key(key, value, out):
    match = _OUR_BLOCK_RE.match(key)
    if not match:
        return
    own, i, rest = match.group(1), int(match.group(2)), match.group(3)
    base = f'visual.blocks.{i}.'
    if rest.startswith('attn.in_proj_') or (
            own == 'summary_attn' and rest.startswith('in_proj_')):
        part = 'summary_attn_layer' if own else 'attn'
        kind = rest.rsplit('_', 1)[1]
        for slot, chunk in zip('qkv', value.chunk(3)):
            out[f'{base}{part}.{slot}_proj.{kind}'] = chunk
    elif own == 'summary_attn':
        out[f'{base}summary_attn_layer.{rest}'] = value
    elif own:
        out[f'{base}{own}.{rest}'] = value
    else:
        for old, new in _BLOCK_RENAME.items():
            if rest.startswith(new):
                out[base + old + rest[len(new):]] = value
                break


def describe(state_dict: Dict[str, torch.Tensor]) -> str:
    """The Vita-CLIP settings a converted state dict needs in the config."""
    sd = state_dict
    parts = []
    if 'video_encoder.time_embed' in sd:
        parts.append(f"num_frames={sd['video_encoder.time_embed'].shape[0]}")
    g = sd.get('video_encoder.global_prompts')
    parts.append(f'global_prompts={0 if g is None else g.shape[1]}')
    parts.append(f"local_prompts={'video_encoder.local_prompts' in sd}")
    parts.append('summary_token='
                 f"{'video_encoder.summary_attn.0.in_proj_weight' in sd}")
    ctx = sd.get('text_head.ctx')
    if ctx is not None:
        parts.append(f'text n_ctx={ctx.shape[-2]}, csc={ctx.dim() == 3}' +
                     (f' ({ctx.shape[0]} classes)' if ctx.dim() == 3 else ''))
    return ', '.join(parts)


def convert_vita_checkpoint(src: str, dst: str,
                            include_backbone: bool = True) -> Dict:
    """Released checkpoint file -> ``{'meta', 'state_dict'}`` for
    ``load_from`` / ``tools/test.py`` (read the safe way, see
    :func:`ga2clip.models.weights.torch_load`)."""
    obj = torch_load(src, what='Vita-CLIP checkpoint')
    state_dict = convert_vita_state_dict(obj, include_backbone)
    ckpt = dict(meta=dict(converted_from=str(src), format='vita-clip',
                          settings=describe(state_dict)),
                state_dict=state_dict)
    torch.save(ckpt, dst)
    return ckpt


def main(argv=None) -> int:
    """CLI behind ``tools/convert_official_ckpt.py --vita``."""
    parser = argparse.ArgumentParser(
        description='Convert a released Vita-CLIP checkpoint into a GA2CLIP '
        '(VitaVideoEncoder + CoOpTextHead) checkpoint.')
    parser.add_argument('src', help='released checkpoint (.pth)')
    parser.add_argument('dst', help='output file')
    parser.add_argument('--no-backbone', action='store_true',
                        help='convert only the Vita-CLIP parameters (CLIP '
                        'weights then come from model.clip.pretrained)')
    args = parser.parse_args(argv)
    try:
        ckpt = convert_vita_checkpoint(args.src, args.dst,
                                       include_backbone=not args.no_backbone)
    except (FileNotFoundError, ValueError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    print(f"wrote {args.dst}: {len(ckpt['state_dict'])} tensors; config: "
          f"{ckpt['meta']['settings']}")
    return 0
