from .clip_configs import register_model_configs

register_model_configs()
