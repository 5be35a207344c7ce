"""Prepare a dataset download for the protocol configs (the back end of
``tools/data/prepare_videos.py``).

    python tools/data/prepare_videos.py {k400,k600,hmdb51,ucf101,ssv2} \
        --src DOWNLOAD_ROOT [--out data/<dataset>] [--lists LIST ...] \
        [--no-decode] [--workers N] [--force]

What it does, from the usual download layout of each dataset:

1. writes the annotation files the project does not ship, into
   ``<out>/annotations/`` (labels index the shipped full class lists):
   - k400: ``k400_train.txt``, ``k400_val.txt`` from ``<split>/<class>/<video>``
     folders (ActivityNet/mmaction2 layout) or, for flat CVDF folders
     (``train/<ytid>_<start>_<end>.mp4``), from the ``--ann-csv`` files
     (``label,youtube_id,time_start,time_end,split``);
   - k600: ``k600_train.txt``, ``k600_val.txt`` (same layouts);
   - hmdb51: ``hmdb51_train_split1.txt`` from ``testTrainMulti_7030_splits/``;
   - ucf101: ``ucf101_train_split1.txt`` from ``ucfTrainTestlist/trainlist01.txt``;
   - ssv2: ``ssv2_train.txt`` from ``labels/train.json`` (``[something]``
     placeholders become ``something``, the shipped class-name form);
2. for every video of every list the configs read (the shipped split files
   of this dataset and the annotation files above; or only ``--lists``),
   makes ``<out>/videos/<listed path>`` point at the downloaded file
   (symlink, found by file name wherever it is under ``--src``; Kinetics
   also by YouTube id), e.g. HMDB's ``<class>/<video>.avi`` folders become the
   flat names of the lists; K600 anchors go to ``<out>/anchor_videos/``;
3. checks that each video exists and decodes with decord (first, middle and
   last frame; ``--no-decode`` skips this), and reports the missing and
   corrupt counts per list with the file names (also written to
   ``<out>/prepare_report.txt``).

Nothing existing is overwritten without ``--force``. Exit status: 0 when every
listed video is present and decodes, 1 otherwise, 2 on a usage error.
"""
import argparse
import csv
import json
import os
import os.path as osp
import re
import sys
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..utils.class_lists import (prompt_name, read_class_names,
                                 read_video_list)

ROOT = Path(__file__).resolve().parents[4]
DATA = Path(__file__).resolve().parents[2] / 'data'
VIDEO_EXT = ('.mp4', '.avi', '.webm', '.mkv', '.mov', '.flv')


class UsageError(Exception):
    pass


def _shipped(dataset):
    """(list file, link folder name) of the shipped lists of a dataset."""
    d = DATA
    if dataset == 'k400':
        lists = sorted((d / 'base2novel' / 'k400_splits').glob('*.txt'))
        lists.append(d / 'k400_splits' / 'val.txt')
        return [(p, 'videos') for p in lists]
    if dataset == 'k600':
        return ([(p, 'videos') for p in sorted(
            (d / 'k600_splits').glob('*.txt'))] +
                [(d / 'ga2clip' / 'k600_gaa_anchor_videos.txt',
                  'anchor_videos')])
    folder = {'hmdb51': 'hmdb', 'ucf101': 'ucf', 'ssv2': 'ssv2'}[dataset]
    lists = sorted((d / 'base2novel' / f'{folder}_splits').glob('*.txt'))
    lists += sorted((d / f'{folder}_splits').glob('*.txt'))
    return [(p, 'videos') for p in lists]


FULL_CLASSES = {
    'k400': 'kinetics_400_labels.csv', 'k600': 'kinetics_600_labels.csv',
    'hmdb51': 'hmdb_51_labels_fixed.csv', 'ucf101': 'ucf_101_labels.csv',
    'ssv2': 'ssv2_labels.csv'
}


def _norm(name):
    """Class-name key that ignores case, spaces, underscores, quotes."""
    return re.sub(r'[\s_"\'()\-]+', '', name).lower()


def _class_index(dataset):
    names = read_class_names(str(DATA / 'labels' / FULL_CLASSES[dataset]))
    return {_norm(n): i for i, n in enumerate(names)}


# --------------------------------------------------------------- index
def index_videos(src):
    """{file name: [relative paths]} of the videos under ``src``."""
    index = defaultdict(list)
    for dirpath, _, files in os.walk(src, followlinks=True):
        for f in files:
            if f.lower().endswith(VIDEO_EXT):
                rel = osp.relpath(osp.join(dirpath, f), src)
                index[f].append(rel)
    return index


def _ytid_index(index):
    out = {}
    for name, rels in index.items():
        out.setdefault(name[:11], rels[0])
    return out


