"""Clips/s of the decord train pipeline with ``--workers`` loader workers,
for 8 and 32 frames, next to the GA2 model's clips/s (from the eval and
train sections of the same run)."""
import tempfile
import time
from pathlib import Path
from typing import Dict, List

from benchmarks import methods
from benchmarks.common import PIPELINES


def write_videos(root: Path, n: int, frames: int, size) -> List[str]:
    import cv2
    import numpy as np
    w, h = size
    rng = np.random.default_rng(0)
    paths = []
    for i in range(n):
        path = root / f'v{i}.mp4'
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'mp4v'),
                                 30, (w, h))
        base = rng.integers(0, 255, (h, w, 3), dtype=np.uint8)
        for f in range(frames):
            writer.write(np.roll(base, 4 * f, axis=1))
        writer.release()
        paths.append(str(path))
    return paths


class _ClipSet:
    """Videos through an MMAction2 pipeline (what VideoDataset does)."""

    def __init__(self, paths, pipeline_cfg, length):
        self.paths, self.cfg, self.length = paths, pipeline_cfg, length
        self.pipeline = None

    def __len__(self):
        return self.length

    def __getitem__(self, i):
        if self.pipeline is None:  # built in the worker
            import ga2clip  # noqa: F401
            from mmengine.dataset import Compose
            from mmaction.registry import TRANSFORMS
            self.pipeline = Compose([TRANSFORMS.build(t) for t in self.cfg])
        return self.pipeline(dict(filename=self.paths[i % len(self.paths)],
                                  label=0, start_index=0, modality='RGB'))


def run(args, device, ctx) -> Dict:
    from mmengine.config import Config
    from mmengine.dataset import pseudo_collate
    from torch.utils.data import DataLoader
    quick = args.quick
    workers = [int(w) for w in args.workers.split(',') if w != '']
    n_videos, n_frames = (2, 40) if quick else (6, 96)
    video_size = (64, 48) if quick else (340, 256)
    clips = 4 if quick else 24
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_videos(Path(tmp), n_videos, n_frames, video_size)
        for frames in (8, 32):
            cfg = Config.fromfile(str(PIPELINES))
            pipeline = [dict(t) for t in cfg.train_pipeline]
            for t in pipeline:
                if t['type'] == 'UniformSample':
                    t['clip_len'] = frames
            for w in workers:
                loader = DataLoader(_ClipSet(paths, pipeline, clips),
                                    batch_size=1, num_workers=w,
                                    collate_fn=pseudo_collate, shuffle=False)
                t0 = time.perf_counter()
                first = None
                for k, _ in enumerate(loader):
                    if k == 0:
                        first = time.perf_counter() - t0
                total = time.perf_counter() - t0
                rows.append(dict(frames=frames, workers=w, clips=clips,
                                 clips_per_s=clips / total,
                                 steady_clips_per_s=(clips - 1) / max(
                                     total - first, 1e-9),
                                 first_clip_s=first))
    out = dict(video=f'{n_videos} mp4v videos, {video_size[0]}x'
               f'{video_size[1]}, {n_frames} frames; train pipeline '
               '(decord, UniformSample, resize 256, RandomResizedCrop, '
               'resize 224, flip, grayscale, pack)', rows=rows)
    ev, tr = ctx['results'].get('eval'), ctx['results'].get('train')
    model = {}
    if ev:
        label = methods.get(methods.PRIMARY).label
        row = next(r for r in ev['rows'] if r['name'] == f'{label}_predict')
        model['eval_8f'] = 1 / row['s_per_clip']
        if 'predict_32f_s_per_clip' in ev:
            model['eval_32f'] = 1 / ev['predict_32f_s_per_clip']
    if tr:
        row = next((r for r in tr['rows'] if r['name'] == methods.PRIMARY),
                   tr['rows'][0])
        model['train_8f'] = 1 / row['s_per_clip']
        if 'step_32f_s_per_clip' in tr:
            model['train_32f'] = 1 / tr['step_32f_s_per_clip']
    out['model_clips_per_s'] = model
    return out


