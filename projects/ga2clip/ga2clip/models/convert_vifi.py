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
