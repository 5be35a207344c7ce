"""Spatial and temporal class descriptions (MSTA's consistency targets).

Sources (``DescriptionConsistencyLoss(descriptions=dict(format=...))``):

- ``'released'``: the MSTA release's JSON files (chenhaoxing/ETL4Video,
  ``description/``; not shipped here: they carry no licence, download them
  yourself), one per kind: ``{N}_{s|t}_description_{dataset}[_base|_novel]
  .json`` holding ``{"<class index>": [N sentences]}``, indices in the
  dataset's class-list order (ViFi-CLIP label csv). Give both files and the
  class list that indexes them (``class_file``: csv path or list of names;
  for ``_base`` files the base vocabulary's csv); ``dataset`` (optional)
  must match the dataset named in the file names.
- ``'own'``: one JSON ``{"<class name>": {"spatial": [...],
  "temporal": [...]}}`` (e.g. written for the synthetic world by
  ``tools/synthetic/write_descriptions.py``).
- ``'templates'``: no file: each class gets template sentences (offline
  fallback, close to the paper's "w/o DES" row).

Every problem -- a class with no description, an index beyond the class
list, an empty sentence, a file named for another dataset or the other kind
-- raises a one-line ``ValueError`` naming the file and the class.
"""
import json
import os.path as osp
import re
from typing import Dict, List, Optional, Sequence, Tuple, Union

from ..utils.class_lists import read_class_names

KINDS = ('spatial', 'temporal')
FORMATS = ('released', 'own', 'templates')
RELEASED_NAME = re.compile(
    r'^(?P<n>\d+)_(?P<kind>[st])_description_(?P<dataset>.+?)'
    r'(?:_(?P<subset>base|novel))?\.json$')
SPATIAL_TEMPLATES = ('a photo of a person {}.',
                     'a frame showing the scene and objects of {}.')
TEMPORAL_TEMPLATES = ('a video of a person {}.',
                      'the motion of someone {} over time.')

# {class key: {'spatial': [...], 'temporal': [...]}}
Descriptions = Dict[str, Dict[str, List[str]]]


def class_key(name: str) -> str:
    """Lookup key of a class name: ``_`` as space, case and spacing
    ignored."""
    return ' '.join(str(name).replace('_', ' ').split()).lower()


# dataset names of the released files (hmdb, ucf_101, k400, k600, ssv2)
_DATASET_ALIASES = {'hmdb51': 'hmdb', 'kinetics400': 'k400',
                    'kinetics600': 'k600', 'sthsthv2': 'ssv2',
                    'somethingsomethingv2': 'ssv2'}


def _norm_dataset(name: str) -> str:
    key = re.sub(r'[^a-z0-9]', '', str(name).lower())
    return _DATASET_ALIASES.get(key, key)


def _load_json(path: str, what: str):
    if not osp.isfile(path):
        raise FileNotFoundError(f'{what} file {path} does not exist (MSTA '
                                'descriptions are not shipped: see '
                                'docs/msta.md, or set alpha=0 / '
                                "format='templates')")
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f)
    except json.JSONDecodeError as e:
        raise ValueError(f'{what} file {path} is not valid JSON ({e.msg} at '
                         f'line {e.lineno}); fix the file') from None


def _sentences(value, path: str, cls: str, kind: str) -> List[str]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise ValueError(f'{path}: class {cls!r} {kind} descriptions must be '
                         f'a list of sentences, got {type(value).__name__}')
    if not value:
        raise ValueError(f'{path}: class {cls!r} has no {kind} description '
                         '(empty list); add sentences or drop the class')
    out = []
    for j, s in enumerate(value):
        if not isinstance(s, str) or not s.strip():
            raise ValueError(f'{path}: class {cls!r} has an empty {kind} '
                             f'sentence (#{j}); remove it or write one')
        out.append(s.strip())
    return out


