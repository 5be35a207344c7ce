"""Models: CLIP building/weights, video encoder, text heads, recognizer,
losses, official-checkpoint conversion. Importing registers every component
into MMAction2's ``MODELS`` registry."""
from .clip_configs import register_model_configs

register_model_configs()

from .losses import (AnchorBatch, BaseAnchorLoss, ElseClassAnchorLoss,  # noqa: E402
                     KLAnchorLoss, MarginAnchorLoss, OfficialAnchorLoss,
                     ScaledCosineCELoss, ScaledCosineLoss)
from .recognizer import GA2CLIP, load_vocabulary, read_class_csv  # noqa: E402
from .text_heads import (BaseTextHead, GA2TextHead, IVLPTextHead,  # noqa: E402
                         TemplateTextHead, check_class_names, load_hard_prompt)
from .text_tower import CLIPTextTower  # noqa: E402
from .coop_head import CoOpTextHead  # noqa: E402
from .atprompt_head import ATPromptTextHead  # noqa: E402
from .video_encoder import CLIPVideoEncoder  # noqa: E402
from .msta import MSTAAdapters  # noqa: E402
from .vocab_losses import (BaseVocabLoss, DescriptionConsistencyLoss,  # noqa: E402
                           VocabBatch)
from .vita_encoder import VitaVideoEncoder  # noqa: E402
from .video_cache import (VideoFeatureCache, VideoFeatureCacheHook,  # noqa: E402
                          check_pipeline)
from .convert import (convert_official_checkpoint,  # noqa: E402
                      convert_official_state_dict, export_official_state_dict)
from .weights import build_clip, load_clip_weights, unwrap_state_dict  # noqa: E402

__all__ = [
    'GA2CLIP', 'CLIPVideoEncoder', 'VitaVideoEncoder', 'CLIPTextTower', 'BaseTextHead',
    'TemplateTextHead', 'IVLPTextHead', 'GA2TextHead', 'CoOpTextHead', 'ATPromptTextHead',
    'ScaledCosineCELoss', 'ScaledCosineLoss',
    'BaseAnchorLoss', 'AnchorBatch', 'OfficialAnchorLoss',
    'ElseClassAnchorLoss', 'KLAnchorLoss', 'MarginAnchorLoss', 'build_clip',
    'load_clip_weights', 'unwrap_state_dict', 'load_hard_prompt',
    'check_class_names', 'load_vocabulary', 'read_class_csv',
    'register_model_configs', 'convert_official_checkpoint',
    'convert_official_state_dict', 'export_official_state_dict',
    'VideoFeatureCache', 'VideoFeatureCacheHook', 'check_pipeline',
    'MSTAAdapters', 'BaseVocabLoss', 'DescriptionConsistencyLoss', 'VocabBatch'
]
