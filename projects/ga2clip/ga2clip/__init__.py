"""GA2-CLIP for MMAction2.

``import ga2clip`` applies the compatibility fixes of :mod:`ga2clip.compat`
and registers every component into MMAction2's registries, so a config pulls
the project in with::

    custom_imports = dict(imports=['ga2clip'], allow_failed_imports=False)
"""
from . import compat

compat.apply()

from . import engine  # noqa: E402,F401
from . import models  # noqa: E402,F401
from . import datasets  # noqa: E402,F401
from . import evaluation  # noqa: E402,F401

__version__ = '0.1.0'