def read_released(path: str, class_names: Sequence[str], kind: str,
                  dataset: Optional[str] = None) -> Dict[str, List[str]]:
    """One released file -> ``{class key: sentences}``.

    Args:
        path: ``{N}_{s|t}_description_{dataset}[_base|_novel].json``.
        class_names: the class list its indices refer to.
        kind: ``'spatial'`` or ``'temporal'`` (checked against the name).
        dataset: if given, must be the dataset of the file name.
    """
    if kind not in KINDS:
        raise ValueError(f'kind must be one of {KINDS}, got {kind!r}')
    m = RELEASED_NAME.match(osp.basename(path))
    if m:
        got = 'spatial' if m['kind'] == 's' else 'temporal'
        if got != kind:
            raise ValueError(f'{path} is a {got} description file '
                             f"('_{m['kind']}_' in its name) given as "
                             f'{kind}; swap spatial= and temporal=')
        if dataset and _norm_dataset(m['dataset']) != _norm_dataset(dataset):
            raise ValueError(f"{path} is for dataset {m['dataset']!r}, not "
                             f'{dataset!r}; point at the {dataset} file')
    data = _load_json(path, f'{kind} description')
    if not isinstance(data, dict):
        raise ValueError(f'{path} must hold {{"<class index>": [sentences]}}'
                         f', got a {type(data).__name__}')
    names = list(class_names)
    out: Dict[str, List[str]] = {}
    for key, value in data.items():
        try:
            idx = int(key)
        except (TypeError, ValueError):
            raise ValueError(f'{path}: key {key!r} is not a class index '
                             '(released format); for class-name keys use '
                             "format='own'") from None
        if not 0 <= idx < len(names):
            raise ValueError(f'{path}: class index {idx} is beyond the class '
                             f'list ({len(names)} classes); a file for '
                             'another dataset or subset? check class_file')
        cls = names[idx]
        out[class_key(cls)] = _sentences(value, path, cls, kind)
    return out


def read_own(path: str) -> Descriptions:
    """``{"<class name>": {"spatial": [...], "temporal": [...]}}`` ->
    :data:`Descriptions`."""
    data = _load_json(path, 'description')
    if not isinstance(data, dict) or not data:
        raise ValueError(f'{path} must hold {{"<class name>": {{"spatial": '
                         '[...], "temporal": [...]}}}} (non-empty)')
    out: Descriptions = {}
    for cls, value in data.items():
        if not isinstance(value, dict):
            raise ValueError(f'{path}: class {cls!r} must map to {{"spatial":'
                             f' [...], "temporal": [...]}}, got '
                             f'{type(value).__name__}')
        missing = [k for k in KINDS if k not in value]
        if missing:
            raise ValueError(f'{path}: class {cls!r} has no {missing[0]} '
                             'description; add the key')
        if not str(cls).strip():
            raise ValueError(f'{path}: a class name is empty')
        out[class_key(cls)] = {k: _sentences(value[k], path, cls, k)
                               for k in KINDS}
    return out


def template_descriptions(class_names: Sequence[str],
                          spatial: Sequence[str] = SPATIAL_TEMPLATES,
                          temporal: Sequence[str] = TEMPORAL_TEMPLATES
                          ) -> Descriptions:
    """Template sentences per class (``str.format`` with the name)."""
    for kind, temps in (('spatial', spatial), ('temporal', temporal)):
        if isinstance(temps, str) or not temps or \
                any('{}' not in t for t in temps):
            raise ValueError(f'{kind} templates must be a non-empty list of '
                             f'strings with one "{{}}", got {temps!r}')
    out: Descriptions = {}
    for n in class_names:
        name = str(n).replace('_', ' ')
        out[class_key(n)] = dict(spatial=[t.format(name) for t in spatial],
                                 temporal=[t.format(name) for t in temporal])
    return out


