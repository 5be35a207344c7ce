"""Write K-shot training lists, held-out validation lists and new
base/novel class splits from any ``<relative path> <label id>`` list.

    # K clips per class (seeded), e.g. a 16-shot list
    python tools/make_splits.py kshot ANN --k 16 --seed 1 --out OUT.txt

    # hold out N clips per class for validation (model selection)
    python tools/make_splits.py holdout ANN --per-class 4 --seed 0 \
        --out-train TRAIN.txt --out-val VAL.txt

    # a new base-to-novel protocol for your own dataset: a seeded half/half
    # class split (or --num-base N), base/novel class lists, K-shot training
    # lists for seeds 1..S from the training list, base_val/novel_val from
    # the test list (labels re-indexed into the base / novel lists)
    python tools/make_splits.py base-novel --classes CLASSES.csv \
        --train TRAIN.txt --test TEST.txt --out-dir DIR \
        [--num-base N] [--k 16] [--splits 3] [--seed 0]

Existing files are not overwritten without --force. (The back end of
``tools/make_splits.py``.)
"""
import argparse
import os
import os.path as osp
import sys

from ..utils.class_lists import (read_class_names, read_video_list,
                                 write_class_names, write_video_list)
from .kshot import KShotSampler, holdout_split, split_classes


class UsageError(Exception):
    pass


def _guard(paths, force):
    for path in paths:
        if osp.exists(path) and not force:
            raise UsageError(f'{path} exists; use --force to overwrite it')
        os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)


def _read(ann, classes=None):
    if classes:
        names = read_class_names(classes)
        return read_video_list(ann, len(names), classes), names
    return read_video_list(ann), None


def cmd_kshot(args):
    _guard([args.out], args.force)
    entries, _ = _read(args.ann, args.classes)
    keep = KShotSampler(args.k, args.seed, strict=args.strict).sample(
        [e[1] for e in entries])
    write_video_list(args.out, [entries[i] for i in keep])
    print(f'wrote {args.out}: {len(keep)} videos ({args.k} per class, '
          f'seed {args.seed})')


def cmd_holdout(args):
    _guard([args.out_train, args.out_val], args.force)
    entries, _ = _read(args.ann, args.classes)
    rest, held = holdout_split([e[1] for e in entries],
                               per_class=args.per_class,
                               fraction=args.fraction, seed=args.seed)
    write_video_list(args.out_train, [entries[i] for i in rest])
    write_video_list(args.out_val, [entries[i] for i in held])
    print(f'wrote {args.out_train} ({len(rest)}) and {args.out_val} '
          f'({len(held)})')


def cmd_base_novel(args):
    train, names = _read(args.train, args.classes)
    test, _ = _read(args.test, args.classes)
    num_base = args.num_base or (len(names) + 1) // 2
    base, novel = split_classes(len(names), num_base, args.seed)
    d = args.out_dir
    outs = [osp.join(d, 'base_labels.csv'), osp.join(d, 'novel_labels.csv'),
            osp.join(d, 'base_val.txt'), osp.join(d, 'novel_val.txt')] + [
                osp.join(d, f'fs_base_s{s}_train.txt')
                for s in range(1, args.splits + 1)]
    _guard(outs, args.force)
    write_class_names(outs[0], [names[i] for i in base])
    write_class_names(outs[1], [names[i] for i in novel])
    to_base = {c: i for i, c in enumerate(base)}
    to_novel = {c: i for i, c in enumerate(novel)}
    write_video_list(outs[2], [(r, to_base[c]) for r, c, _ in test
                               if c in to_base])
    write_video_list(outs[3], [(r, to_novel[c]) for r, c, _ in test
                               if c in to_novel])
    base_train = [(r, to_base[c]) for r, c, _ in train if c in to_base]
    for s in range(1, args.splits + 1):
        keep = KShotSampler(args.k, seed=s).sample([c for _, c in base_train])
        write_video_list(outs[3 + s], [base_train[i] for i in keep])
    print(f'wrote {d}: {len(base)} base / {len(novel)} novel classes, '
          f'{args.splits} training splits of {args.k} clips per base class')


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = p.add_subparsers(dest='cmd', required=True)
    k = sub.add_parser('kshot', help='K clips per class')
    k.add_argument('ann')
    k.add_argument('--k', type=int, required=True)
    k.add_argument('--seed', type=int, default=0)
    k.add_argument('--out', required=True)
    k.add_argument('--strict', action='store_true',
                   help='fail when a class has fewer than K clips')
    h = sub.add_parser('holdout', help='train/val from a training list')
    h.add_argument('ann')
    g = h.add_mutually_exclusive_group(required=True)
    g.add_argument('--per-class', type=int)
    g.add_argument('--fraction', type=float)
    h.add_argument('--seed', type=int, default=0)
    h.add_argument('--out-train', required=True)
    h.add_argument('--out-val', required=True)
    b = sub.add_parser('base-novel', help='a new base/novel protocol')
    b.add_argument('--classes', required=True)
    b.add_argument('--train', required=True)
    b.add_argument('--test', required=True)
    b.add_argument('--out-dir', required=True)
    b.add_argument('--num-base', type=int)
    b.add_argument('--k', type=int, default=16)
    b.add_argument('--splits', type=int, default=3)
    b.add_argument('--seed', type=int, default=0)
    for s in (k, h):
        s.add_argument('--classes', help='class list, to check the labels')
    for s in (k, h, b):
        s.add_argument('--force', action='store_true')
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        {'kshot': cmd_kshot, 'holdout': cmd_holdout,
         'base-novel': cmd_base_novel}[args.cmd](args)
    except (UsageError, FileNotFoundError, ValueError) as exc:
        print(f'error: {exc}', file=sys.stderr)
        return 2
    return 0
