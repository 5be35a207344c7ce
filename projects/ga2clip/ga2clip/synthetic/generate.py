"""Write the downstream synthetic world to disk (mp4 videos + lists).

Layout under ``out`` (paths in the lists are relative to ``out/videos``,
i.e. use ``data_prefix=dict(video=f'{out}/videos')``)::

    videos/<split>/<split>_<index>.mp4      8 frames, 32 px, mp4v
    <split>.txt                             '<relative path> <label id>' lines
    base_train_s1.txt .. base_train_s3.txt  16 clips per base class each
                                            (disjoint draws from base_train)
    base_classes.csv  novel_classes.csv  aux_classes.csv  anchor_classes.csv
    meta/<split>.jsonl                      per clip: path, label, class,
                                            nuisance attributes, captions
    world.json                              the generation settings

Splits: ``base_train`` (pool), ``base_test``, ``novel_test``, ``aux_train``,
``aux_test``, ``anchor`` (no object of any class; all labels 0).

Temporal split (:data:`TEMPORAL_SPLITS`; classes that differ only in how
the object moves, see :mod:`.world`)::

    temporal_train.txt  temporal_train_s1.txt .. _s3.txt  (pool; shots per
                                            class each, disjoint draws)
    temporal_base_test.txt  temporal_novel_test.txt
    temporal_base_classes.csv  temporal_novel_classes.csv
    descriptions_temporal.json              MSTA targets of those classes

Determinism: clip ``i`` of split ``s`` is rendered from the rng seed
``(seed, split id, i)`` only, so the output does not depend on the number of
worker processes.
"""
import json
import os
import os.path as osp
import time
from dataclasses import replace
from typing import Dict, Iterable, List, Optional

import cv2
import numpy as np

from . import world as W
from .descriptions import write_descriptions, write_temporal_descriptions

FORMAT_VERSION = 1
SPLIT_IDS = dict(base_train=1, base_test=2, novel_test=3, aux_train=4,
                 aux_test=5, anchor=6, web=7, temporal_train=8,
                 temporal_base_test=9, temporal_novel_test=10)
SPLIT_CLASSES = dict(base_train='base', base_test='base',
                     novel_test='novel', aux_train='aux', aux_test='aux',
                     anchor='anchor')
#: world v2: few shots (4 per base class, 8 per temporal base class), three
#: disjoint draws each; the pools hold exactly those draws
DEFAULT_SHOTS = 4
DEFAULT_TEMPORAL_SHOTS = 8
DEFAULT_COUNTS = dict(base_train=12, base_test=25, novel_test=20,
                      aux_train=16, aux_test=10, anchor=256)
#: the base-to-novel splits (and the stage-1 / anchor sets)
ALL_SPLITS = tuple(DEFAULT_COUNTS)
#: the temporal split (classes of ``world.temporal_class_sets``)
TEMPORAL_SPLIT_CLASSES = dict(temporal_train='temporal_base',
                              temporal_base_test='temporal_base',
                              temporal_novel_test='temporal_novel')
TEMPORAL_SPLITS = tuple(TEMPORAL_SPLIT_CLASSES)
DEFAULT_COUNTS.update(temporal_train=24, temporal_base_test=50,
                      temporal_novel_test=50)
#: every split of the default world
WORLD_SPLITS = ALL_SPLITS + TEMPORAL_SPLITS
#: the split whose few-shot draws ``<pool>_s1.txt ..`` are written
FEWSHOT_POOLS = ('base_train', 'temporal_train')


def _split_kind(split: str) -> str:
    return SPLIT_CLASSES.get(split) or TEMPORAL_SPLIT_CLASSES[split]


def _class_sets() -> Dict[str, List[str]]:
    return dict(W.class_sets(), **W.temporal_class_sets())


def split_plan(split: str, per_class: int) -> List[str]:
    """Class name (None for anchors) of every clip of a split, in order.
    ``per_class`` is the total number of clips for ``anchor``."""
    kind = _split_kind(split)
    if kind == 'anchor':
        return [None] * per_class
    names = _class_sets()[kind]
    return [n for _ in range(per_class) for n in names]


def clip_spec(seed: int, split: str, index: int, name: Optional[str]):
    key = [int(seed), SPLIT_IDS[split], int(index)]
    rng = np.random.default_rng(key + [1])
    if split in TEMPORAL_SPLIT_CLASSES:
        return W.sample_temporal_spec(rng, name, key)
    return W.sample_spec(rng, name, key)