# --------------------------------------------------- annotation writers
def _kinetics_lists(dataset, src, index, ann_csvs):
    classes = _class_index(dataset)
    out = {'train': [], 'val': []}
    unknown = set()
    if ann_csvs:
        by_name = {osp.splitext(n)[0]: rels[0] for n, rels in index.items()}
        by_ytid = _ytid_index(index)
        for path in ann_csvs:
            with open(path, newline='') as f:
                for row in csv.DictReader(f):
                    split = 'val' if row.get('split', '').startswith(
                        'val') else 'train'
                    key = (f"{row['youtube_id']}_{int(float(row['time_start'])):06d}"
                           f"_{int(float(row['time_end'])):06d}")
                    cls = classes.get(_norm(row['label']))
                    if cls is None:
                        unknown.add(row['label'])
                        continue
                    rel = by_name.get(key) or by_ytid.get(row['youtube_id'])
                    name = osp.basename(rel) if rel else key + '.mp4'
                    out[split].append((f'{split}/{name}', cls))
    else:
        for name, rels in index.items():
            for rel in rels:
                parts = Path(rel).parts
                if len(parts) < 3:
                    continue
                split = ('val' if 'val' in parts[-3].lower() else
                         'train' if 'train' in parts[-3].lower() else None)
                if split is None:
                    continue
                cls = classes.get(_norm(parts[-2]))
                if cls is None:
                    unknown.add(parts[-2])
                    continue
                out[split].append((f'{split}/{name}', cls))
    if unknown:
        print(f'warning: {len(unknown)} class names not in '
              f'{FULL_CLASSES[dataset]}: {sorted(unknown)[:5]}')
    return {f'{dataset}_{split}.txt': sorted(rows)
            for split, rows in out.items() if rows}


def _hmdb_lists(src, index):
    classes = _class_index('hmdb51')
    rows = []
    files = sorted(Path(src).rglob('*_test_split1.txt'))
    if not files:
        raise UsageError(f'no HMDB split files (*_test_split1.txt, from '
                         f'testTrainMulti_7030_splits) under {src}')
    for path in files:
        cls_name = path.name[:-len('_test_split1.txt')]
        cls = classes.get(_norm(cls_name))
        if cls is None:
            raise UsageError(f'{path}: class {cls_name!r} not in '
                             f'{FULL_CLASSES["hmdb51"]}')
        for line in path.read_text().splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1] == '1':  # 1 = train
                rows.append((parts[0], cls))
    return {'hmdb51_train_split1.txt': rows}


def _ucf_lists(src, index):
    classes = _class_index('ucf101')
    files = sorted(Path(src).rglob('trainlist01.txt'))
    if not files:
        raise UsageError(f'no ucfTrainTestlist/trainlist01.txt under {src}')
    rows = []
    for line in files[0].read_text().splitlines():
        if not line.strip():
            continue
        rel = line.split()[0]
        cls_name = rel.split('/')[0]
        cls = classes.get(_norm(cls_name))
        if cls is None:
            raise UsageError(f'{files[0]}: class {cls_name!r} not in '
                             f'{FULL_CLASSES["ucf101"]}')
        rows.append((osp.basename(rel), cls))
    return {'ucf101_train_split1.txt': rows}


def _ssv2_lists(src, index):
    classes = _class_index('ssv2')
    files = sorted(Path(src).rglob('train.json'))
    if not files:
        raise UsageError(f'no labels/train.json under {src}')
    rows = []
    for item in json.loads(files[0].read_text()):
        name = prompt_name(item['template'])
        cls = classes.get(_norm(name))
        if cls is None:
            raise UsageError(f'{files[0]}: class {name!r} not in '
                             f'{FULL_CLASSES["ssv2"]}')
        rows.append((f"{item['id']}.webm", cls))
    return {'ssv2_train.txt': rows}


def annotation_lists(dataset, src, index, ann_csvs):
    if dataset in ('k400', 'k600'):
        return _kinetics_lists(dataset, src, index, ann_csvs)
    return {'hmdb51': _hmdb_lists, 'ucf101': _ucf_lists,
            'ssv2': _ssv2_lists}[dataset](src, index)


