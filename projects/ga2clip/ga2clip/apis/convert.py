"""``tools/convert_official_ckpt.py``: one command for every checkpoint
converter of the package."""
import sys


def cli(argv=None) -> int:
    """``--vita``: released Vita-CLIP
    (:func:`ga2clip.models.convert_vita.main`); ``--vifi``: released
    ViFi-CLIP (:func:`ga2clip.models.convert_vifi_file.main`); otherwise the official GA2-CLIP/IVLP one
    (:func:`ga2clip.models.convert.main`)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if '--vifi' in argv:
        argv.remove('--vifi')
        from ..models.convert_vifi_file import main
    elif '--vita' in argv:
        argv.remove('--vita')
        from ..models.convert_vita import main
    else:
        from ..models.convert import main
    return main(argv)