def render_spec(split: str, spec, shift: W.DomainShift, num_frames: int,
                size: int, world_seed: int) -> np.ndarray:
    """The frames of a clip of ``split`` (the temporal renderer for the
    temporal split)."""
    if split in TEMPORAL_SPLIT_CLASSES:
        return W.render_temporal_clip(spec, shift, num_frames, size,
                                      world_seed)
    return W.render_clip(spec, shift, num_frames=num_frames, size=size,
                         world_seed=world_seed)


def write_mp4(path: str, frames: np.ndarray, fps: int = 8) -> None:
    """Write float RGB frames ``(T, H, W, 3)`` in [0, 1] as an mp4v file."""
    T, H, Wd, _ = frames.shape
    os.makedirs(osp.dirname(path), exist_ok=True)
    tmp = path + '.tmp.mp4'
    writer = cv2.VideoWriter(tmp, cv2.VideoWriter_fourcc(*'mp4v'), fps,
                             (Wd, H))
    if not writer.isOpened():
        raise RuntimeError(f'cv2 cannot write {path}')
    u8 = np.clip(frames * 255 + 0.5, 0, 255).astype(np.uint8)
    for f in u8:
        writer.write(np.ascontiguousarray(f[..., ::-1]))
    writer.release()
    os.replace(tmp, path)


def read_video(path: str) -> np.ndarray:
    """Decode all frames with decord: uint8 RGB ``(T, H, W, 3)``."""
    import decord
    vr = decord.VideoReader(path, num_threads=1)
    return vr.get_batch(list(range(len(vr)))).asnumpy()


def _render_task(args):
    (out, split, index, name, label, seed, num_frames, size, shift) = args
    spec = clip_spec(seed, split, index, name)
    frames = render_spec(split, spec, shift, num_frames, size, seed)
    rel = f'{split}/{split}_{index:05d}.mp4'
    write_mp4(osp.join(out, 'videos', rel), frames)
    if split in TEMPORAL_SPLIT_CLASSES:
        return dict(path=rel, label=label, cls=name, texture=spec.texture,
                    size=spec.size, count=spec.count,
                    direction=spec.direction,
                    captions=W.temporal_captions(spec))
    rng = np.random.default_rng([seed, SPLIT_IDS[split], index, 2])
    return dict(path=rel, label=label, cls=name, size=spec.size,
                count=spec.count, direction=spec.direction,
                captions=W.captions(spec, rng))


def render_split(split: str, seed: int = 0, per_class: Optional[int] = None,
                 num_frames: int = 8, size: int = 32,
                 shift: W.DomainShift = W.DOWNSTREAM) -> Iterable[tuple]:
    """Yield ``(spec, frames, label)`` for a split in memory (no files):
    the same frames that :func:`generate_world` writes before compression."""
    per_class = DEFAULT_COUNTS[split] if per_class is None else per_class
    names = _class_sets()[_split_kind(split)]
    for i, name in enumerate(split_plan(split, per_class)):
        spec = clip_spec(seed, split, i, name)
        label = 0 if name is None else names.index(name)
        yield spec, render_spec(split, spec, shift, num_frames, size,
                                seed), label


def _write_csv(path: str, names: List[str]) -> None:
    with open(path, 'w') as f:
        f.write('id,name\n')
        for i, n in enumerate(names):
            f.write(f'{i},{n}\n')


def world_settings(seed, counts, num_frames, size, shift, shots,
                   num_fewshot_seeds, temporal_shots=None) -> dict:
    return dict(version=FORMAT_VERSION, seed=int(seed), counts=counts,
                num_frames=num_frames, size=size, shift=shift.to_dict(),
                shots=shots, temporal_shots=temporal_shots or shots,
                num_fewshot_seeds=num_fewshot_seeds)


