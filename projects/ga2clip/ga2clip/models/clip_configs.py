"""Register the project's own open_clip model configs (tiny test/demo models).

Every ``*.json`` in ``ga2clip/models/model_configs/`` becomes an open_clip
model name (the file stem), e.g. ``open_clip.create_model('ga2clip-tiny')``.
"""
from pathlib import Path

CONFIG_DIR = Path(__file__).parent / 'model_configs'
_REGISTERED = False


def register_model_configs() -> None:
    """Idempotently add :data:`CONFIG_DIR` to open_clip's config registry."""
    global _REGISTERED
    if _REGISTERED:
        return
    import open_clip
    open_clip.add_model_config(CONFIG_DIR)
    _REGISTERED = True
