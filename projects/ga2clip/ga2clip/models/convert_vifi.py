"""Released ViFi-CLIP checkpoints -> CLIP in OpenAI key layout.

ViFi-CLIP (github muzairkhattak/ViFi-CLIP) saves, in ``utils/tools.py``
``epoch_saving``, ``{'model': <DDP state dict>, 'optimizer',
'lr_scheduler', 'max_accuracy', 'epoch', 'config'}``; ``model`` is the
``ViFiCLIP`` module of ``trainers/vificlip.py`` wrapped in
``DistributedDataParallel`` (every key starts with ``module.``):

==================================================  ==========================
ViFi-CLIP key (after ``module.``)                   OpenAI / open_clip key
==================================================  ==========================
``image_encoder.<key>`` (``clip_model.visual``)     ``visual.<key>``
``text_encoder.transformer.*``                      ``transformer.*``
``text_encoder.positional_embedding``               ``positional_embedding``
``text_encoder.ln_final.*``                         ``ln_final.*``
``text_encoder.text_projection``                    ``text_projection``
``logit_scale``                                     ``logit_scale``
``prompt_learner.complete_text_embeddings`` /       dropped (token embeddings
``token_prefix`` / ``token_suffix``                 of the training prompts)
==================================================  ==========================

ViFi-CLIP's ``TextEncoder`` does not own ``token_embedding`` (the prompt
learner embeds the class prompts once, at build time, with OpenAI's
frozen table), so these files hold none: the converted state dict takes
it from OpenAI's CLIP of the same architecture (open_clip tag
``'openai'`` by default, or an OpenAI-layout file). That is exactly the
table ViFi-CLIP used. Prompting checkpoints (``VPT`` / ``prompt_learner.ctx``
keys: IVLP, GA2-CLIP) are not CLIP weights: convert them with
``tools/convert_official_ckpt.py`` (:mod:`ga2clip.models.convert`).
"""
from typing import Dict

import torch

TOKEN_EMBEDDING = 'token_embedding.weight'
_TEXT_KEYS = ('transformer.', 'positional_embedding', 'ln_final.',
              'text_projection')
_DROPPED = ('prompt_learner.complete_text_embeddings',
            'prompt_learner.token_prefix', 'prompt_learner.token_suffix')


def is_vifi_state_dict(state_dict: Dict[str, torch.Tensor]) -> bool:
    """Whether an unwrapped state dict is in ViFi-CLIP's key layout."""
    return any(k.startswith(('image_encoder.', 'text_encoder.'))
               for k in state_dict)


def vifi_to_openai(state_dict: Dict[str, torch.Tensor],
                   source: str = '<state dict>') -> Dict[str, torch.Tensor]:
    """Map an unwrapped ViFi-CLIP ``model`` state dict (``module.``
    stripped, e.g. by :func:`ga2clip.models.weights.unwrap_state_dict`) to
    OpenAI keys, without ``token_embedding.weight`` (not in the file).

    Raises:
        ValueError: one line naming ``source`` and the keys that are not
            CLIP weights (prompt-learning keys, unknown keys).
    """
    out, unknown = {}, []
    for key, value in state_dict.items():
        if key in _DROPPED:
            continue
        if key.startswith('image_encoder.'):
            new = 'visual.' + key[len('image_encoder.'):]
        elif key.startswith('text_encoder.') and key[13:].startswith(
                _TEXT_KEYS):
            new = key[len('text_encoder.'):]
        elif key == 'logit_scale':
            new = key
        else:
            unknown.append(key)
            continue
        if 'VPT' in new:
            unknown.append(key)
            continue
        out[new] = value
    if unknown:
        shown = ', '.join(unknown[:5])
        more = f' (+{len(unknown) - 5} more)' if len(unknown) > 5 else ''
        raise ValueError(
            f'{source}: ViFi-CLIP checkpoint with keys that are not CLIP '
            f'weights [{shown}{more}]; prompt-learning checkpoints (VPT, '
            'prompt_learner.ctx) convert with tools/convert_official_ckpt.py '
            'and load with load_from, not clip.pretrained')
    return out


def convert_vifi_checkpoint(src: str, dst: str, arch: str = 'ViT-B-16',
                            token_embedding_from: str = 'openai'
                            ) -> Dict[str, torch.Tensor]:
    """Write ``src`` (a released ViFi-CLIP checkpoint) to ``dst`` as a plain
    OpenAI-layout CLIP state dict (``clip.pretrained`` of the configs).

    The CLIP ``arch`` is built and loaded strictly
    (:func:`ga2clip.models.weights.build_clip`), so every tensor is checked
    against the architecture; ``token_embedding`` comes from
    ``token_embedding_from`` (open_clip tag or OpenAI-layout file).
    """
    from .weights import build_clip, read_clip_state_dict
    _, is_vifi = read_clip_state_dict(src)
    if not is_vifi:
        raise ValueError(f'{src} has no image_encoder.* / text_encoder.* keys:'
                         ' not a ViFi-CLIP checkpoint (OpenAI-layout files '
                         'load as clip.pretrained without conversion)')
    model, _ = build_clip(arch, pretrained=src, force_quick_gelu=True,
                          token_embedding_from=token_embedding_from)
    state_dict = {k: v.detach().clone() for k, v in model.state_dict().items()}
    torch.save(state_dict, dst)
    return state_dict


def main(argv=None) -> int:
    """``tools/convert_official_ckpt.py --vifi``."""
    import argparse
    import sys
    parser = argparse.ArgumentParser(
        description='Convert a released ViFi-CLIP checkpoint into a CLIP '
        'state dict in OpenAI key layout (clip.pretrained).')
    parser.add_argument('src', help='ViFi-CLIP checkpoint (.pth)')
    parser.add_argument('dst', help='output file')
    parser.add_argument('--arch', default='ViT-B-16',
                        help='open_clip architecture (default ViT-B-16)')
    parser.add_argument('--token-embedding-from', default='openai',
                        help="open_clip tag or OpenAI-layout file giving "
                        "token_embedding (default 'openai')")
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
        sd = convert_vifi_checkpoint(args.src, args.dst, args.arch,
                                     args.token_embedding_from)
    except (FileNotFoundError, ValueError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    print(f'wrote {args.dst}: {len(sd)} tensors in OpenAI key layout '
          f'({args.arch})')
    return 0