# ------------------------------------------------------------ checking
def decodes(path):
    """None if ``path`` decodes (first, middle, last frame), else a reason."""
    try:
        import decord
        vr = decord.VideoReader(path, num_threads=1)
        n = len(vr)
        if n == 0:
            return 'no frames'
        vr.get_batch(sorted({0, n // 2, n - 1})).asnumpy()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure = corrupt
        return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:120]


def _resolve(rel, src, index, ytids):
    direct = osp.join(src, rel)
    if osp.isfile(direct):
        return direct
    name = osp.basename(rel)
    rels = index.get(name)
    if rels:
        return osp.join(src, rels[0])
    if re.match(r'^[\w-]{11}_\d{6}_\d{6}\.', name) and name[:11] in ytids:
        return osp.join(src, ytids[name[:11]])
    return None


def _link(target, link, force):
    link = Path(link)
    if link.is_symlink() or link.exists():
        if osp.realpath(link) == osp.realpath(target):
            return
        if not force:
            raise UsageError(f'{link} exists and points elsewhere; use '
                             '--force to replace it')
        link.unlink()
    link.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(osp.abspath(target), link)


def check_lists(lists, src, out, index, decode, workers, force):
    ytids = _ytid_index(index)
    report = {}
    for list_file, folder in lists:
        entries = read_video_list(str(list_file))
        missing, present = [], []
        for rel, _, _ in entries:
            target = _resolve(rel, src, index, ytids)
            if target is None:
                missing.append(rel)
                continue
            link = osp.join(out, folder, rel)
            if osp.realpath(link) != osp.realpath(target):
                _link(target, link, force)
            present.append((rel, link))
        corrupt = []
        if decode and present:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                reasons = list(pool.map(decodes, [p for _, p in present]))
            corrupt = [(rel, why) for (rel, _), why in zip(present, reasons)
                       if why]
        report[str(list_file)] = dict(total=len(entries), missing=missing,
                                      corrupt=corrupt)
    return report


def format_report(report, decode):
    lines = []
    for name, r in report.items():
        rel = osp.relpath(name, ROOT) if name.startswith(str(ROOT)) else name
        lines.append(f"{rel}: {r['total']} listed, {len(r['missing'])} "
                     f"missing, " + (f"{len(r['corrupt'])} corrupt"
                                     if decode else 'decoding not checked'))
        for m in r['missing']:
            lines.append(f'  missing: {m}')
        for c, why in r['corrupt']:
            lines.append(f'  corrupt: {c} ({why})')
    return '\n'.join(lines) + '\n'


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description='Check a dataset download and write the annotation '
        'files the protocol configs need.')
    p.add_argument('dataset', choices=['k400', 'k600', 'hmdb51', 'ucf101',
                                       'ssv2'])
    p.add_argument('--src', required=True, help='the download root')
    p.add_argument('--out', help='output root (default data/<dataset>, '
                   'data/sthv2 for ssv2, data/kinetics400|600)')
    p.add_argument('--lists', nargs='+', help='check only these lists '
                   '(default: the shipped lists of the dataset + the '
                   'annotation files written here)')
    p.add_argument('--ann-csv', nargs='+', default=[],
                   help='Kinetics: annotation csv files for flat layouts')
    p.add_argument('--no-annotations', action='store_true',
                   help='do not write annotation files')
    p.add_argument('--no-decode', action='store_true',
                   help='only check existence')
    p.add_argument('--workers', type=int, default=4)
    p.add_argument('--force', action='store_true',
                   help='overwrite existing annotation files, report, links')
    return p.parse_args(argv)


DEFAULT_OUT = {'k400': 'data/kinetics400', 'k600': 'data/kinetics600',
               'hmdb51': 'data/hmdb51', 'ucf101': 'data/ucf101',
               'ssv2': 'data/sthv2'}


def _write_guarded(path, text, force):
    if osp.exists(path) and not force:
        raise UsageError(f'{path} exists; use --force to overwrite it')
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)


def main(argv=None):
    args = parse_args(argv)
    try:
        if not osp.isdir(args.src):
            raise UsageError(f'download root not found: {args.src}')
        out = args.out or DEFAULT_OUT[args.dataset]
        report_path = osp.join(out, 'prepare_report.txt')
        if osp.exists(report_path) and not args.force:
            raise UsageError(f'{report_path} exists (this download was '
                             'prepared already); use --force to redo')
        index = index_videos(args.src)
        written = []
        if not args.no_annotations and not args.lists:
            for name, rows in annotation_lists(args.dataset, args.src, index,
                                               args.ann_csv).items():
                path = osp.join(out, 'annotations', name)
                _write_guarded(path, ''.join(f'{r} {c}\n' for r, c in rows),
                               args.force)
                written.append(path)
                print(f'wrote {path} ({len(rows)} videos)')
        if args.lists:
            lists = [(Path(p), 'videos') for p in args.lists]
        else:
            lists = _shipped(args.dataset) + [(Path(p), 'videos')
                                              for p in written]
        report = check_lists(lists, args.src, out, index,
                             not args.no_decode, args.workers, args.force)
        text = format_report(report, not args.no_decode)
        _write_guarded(report_path, text, True)
        bad = sum(len(r['missing']) + len(r['corrupt'])
                  for r in report.values())
        missing = sum(len(r['missing']) for r in report.values())
        corrupt = sum(len(r['corrupt']) for r in report.values())
        print(text if bad < 50 else '\n'.join(
            ln for ln in text.splitlines() if not ln.startswith('  ')))
        print(f'total: {missing} missing, {corrupt} corrupt '
              f'(details: {report_path})')
        return 1 if bad else 0
    except (UsageError, FileNotFoundError, ValueError) as exc:
        print(f'error: {exc}', file=sys.stderr)
        return 2
