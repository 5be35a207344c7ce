"""Shared pytest fixtures: generated videos and tiny models (CPU, offline)."""
import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault('OMP_NUM_THREADS', '2')
REPO_ROOT = Path(__file__).resolve().parents[1]


def read_list(path):
    """``(relative path, label)`` rows of a video list file."""
    rows = [ln.split() for ln in Path(path).read_text().splitlines()]
    return [(r, int(lab)) for r, lab in rows]


def read_class_csv(path):
    """The names of an ``id,name`` class csv, checking the header and that
    the ids are 0..n-1 in order."""
    lines = Path(path).read_text().splitlines()
    assert lines[0] == 'id,name'
    rows = [ln.split(',', 1) for ln in lines[1:]]
    assert [int(i) for i, _ in rows] == list(range(len(rows)))
    return [n for _, n in rows]


def write_finished_runs(work, protocol, finished):
    """Mark runs finished for ``tools/run_protocol.py``: ``finished`` is
    ``{method key: {run: metrics}}``; each run gets the ``metrics.json``
    the runner reads instead of training (``<work>/<protocol>_<key>/<run>``)."""
    import json
    for key, by_run in finished.items():
        for run, metrics in by_run.items():
            d = Path(work) / f'{protocol}_{key}' / run
            d.mkdir(parents=True)
            (d / 'metrics.json').write_text(json.dumps(metrics))


def write_video(path, num_frames=8, size=32, seed=0, color=None):
    """Write a small mp4 (mp4v) with cv2; each frame a coloured square that
    moves, on a noisy background. Returns the path."""
    import cv2
    rng = np.random.default_rng(seed)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(
        str(path), cv2.VideoWriter_fourcc(*'mp4v'), 8, (size, size))
    assert writer.isOpened(), f'cv2 cannot write {path}'
    color = rng.integers(0, 255, 3) if color is None else np.asarray(color)
    for t in range(num_frames):
        frame = rng.integers(0, 40, (size, size, 3), dtype=np.uint8)
        x = (t * 2) % (size // 2)
        frame[size // 4:size // 4 + size // 3, x:x + size // 3] = color
        writer.write(frame)
    writer.release()
    return path


@pytest.fixture(scope='session')
def video_factory():
    return write_video


@pytest.fixture(scope='session')
def tiny_video_dataset(tmp_path_factory):
    """A tiny labelled video set: 3 classes x 4 videos, 8 frames at 32 px.

    Returns a dict with ``root`` (video folder), ``ann`` (``path label``
    list), ``classes`` (``id,name`` csv) and ``names``.
    """
    root = tmp_path_factory.mktemp('tiny_videos')
    names = ['red square', 'green square', 'blue square']
    colors = [(0, 0, 255), (0, 255, 0), (255, 0, 0)]  # BGR
    lines = []
    for label, color in enumerate(colors):
        for i in range(4):
            rel = f'c{label}_{i}.mp4'
            write_video(root / 'videos' / rel, seed=10 * label + i,
                        color=color)
            lines.append(f'{rel} {label}')
    ann = root / 'ann.txt'
    ann.write_text('\n'.join(lines) + '\n')
    classes = root / 'classes.csv'
    classes.write_text('id,name\n' + ''.join(
        f'{i},{n}\n' for i, n in enumerate(names)))
    return dict(root=root, video_root=root / 'videos', ann=ann,
                classes=classes, names=names)


SMOKE_CONFIG = (REPO_ROOT / 'projects' / 'ga2clip' / 'configs' / 'smoke' /
                'ga2clip_tiny_smoke.py')


def write_smoke_config(path, data, base=SMOKE_CONFIG, extra=''):
    """Write a config inheriting ``base`` whose train/val/test dataloaders
    read the generated dataset ``data`` (see ``tiny_video_dataset``)."""
    ds = (f"dict(ann_file={str(data['ann'])!r}, "
          f"class_file={str(data['classes'])!r}, "
          f"data_prefix=dict(video={str(data['video_root'])!r}))")
    text = (f"_base_ = [{str(base)!r}]\n"
            f"train_dataloader = dict(dataset={ds})\n"
            f"val_dataloader = dict(dataset={ds})\n"
            f"test_dataloader = dict(dataset={ds})\n" + extra)
    Path(path).write_text(text)
    return Path(path)


@pytest.fixture(autouse=True)
def _log_streams_of_this_test():
    """mmengine's logger keeps the stream it was created with; when that was
    a test's capsys stream (closed after that test), later log calls print
    "--- Logging error ---" into whatever test is running. Point such
    handlers at this test's stdout before it starts."""
    import logging
    import sys
    loggers = [logging.getLogger()] + [
        lg for lg in logging.Logger.manager.loggerDict.values()
        if isinstance(lg, logging.Logger)]
    from mmengine.logging import MMLogger
    loggers += list(MMLogger._instance_dict.values())
    for lg in loggers:
        for h in lg.handlers:
            if (type(h) is logging.StreamHandler
                    and getattr(h.stream, 'closed', False)):
                h.stream = sys.stdout  # setStream would flush the closed one
    yield
