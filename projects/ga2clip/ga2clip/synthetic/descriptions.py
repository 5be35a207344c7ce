"""Spatial and temporal descriptions of the synthetic world's classes, from
its attribute grammar (:mod:`ga2clip.synthetic.world`): MSTA's description
targets without an LLM.

Spatial sentences name what one frame shows (texture, colour, shape, in the
world's synonyms); temporal sentences describe the clip over time (the
object drifting, its look kept across frames). Motion is a nuisance
attribute of the world (every class moves in every direction), so the
temporal sentences name the class attributes plus class-neutral motion.

Written as ``<world>/descriptions.json`` in the ``own`` format of
:mod:`ga2clip.datasets.descriptions` (``{class: {"spatial": [...],
"temporal": [...]}}``) by :func:`generate_world` and
``tools/synthetic/write_descriptions.py``; a file that differs from the
generated one (a user's) is never overwritten.
"""
import json
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence

from . import world as W

FILE_NAME = 'descriptions.json'
#: the temporal split's classes (``'<colour> <shape> moving <motion>'``)
TEMPORAL_FILE_NAME = 'descriptions_temporal.json'


def class_descriptions(name: str) -> Dict[str, List[str]]:
    """``{'spatial': [4 sentences], 'temporal': [4 sentences]}`` of a class
    ``'<texture> <colour> <shape>'``."""
    texture, colour, shape = W.parse_class_name(name)
    syn = W.TEXTURE_SYNONYMS[texture]
    pattern = W.TEXTURE_WITH[texture]
    art = W._article
    spatial = [
        f'{art(texture)} {texture} {colour} {shape}.',
        f'{art(colour)} {colour} {shape} with {pattern}.',
        f'{art(syn[1])} {syn[1]} {shape} in {colour}.',
        f'a picture of {art(syn[2])} {syn[2]} {colour} {shape} on a '
        'background.',
    ]
    temporal = [
        f'{art(texture)} {texture} {colour} {shape} drifting across the '
        'frames.',
        f'the {colour} {shape} keeps its {pattern} while it moves.',
        f'a clip of one or two {colour} {W.PLURAL[shape]} sliding in one '
        f'direction, {texture} all along.',
        f'frame after frame, {art(texture)} {texture} {shape} in {colour} '
        'moves a little.',
    ]
    return dict(spatial=spatial, temporal=temporal)


def world_descriptions(names: Optional[Sequence[str]] = None
                       ) -> Dict[str, Dict[str, List[str]]]:
    """Descriptions of ``names`` (default: every downstream and auxiliary
    class)."""
    if names is None:
        sets = W.class_sets()
        names = sets['base'] + sets['novel'] + sets['aux']
    return {n: class_descriptions(n) for n in names}


def temporal_class_descriptions(name: str) -> Dict[str, List[str]]:
    """``{'spatial': [4], 'temporal': [4]}`` of a temporal class: spatial
    sentences name what one frame shows (colour, shape: the same for a class
    and its time-reversed twin), temporal sentences name the motion."""
    colour, shape, motion = W.parse_temporal_class_name(name)
    art = W._article
    spatial = [
        f'{art(colour)} {colour} {shape}.',
        f'a picture of {art(colour)} {colour} {shape} on a background.',
        f'one {colour} {shape}, solid or striped.',
        f'{art(shape)} {shape} in {colour}, small or large.',
    ]
    temporal = [
        f'{art(colour)} {colour} {shape} moving {motion}.',
        f'the {colour} {shape} drifts {motion} from frame to frame.',
        f'a clip of one {colour} {shape} sliding {motion} across the frame.',
        f'frame after frame, the {shape} in {colour} moves further '
        f'{motion}.',
    ]
    return dict(spatial=spatial, temporal=temporal)


def temporal_world_descriptions() -> Dict[str, Dict[str, List[str]]]:
    """Descriptions of every temporal class (base and novel)."""
    names = W.temporal_base_classes() + W.temporal_novel_classes()
    return {n: temporal_class_descriptions(n) for n in names}


def write_descriptions(world_dir: str, force: bool = False,
                       log=print) -> str:
    """Write ``<world_dir>/descriptions.json``; returns its path.

    An existing file equal to the generated one is kept as is; one that
    differs (yours) is kept unless ``force``, with a log line saying so."""
    return _write(osp.join(world_dir, FILE_NAME), world_descriptions(),
                  force, log)


def write_temporal_descriptions(world_dir: str, force: bool = False,
                                log=print) -> str:
    """Write ``<world_dir>/descriptions_temporal.json`` (the temporal
    split's classes), as :func:`write_descriptions`."""
    return _write(osp.join(world_dir, TEMPORAL_FILE_NAME),
                  temporal_world_descriptions(), force, log)


def _write(path: str, data, force: bool, log) -> str:
    world_dir = osp.dirname(path)
    text = json.dumps(data, indent=1, sort_keys=True) + '\n'
    if osp.isfile(path) and not force:
        with open(path, encoding='utf-8') as f:
            if f.read() != text:
                log(f'{path} exists and differs from the generated '
                    'descriptions: kept (use --force to replace it)')
        return path
    os.makedirs(world_dir, exist_ok=True)
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(text)
    os.replace(tmp, path)
    return path


def main(argv=None) -> int:
    import argparse
    parser = argparse.ArgumentParser(
        description='Write spatial/temporal class descriptions of the '
        'synthetic world (MSTA consistency targets) to '
        f'<world>/{FILE_NAME} and <world>/{TEMPORAL_FILE_NAME}.')
    parser.add_argument('--world', default=os.environ.get(
        'GA2CLIP_SYNTH_ROOT', 'data/synthetic/world'),
        help='world folder (default: $GA2CLIP_SYNTH_ROOT or '
        'data/synthetic/world)')
    parser.add_argument('--force', action='store_true',
                        help='replace an existing file that differs')
    args = parser.parse_args(argv)
    if not osp.isdir(args.world):
        parser.error(f'{args.world} is not a folder; generate the world '
                     'first (tools/synthetic/generate_world.py --out ...)')
    print(write_descriptions(args.world, force=args.force))
    print(write_temporal_descriptions(args.world, force=args.force))
    return 0
