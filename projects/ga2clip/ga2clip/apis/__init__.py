"""Tool back ends: train/test CLI (:mod:`.cli`), inference on your own
videos (:func:`infer`), result plots (:mod:`.plots`).

Imported lazily so that ``import ga2clip.apis.cli`` stays light."""


def infer(*args, **kwargs):
    """See :func:`ga2clip.apis.inference.infer`."""
    from .inference import infer as _infer
    return _infer(*args, **kwargs)


__all__ = ['infer']