class DescriptionSource:
    """Descriptions from a config dict (see the module docstring).

    ``dict(format='released', spatial=<json>, temporal=<json>,
    class_file=<csv or names>, dataset=None)``, ``dict(format='own',
    file=<json>)`` or ``dict(format='templates', spatial=[...],
    temporal=[...])``. The arguments are checked at construction; the
    files are read and checked on first use (:meth:`load`, called by
    :meth:`lookup`: the first training step), so a model that is only
    tested needs no description file.
    """

    def __init__(self, format: str = 'templates', **cfg):
        if format not in FORMATS:
            raise ValueError(f'descriptions format must be one of {FORMATS}, '
                             f'got {format!r}')
        self.format = format
        self.cfg = dict(cfg)
        self.descriptions: Optional[Descriptions] = None
        self.templates: Tuple[Sequence[str], Sequence[str]] = (
            SPATIAL_TEMPLATES, TEMPORAL_TEMPLATES)
        self.loaded = format == 'templates'
        if format == 'released':
            need = ('spatial', 'temporal', 'class_file')
            extra = sorted(set(cfg) - set(need) - {'dataset'})
            if extra or any(cfg.get(k) is None for k in need):
                raise ValueError(
                    "descriptions format='released' needs spatial=<{N}_s_"
                    '...json>, temporal=<{N}_t_...json> and class_file=<the '
                    f'class csv they index> (dataset= optional), got '
                    f'{sorted(cfg)}')
            self.where = f"{cfg['spatial']} / {cfg['temporal']}"
        elif format == 'own':
            extra = sorted(set(cfg) - {'file'})
            if extra or not cfg.get('file'):
                raise ValueError("descriptions format='own' takes file=<json>"
                                 f' only, got {sorted(cfg)}')
            self.where = cfg['file']
        else:
            extra = sorted(set(cfg) - {'spatial', 'temporal'})
            if extra:
                raise ValueError("descriptions format='templates' takes "
                                 f'spatial= and temporal=, got {extra}')
            self.templates = (cfg.get('spatial', SPATIAL_TEMPLATES),
                              cfg.get('temporal', TEMPORAL_TEMPLATES))
            template_descriptions(['x'], *self.templates)  # validate
            self.where = 'template descriptions'

    def load(self) -> 'DescriptionSource':
        """Read and check the files (once)."""
        if self.loaded:
            return self
        if self.format == 'released':
            self._load_released(**self.cfg)
        else:
            self.descriptions = read_own(self.cfg['file'])
        self.loaded = True
        return self

    def _load_released(self, spatial: str, temporal: str,
                       class_file: Union[str, Sequence[str]],
                       dataset: Optional[str] = None):
        names = read_class_names(class_file) if isinstance(class_file, str) \
            else list(class_file)
        per_kind = {k: read_released(p, names, k, dataset)
                    for k, p in (('spatial', spatial),
                                 ('temporal', temporal))}
        out: Descriptions = {}
        for cls in names:
            key = class_key(cls)
            if key in per_kind['spatial'] and key in per_kind['temporal']:
                out[key] = dict(spatial=per_kind['spatial'][key],
                                temporal=per_kind['temporal'][key])
        self.paths = dict(spatial=spatial, temporal=temporal)
        self.per_kind = per_kind
        self.descriptions = out

    def lookup(self, class_names: Sequence[str]) -> Descriptions:
        """``{class name: {'spatial': [...], 'temporal': [...]}}`` for every
        class of ``class_names`` (in order); a class without a description
        raises, naming the file and the class."""
        self.load()
        if self.descriptions is None:
            found = template_descriptions(class_names, *self.templates)
            return {n: found[class_key(n)] for n in class_names}
        out = {}
        for n in class_names:
            key = class_key(n)
            if self.format == 'released':
                for kind in KINDS:
                    if key not in self.per_kind[kind]:
                        raise ValueError(
                            f'{self.paths[kind]}: class {n!r} has no {kind} '
                            'description; add it, use another file, or set '
                            "alpha=0 / format='templates'")
            elif key not in self.descriptions:
                raise ValueError(f'{self.where}: class {n!r} has no '
                                 'description; add it, or set alpha=0 / '
                                 "format='templates'")
            out[n] = self.descriptions[key]
        return out
