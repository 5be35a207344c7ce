"""Convert a released ViFi-CLIP checkpoint file into a CLIP state dict in
OpenAI key layout (``tools/convert_official_ckpt.py --vifi``).

The key mapping is :mod:`ga2clip.models.convert_vifi` (which the weights
loader imports to load such files directly as ``clip.pretrained``); this
module builds and checks the CLIP on top of :mod:`ga2clip.models.weights`,
so it sits above both (no import cycle).
"""
from typing import Dict

import torch


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