def generate_world(out: str, seed: int = 0,
                   splits: Iterable[str] = WORLD_SPLITS,
                   counts: Optional[Dict[str, int]] = None,
                   num_frames: int = 8, size: int = 32,
                   shift: Optional[W.DomainShift] = None,
                   shots: int = DEFAULT_SHOTS, num_fewshot_seeds: int = 3,
                   workers: int = 1, reuse: bool = True,
                   temporal_shots: Optional[int] = None,
                   log=print) -> dict:
    """Generate the downstream world into ``out``; returns the settings
    (also written to ``out/world.json``).

    Args:
        out: output folder.
        seed: world seed (clips and class-specific shifts).
        splits: subset of :data:`WORLD_SPLITS` to write (default: all,
            the temporal split included).
        counts: clips per class per split (``anchor``: total clips);
            defaults :data:`DEFAULT_COUNTS`.
        shift: downstream :class:`~ga2clip.synthetic.world.DomainShift`
            (default :data:`~ga2clip.synthetic.world.DOWNSTREAM`).
        shots, num_fewshot_seeds: ``base_train_s{k}.txt`` for k = 1..n hold
            ``shots`` clips per base class, disjoint across k (needs
            ``counts['base_train'] >= shots * n``); the same for
            ``temporal_train_s{k}.txt`` from ``temporal_train`` with
            ``temporal_shots`` (None: ``shots``).
        workers: processes (output is identical for any number).
        reuse: skip the work when ``out/world.json`` has the same settings
            and every list exists.
    """
    shift = W.DOWNSTREAM if shift is None else shift
    counts = dict(DEFAULT_COUNTS, **(counts or {}))
    unknown = set(splits) - set(WORLD_SPLITS)
    if unknown:
        raise ValueError(f'unknown splits {sorted(unknown)}; the splits are '
                         f'{", ".join(WORLD_SPLITS)}')
    splits = [s for s in WORLD_SPLITS if s in set(splits)]
    settings = world_settings(seed, {s: counts[s] for s in splits},
                              num_frames, size, shift, shots,
                              num_fewshot_seeds, temporal_shots)
    info_path = osp.join(out, 'world.json')
    write_descriptions(out, log=log)  # MSTA targets; a user's file is kept
    write_temporal_descriptions(out, log=log)
    if reuse and osp.isfile(info_path):
        with open(info_path) as f:
            old = json.load(f)
        if old.get('settings') == json.loads(json.dumps(settings)) and all(
                osp.isfile(osp.join(out, f'{s}.txt')) for s in splits):
            log(f'reusing the synthetic world in {out} (same settings)')
            return settings
    pool_shots = {p: (temporal_shots or shots) if p.startswith('temporal')
                  else shots for p in FEWSHOT_POOLS}
    for pool_split in FEWSHOT_POOLS:
        k = pool_shots[pool_split]
        if pool_split in splits and counts[pool_split] < \
                k * num_fewshot_seeds:
            raise ValueError(
                f'{pool_split} has {counts[pool_split]} clips per class; '
                f'{num_fewshot_seeds} disjoint {k}-shot splits need '
                f'{k * num_fewshot_seeds}')
    os.makedirs(osp.join(out, 'meta'), exist_ok=True)
    sets = _class_sets()
    for kind, names in sets.items():
        _write_csv(osp.join(out, f'{kind}_classes.csv'), names)
    t0 = time.time()
    pool = None
    if workers > 1:
        import multiprocessing as mp
        pool = mp.get_context('fork').Pool(workers)
    try:
        for split in splits:
            names = sets[_split_kind(split)]
            plan = split_plan(split, counts[split])
            tasks = [(out, split, i, n, 0 if n is None else names.index(n),
                      seed, num_frames, size, shift)
                     for i, n in enumerate(plan)]
            rows = (pool.map(_render_task, tasks, chunksize=16) if pool
                    else [_render_task(t) for t in tasks])
            with open(osp.join(out, f'{split}.txt'), 'w') as f:
                f.writelines(f"{r['path']} {r['label']}\n" for r in rows)
            with open(osp.join(out, 'meta', f'{split}.jsonl'), 'w') as f:
                f.writelines(json.dumps(r) + '\n' for r in rows)
            if split in FEWSHOT_POOLS:
                _write_fewshot(out, rows, len(names), pool_shots[split],
                               num_fewshot_seeds, prefix=split)
            log(f'  {split}: {len(rows)} clips, {len(names)} classes '
                f'({time.time() - t0:.1f}s)')
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    with open(info_path, 'w') as f:
        json.dump(dict(settings=settings,
                       classes={k: len(v) for k, v in sets.items()},
                       novel_only_concepts=list(W.NOVEL_ONLY_CONCEPTS),
                       temporal_novel_only_motions=list(
                           W.TEMPORAL_NOVEL_MOTIONS),
                       seconds=round(time.time() - t0, 1)), f, indent=1)
    return settings


def _write_fewshot(out, rows, num_classes, shots, n,
                   prefix='base_train') -> None:
    """Pool clips (``prefix``: base_train or temporal_train) are ordered
    class-major within rounds (clip i has class i % num_classes), so round r
    of class c is row r * C + c."""
    for k in range(n):
        lines = []
        for r in range(k * shots, (k + 1) * shots):
            for c in range(num_classes):
                row = rows[r * num_classes + c]
                assert row['label'] == c
                lines.append(f"{row['path']} {row['label']}\n")
        with open(osp.join(out, f'{prefix}_s{k + 1}.txt'), 'w') as f:
            f.writelines(lines)


def with_overrides(shift: W.DomainShift, **kw) -> W.DomainShift:
    """A copy of ``shift`` with the non-None fields of ``kw`` replaced."""
    return replace(shift, **{k: v for k, v in kw.items() if v is not None})
