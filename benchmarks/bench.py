#!/usr/bin/env python
"""Cost of GA2-CLIP against the frozen-CLIP limit, measured side by side.

ViT-B/16 shapes with random weights (cost does not depend on the weights),
8 frames at 224 px. Sections (``--sections``):

- ``eval``:   cost per clip of frozen open_clip frame encoding + frame mean
              vs GA2-CLIP ``predict`` with cached text features
              (target <= 1.10x); bf16 autocast rows unless ``--no-amp``.
- ``train``:  one training step (forward + backward + AdamW) of IVLP vs
              GA2-CLIP with each anchor mode, at equal batch (GA2 adds one
              anchor clip, as released); target <= 1.15x IVLP. Peak memory:
              RSS on CPU (VmHWM, reset before each step), CUDA
              ``max_memory_allocated``.
- ``text``:   text features of whole vocabularies (K400: 400 names, SSv2:
              174) at 77 tokens vs EOT-truncated; target >= 3x, identical
              features (max abs diff reported).
- ``data``:   clips/s of the decord train pipeline with 0/1/2 workers, for 8
              and 32 frames, next to the model's clips/s.
- ``params``: trainable / total parameters of each method.

Timings are interleaved (every method once per repeat, after one warm-up
call each) and ratios are the median of the per-repeat ratios, so slow
drifts of a shared machine's load affect both sides alike.

Usage::

    python benchmarks/bench.py                       # CPU (+ CUDA if present)
    python benchmarks/bench.py --device cuda --batch 8 --repeats 5
    python benchmarks/bench.py --quick --out /tmp/bench.json   # smoke test
"""
import argparse
import copy
import json
import os
import os.path as osp
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional

REPO = Path(__file__).resolve().parents[1]
MODEL_CFGS = REPO / 'configs' / '_base_' / 'models'
PIPELINES = REPO / 'configs' / '_base_' / 'datasets' / 'video_pipelines.py'
LABEL_DIRS = [REPO / 'projects' / 'ga2clip' / 'data' / 'labels',
              Path('/work/shared/data/splits/labels')]
VOCAB_FILES = {'K400': 'kinetics_400_labels.csv', 'SSv2': 'ssv2_labels.csv',
               'K400-base': 'kinetics_400_base_labels.csv'}
SECTIONS = ('eval', 'train', 'text', 'data', 'params')
ANCHOR_MODES = {
    'ga2_official': dict(type='OfficialAnchorLoss'),
    'ga2_official_noenc': dict(type='OfficialAnchorLoss',
                               encode_anchors=False),
    'ga2_else': dict(type='ElseClassAnchorLoss'),
    'ga2_kl': dict(type='KLAnchorLoss'),
    'ga2_margin': dict(type='MarginAnchorLoss'),
}
TARGETS = dict(eval=1.10, train=1.15, text=3.0)


# -- setup -----------------------------------------------------------------
def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--device', default='all',
                   help="'cpu', 'cuda', or 'all' (cpu, and cuda when present)")
    p.add_argument('--batch', type=int, default=2,
                   help='clips per step / per eval call (default 2)')
    p.add_argument('--frames', type=int, default=8)
    p.add_argument('--repeats', type=int, default=2,
                   help='timed repeats per measurement, after 1 warm-up')
    p.add_argument('--extrapolate', type=int, default=8,
                   help='also estimate train ratios at this batch (official '
                   '8 clips per GPU) from IVLP at batch 1 and --batch; 0: off')
    p.add_argument('--train-vocab', default='K400-base',
                   help='classes of the train step (K400-base: 200 names)')
    p.add_argument('--sections', default=','.join(SECTIONS),
                   help=f'comma list of {SECTIONS}')
    p.add_argument('--methods', default='ivlp,' + ','.join(ANCHOR_MODES),
                   help='train-step methods')
    p.add_argument('--no-amp', action='store_true',
                   help='skip the bf16 autocast eval rows')
    p.add_argument('--workers', default='0,1,2')
    p.add_argument('--threads', type=int, default=None,
                   help='torch CPU threads (default: torch default)')
    p.add_argument('--quick', action='store_true',
                   help='tiny model, small inputs: a smoke test (seconds)')
    p.add_argument('--out', default=None, help='write results as JSON here')
    return p.parse_args(argv)


def labels_file(name: str) -> Path:
    for d in LABEL_DIRS:
        path = d / VOCAB_FILES[name]
        if path.is_file():
            return path
    raise FileNotFoundError(f'{VOCAB_FILES[name]} not found in {LABEL_DIRS}')


def vocabulary(name: str) -> List[str]:
    from ga2clip.models import read_class_csv
    return read_class_csv(str(labels_file(name)))


def model_cfg(method: str, quick: bool) -> Dict:
    from mmengine.config import Config
    base = {'clip': 'clip_zeroshot', 'ivlp': 'ivlp'}.get(method, 'ga2clip')
    suffix = '_tiny' if quick else '_vit-b16'
    cfg = Config.fromfile(str(MODEL_CFGS / f'{base}{suffix}.py')).model
    cfg = cfg.to_dict()
    if not quick:
        cfg['clip'] = dict(name='ViT-B-16-quickgelu', pretrained=None)
    if base == 'ga2clip':
        cfg['text_head']['hard_prompt'] = dict(source='phrase',
                                               phrase='a video of a person')
        cfg['anchor_loss'] = ANCHOR_MODES.get(method, cfg['anchor_loss'])
    return cfg


def build(cfg: Dict, device):
    import ga2clip  # noqa: F401
    from mmaction.registry import MODELS
    return MODELS.build(copy.deepcopy(cfg)).to(device)


def count_params(model) -> Dict[str, int]:
    seen, total, train = set(), 0, 0
    for p in model.parameters():
        if id(p) in seen:
            continue
        seen.add(id(p))
        total += p.numel()
        train += p.numel() if p.requires_grad else 0
    return dict(trainable=train, total=total)


def samples(n: int, vocab: str, anchors: int = 0, labels=None):
    from mmaction.structures import ActionDataSample
    out = []
    for i in range(n + anchors):
        s = ActionDataSample().set_gt_label(
            int(labels[i % len(labels)]) if labels is not None else i % 3)
        s.set_metainfo(dict(vocab=vocab, is_anchor=i >= n))
        out.append(s)
    return out


# -- measurement -------------------------------------------------------------
def sync(device):
    import torch
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def rss_kib(field: str) -> Optional[int]:
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith(field + ':'):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def malloc_trim() -> None:
    """Give freed heap memory back to the OS (glibc), so that RSS before a
    call is its real baseline."""
    try:
        import ctypes
        ctypes.CDLL('libc.so.6').malloc_trim(0)
    except (OSError, AttributeError):
        pass


def reset_peak_rss() -> bool:
    try:
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')  # resets VmHWM (Linux >= 4.0)
        return True
    except OSError:
        return False


class PeakMemory:
    """Peak memory of a call: CUDA ``max_memory_allocated``, or the
    process RSS high-water mark (``VmHWM``, reset through
    ``/proc/self/clear_refs``; lifetime ``ru_maxrss`` where that fails).
    ``delta`` is the peak minus the usage just before the call (MiB)."""

    def __init__(self, device):
        self.device = device
        self.kind = 'cuda_max_allocated' if device.type == 'cuda' else (
            'rss_vmhwm' if reset_peak_rss() and rss_kib('VmRSS') else
            'ru_maxrss (process lifetime)')

    def start(self):
        import torch
        if self.kind == 'cuda_max_allocated':
            torch.cuda.reset_peak_memory_stats(self.device)
            self.before = torch.cuda.memory_allocated(self.device)
        elif self.kind == 'rss_vmhwm':
            malloc_trim()
            self.before = rss_kib('VmRSS') * 1024
            reset_peak_rss()
        else:
            self.before = float('nan')

    def stop(self) -> Dict[str, float]:
        import torch
        if self.kind == 'cuda_max_allocated':
            peak = torch.cuda.max_memory_allocated(self.device)
        elif self.kind == 'rss_vmhwm':
            peak = rss_kib('VmHWM') * 1024
        else:
            import resource
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        return dict(peak_mib=peak / 2**20,
                    delta_mib=(peak - self.before) / 2**20)


def interleaved(fns: Dict[str, Callable], device, repeats: int,
                warmup: int = 1, memory: Optional[Dict] = None
                ) -> Dict[str, List[float]]:
    """Seconds per call of each function, interleaved over repeats. With
    ``memory`` (a dict), the largest peak of each function is stored there."""
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    times = {name: [] for name in fns}
    meter = PeakMemory(device)
    for _ in range(repeats):
        for name, fn in fns.items():
            sync(device)
            meter.start()
            t = time.perf_counter()
            fn()
            sync(device)
            times[name].append(time.perf_counter() - t)
            if memory is not None:
                mem = meter.stop()
                old = memory.get(name)
                if old is None or mem['peak_mib'] > old['peak_mib']:
                    memory[name] = dict(kind=meter.kind, **mem)
    return times


def paired_ratio(times, name, base) -> float:
    return statistics.median(a / b for a, b in zip(times[name], times[base]))


def med(xs) -> float:
    return statistics.median(xs)


# -- sections ----------------------------------------------------------------
def bench_eval(args, device, ctx) -> Dict:
    import torch
    from ga2clip.models import build_clip
    size, t, b = ctx['size'], args.frames, args.batch
    vocab = vocabulary('K400')
    clip_cfg = model_cfg('clip', args.quick)['clip']
    clip, _ = build_clip(**clip_cfg)
    clip = clip.to(device).eval()
    ga2 = ctx['model']('ga2_official').eval()
    ga2.set_vocabularies(dict(k400=vocab))
    x = torch.randn(b, 1, 3, t, size, size, device=device)
    frames = x[:, 0].permute(0, 2, 1, 3, 4).reshape(b * t, 3, size, size)
    data = samples(b, 'k400')

    def frozen_clip():
        with torch.no_grad():
            f = clip.encode_image(frames).view(b, t, -1).mean(dim=1)
            return torch.nn.functional.normalize(f, dim=-1)

    def ga2_predict():
        with torch.no_grad():
            return ga2(x, data, mode='predict')

    fns = {'clip_frozen': frozen_clip, 'ga2_predict': ga2_predict}
    if not args.no_amp:
        dtype = torch.bfloat16

        def frozen_clip_bf16():
            with torch.autocast(device.type, dtype=dtype):
                return frozen_clip()

        def ga2_predict_bf16():
            ga2.amp_dtype = 'bfloat16'
            try:
                return ga2_predict()
            finally:
                ga2.amp_dtype = None
        fns.update(clip_frozen_bf16=frozen_clip_bf16,
                   ga2_predict_bf16=ga2_predict_bf16)
    # first call: text features of the 400 K400 classes are encoded once
    sync(device)
    t0 = time.perf_counter()
    ga2_predict()
    sync(device)
    first = time.perf_counter() - t0
    times = interleaved(fns, device, args.repeats)
    rows = []
    for name, ts in times.items():
        base = 'clip_frozen_bf16' if name.endswith('bf16') else 'clip_frozen'
        rows.append(dict(name=name, s_per_call=med(ts), s_per_clip=med(ts) / b,
                         ratio=paired_ratio(times, name, base), base=base,
                         times=ts))
    out = dict(batch=b, frames=t, size=size, vocab='K400 (400)', rows=rows,
               first_call_s=first,
               ratio=paired_ratio(times, 'ga2_predict', 'clip_frozen'),
               target=TARGETS['eval'])
    if 'data' in ctx['sections']:  # model clips/s at 32 frames (1 clip)
        x32 = torch.randn(1, 1, 3, 32, size, size, device=device)
        d32 = samples(1, 'k400')

        def predict32():
            with torch.no_grad():
                return ga2(x32, d32, mode='predict')
        ts = interleaved({'p': predict32}, device, 1)['p']
        out['predict_32f_s_per_clip'] = med(ts)
    del clip
    return out


def bench_train(args, device, ctx) -> Dict:
    import torch
    size, t, b = ctx['size'], args.frames, args.batch
    names = vocabulary(args.train_vocab)
    labels = torch.randint(len(names), (b, ), generator=torch.Generator(
    ).manual_seed(0)).tolist()
    x = torch.randn(b, 1, 3, t, size, size, device=device)
    xa = torch.randn(b + 1, 1, 3, t, size, size, device=device)
    xa[:b] = x
    methods = [m for m in args.methods.split(',') if m]
    bad = [m for m in methods if m != 'ivlp' and m not in ANCHOR_MODES]
    if bad:
        raise SystemExit(f'unknown methods {bad}; choose from '
                         f"{['ivlp', *ANCHOR_MODES]}")
    models, steps = {}, {}
    extra = args.extrapolate and b > 1 and 'ivlp' in methods

    def make_step(model, inputs, data):
        params = [p for p in model.parameters() if p.requires_grad]
        opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=1e-3)

        def step():
            opt.zero_grad(set_to_none=True)
            losses = model(inputs, data, mode='loss')
            sum(losses.values()).backward()
            opt.step()
        return step
    for method in methods:
        model = ctx['model'](method).train()
        model.set_vocabularies(dict(train=names))
        anchors = 0 if method == 'ivlp' else 1
        inputs = x if anchors == 0 else xa
        data = samples(b, 'train', anchors=anchors, labels=labels)
        models[method] = model
        steps[method] = make_step(model, inputs, data)
    if extra:  # IVLP at batch 1: fixed (text) and per-clip cost of a step
        steps['ivlp_b1'] = make_step(models['ivlp'], x[:1],
                                     samples(1, 'train', labels=labels))
    memory = {}
    times = interleaved(steps, device, args.repeats, memory=memory)
    base = 'ivlp' if 'ivlp' in methods else methods[0]
    rows = [dict(name=m, s_per_step=med(times[m]),
                 s_per_clip=med(times[m]) / b,
                 ratio=paired_ratio(times, m, base), times=times[m],
                 anchor_clips=0 if m == 'ivlp' else 1, **memory[m])
            for m in methods]
    out = dict(batch=b, frames=t, size=size, base=base, rows=rows,
               vocab=f'{args.train_vocab} ({len(names)})',
               target=TARGETS['train'])
    if extra:
        # step(B) = fixed + per_clip * B for IVLP; a GA2 mode adds a
        # B-independent anchor cost (1 anchor clip per step), so
        # ratio(B') = 1 + extra / (fixed + per_clip * B')
        t1, tb = med(times['ivlp_b1']), med(times['ivlp'])
        per_clip = max((tb - t1) / (b - 1), 1e-9)
        fixed = max(t1 - per_clip, 0.0)
        big = args.extrapolate
        for r in rows:
            r[f'ratio_b{big}_est'] = 1 + (r['ratio'] - 1) * tb / (
                fixed + per_clip * big)
        out.update(ivlp_b1_s=t1, per_clip_s=per_clip, fixed_s=fixed,
                   extrapolate=big)
    if 'data' in ctx['sections'] and 'ga2_official' in models:
        # one 32-frame step, batch 1 (+1 anchor), for the loader comparison
        m = models['ga2_official']
        x32 = torch.randn(2, 1, 3, 32, size, size, device=device)
        d32 = samples(1, 'train', anchors=1, labels=labels)
        opt = torch.optim.AdamW(
            [p for p in m.parameters() if p.requires_grad], lr=1e-3)

        def step32():
            opt.zero_grad(set_to_none=True)
            sum(m(x32, d32, mode='loss').values()).backward()
            opt.step()
        out['step_32f_s_per_clip'] = med(
            interleaved({'s': step32}, device, 1, warmup=0)['s'])
    return out


def bench_text(args, device, ctx) -> Dict:
    import torch
    import torch.nn.functional as F
    model = ctx['model']('ga2_official').eval()
    head = model.text_head
    rows = []
    for vocab in ('K400', 'SSv2'):
        names = vocabulary(vocab)
        tokens, pool = head._cached_tokens(head.prompt_texts(names))

        bucket = head.text.bucket_size

        def run(fast, buckets=True):
            head.text.fast = fast
            head.text.bucket_size = bucket if buckets else 0
            try:
                with torch.no_grad():
                    return head(names)
            finally:
                head.text.fast, head.text.bucket_size = True, bucket
        times = interleaved({'77': lambda: run(False),
                             'eot_batch': lambda: run(True, False),
                             'eot': lambda: run(True)}, device, args.repeats)
        slow, fast = run(False).float(), run(True).float()
        rows.append(dict(
            vocab=vocab, classes=len(names), tokens_max=int(pool.max()) + 1,
            tokens_mean=float(pool.float().mean()) + 1,
            s_77=med(times['77']), s_eot=med(times['eot']),
            s_eot_batch=med(times['eot_batch']), bucket_size=bucket,
            speedup=1 / paired_ratio(times, 'eot', '77'),
            speedup_batch=1 / paired_ratio(times, 'eot_batch', '77'),
            times_eot_batch=times['eot_batch'],
            max_abs_diff=float((slow - fast).abs().max()),
            max_abs_diff_normalized=float(
                (F.normalize(slow, dim=-1) - F.normalize(fast, dim=-1)
                 ).abs().max()),
            times_77=times['77'], times_eot=times['eot']))
    return dict(head='GA2TextHead (16 ctx tokens, depth 9)' if not args.quick
                else 'GA2TextHead (tiny)', rows=rows,
                target=TARGETS['text'])


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


def bench_data(args, device, ctx) -> Dict:
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
        row = next(r for r in ev['rows'] if r['name'] == 'ga2_predict')
        model['eval_8f'] = 1 / row['s_per_clip']
        if 'predict_32f_s_per_clip' in ev:
            model['eval_32f'] = 1 / ev['predict_32f_s_per_clip']
    if tr:
        row = next((r for r in tr['rows'] if r['name'] == 'ga2_official'),
                   tr['rows'][0])
        model['train_8f'] = 1 / row['s_per_clip']
        if 'step_32f_s_per_clip' in tr:
            model['train_32f'] = 1 / tr['step_32f_s_per_clip']
    out['model_clips_per_s'] = model
    return out


def bench_params(args, device, ctx) -> Dict:
    rows = []
    for method in ('clip', 'ivlp', 'ga2_official'):
        model = ctx['model'](method)
        rows.append(dict(name=method, **count_params(model)))
    return dict(rows=rows, note='GA2 anchor modes add no parameter')


# -- report ------------------------------------------------------------------
def machine_info() -> Dict:
    import torch
    info = dict(python=platform.python_version(), platform=platform.platform(),
                torch=torch.__version__, torch_threads=torch.get_num_threads(),
                cpu_count=os.cpu_count())
    try:
        lscpu = subprocess.run(['lscpu'], capture_output=True, text=True,
                               timeout=10).stdout
        for line in lscpu.splitlines():
            key, _, val = line.partition(':')
            if key.strip() in ('Model name', 'CPU(s)', 'Thread(s) per core',
                               'L3 cache'):
                info[key.strip()] = val.strip()
        flags = next((ln for ln in lscpu.splitlines()
                      if ln.startswith('Flags')), '')
        info['simd'] = ' '.join(f for f in ('avx2', 'avx512f', 'avx512_bf16',
                                            'amx_bf16') if f in flags.split())
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        info['loadavg'] = os.getloadavg()
    except OSError:
        pass
    if torch.cuda.is_available():
        info['cuda'] = torch.cuda.get_device_name(0)
    return info


def fmt(x, nd=3):
    if isinstance(x, float):
        return f'{x:.{nd}g}' if abs(x) < 1e4 else f'{x:,.0f}'
    if isinstance(x, int):
        return f'{x:,}'
    return str(x)


def verdict(value, target, higher_is_better=False) -> str:
    ok = value >= target if higher_is_better else value <= target
    return 'met' if ok else 'NOT met'


def markdown(results: Dict) -> str:
    lines = []
    for dev, res in results['devices'].items():
        lines.append(f'### {dev}' + (' (--quick, tiny model)'
                                     if results['args']['quick'] else ''))
        ev = res.get('eval')
        if ev:
            lines += ['', f"**Eval** (batch {ev['batch']}, {ev['frames']} "
                      f"frames at {ev['size']}², {ev['vocab']} classes, text "
                      'cached; first call incl. text: '
                      f"{fmt(ev['first_call_s'])} s)", '',
                      '| method | s / clip | × frozen CLIP |', '|---|---|---|']
            for r in ev['rows']:
                lines.append(f"| {r['name']} | {fmt(r['s_per_clip'])} | "
                             f"{r['ratio']:.3f} |")
            lines.append(f"\nGA2 predict / frozen CLIP = {ev['ratio']:.3f} "
                         f"(target ≤ {ev['target']}: "
                         f"{verdict(ev['ratio'], ev['target'])})")
        tr = res.get('train')
        if tr:
            lines += ['', f"**Train step** (fwd+bwd+AdamW, batch {tr['batch']}"
                      f" (+1 anchor clip for GA2), {tr['frames']} frames, "
                      f"{tr['vocab']} classes)", '',
                      f"| method | s / step | × {tr['base']} | "
                      f"× {tr['base']} at batch {tr.get('extrapolate', '-')}"
                      ' (est.) | peak mem MiB | step Δ mem MiB |',
                      '|---|---|---|---|---|---|']
            key = f"ratio_b{tr.get('extrapolate')}_est"
            for r in tr['rows']:
                est = f'{r[key]:.3f}' if key in r else '-'
                lines.append(f"| {r['name']} | {fmt(r['s_per_step'])} | "
                             f"{r['ratio']:.3f} | {est} | "
                             f"{r['peak_mib']:,.0f} | "
                             f"{r['delta_mib']:,.0f} |")
            lines.append(f"\nmemory: {tr['rows'][0]['kind']}; target ≤ "
                         f"{tr['target']}× at equal batch: " + ', '.join(
                             f"{r['name']} {verdict(r['ratio'], tr['target'])}"
                             for r in tr['rows'][1:]))
            if 'per_clip_s' in tr:
                lines.append(
                    f"\nIVLP step = {fmt(tr['fixed_s'])} s fixed (text "
                    f"side) + {fmt(tr['per_clip_s'])} s per clip (from batch"
                    f" 1 and {tr['batch']}); the estimate keeps each mode's "
                    'extra cost (1 anchor clip per step) fixed.')
        tx = res.get('text')
        if tx:
            lines += ['', f"**Text, whole vocabulary** ({tx['head']}, no "
                      'grad)', '',
                      '| vocab | classes | EOT max/mean | 77 tok s | EOT one '
                      'batch s | EOT buckets s | speed-up (one batch / '
                      'buckets) | max abs diff (raw / normalised) |',
                      '|---|---|---|---|---|---|---|---|']
            for r in tx['rows']:
                lines.append(
                    f"| {r['vocab']} | {r['classes']} | {r['tokens_max']} / "
                    f"{r['tokens_mean']:.1f} | {fmt(r['s_77'])} | "
                    f"{fmt(r['s_eot_batch'])} | {fmt(r['s_eot'])} | "
                    f"{r['speedup_batch']:.2f}× / {r['speedup']:.2f}× | "
                    f"{r['max_abs_diff']:.1e} / "
                    f"{r['max_abs_diff_normalized']:.1e} |")
            lines.append(f"\nbuckets of {tx['rows'][0]['bucket_size']} "
                         'names (the default fast path); target ≥ '
                         f"{tx['target']}×: " + ', '.join(
                             f"{r['vocab']} {verdict(r['speedup'], tx['target'], True)}"
                             for r in tx['rows']))
        da = res.get('data')
        if da:
            lines += ['', f"**Data loading** ({da['video']})", '',
                      '| frames | workers | clips/s | steady clips/s | '
                      'first clip s |', '|---|---|---|---|---|']
            for r in da['rows']:
                lines.append(f"| {r['frames']} | {r['workers']} | "
                             f"{fmt(r['clips_per_s'])} | "
                             f"{fmt(r['steady_clips_per_s'])} | "
                             f"{fmt(r['first_clip_s'])} |")
            if da['model_clips_per_s']:
                lines.append('\nmodel clips/s (GA2): ' + ', '.join(
                    f'{k} {fmt(v)}' for k, v in
                    da['model_clips_per_s'].items()))
        pa = res.get('params')
        if pa:
            lines += ['', '**Parameters**', '',
                      '| method | trainable | total |', '|---|---|---|']
            for r in pa['rows']:
                lines.append(f"| {r['name']} | {r['trainable']:,} | "
                             f"{r['total']:,} |")
        lines.append('')
    return '\n'.join(lines)


def run_device(args, device, sections) -> Dict:
    import torch
    results = {}
    cache = {}

    def model(method):
        if method not in cache:
            torch.manual_seed(0)
            cache[method] = build(model_cfg(method, args.quick), device)
        return cache[method]
    ctx = dict(size=32 if args.quick else 224, model=model, results=results,
               sections=sections)
    fns = dict(eval=bench_eval, train=bench_train, text=bench_text,
               data=bench_data, params=bench_params)
    for name in SECTIONS:
        if name in sections:
            t0 = time.perf_counter()
            results[name] = fns[name](args, device, ctx)
            results[name]['section_s'] = time.perf_counter() - t0
            print(f'[{device}] {name}: {results[name]["section_s"]:.1f} s',
                  file=sys.stderr, flush=True)
    return results


def main(argv=None) -> Dict:
    args = parse_args(argv)
    if args.quick and '--repeats' not in (argv or sys.argv[1:]):
        args.repeats = 1
    sys.path.insert(0, str(REPO / 'projects' / 'ga2clip'))
    import torch
    import ga2clip  # noqa: F401
    if args.threads:
        torch.set_num_threads(args.threads)
    sections = [s for s in args.sections.split(',') if s]
    bad = [s for s in sections if s not in SECTIONS]
    if bad:
        raise SystemExit(f'unknown sections {bad}; choose from {SECTIONS}')
    if args.device == 'all':
        devices = ['cpu'] + (['cuda'] if torch.cuda.is_available() else [])
    else:
        devices = [args.device]
    if 'cuda' in devices and not torch.cuda.is_available():
        raise SystemExit('--device cuda: CUDA is not available')
    results = dict(args=vars(args), machine=machine_info(), devices={})
    t0 = time.perf_counter()
    for dev in devices:
        results['devices'][dev] = run_device(args, torch.device(dev),
                                             sections)
    results['total_s'] = time.perf_counter() - t0
    try:
        results['machine']['loadavg_end'] = os.getloadavg()
    except OSError:
        pass
    m = results['machine']
    print(f"<!-- {m.get('Model name', '?')}, {m['cpu_count']} CPUs, torch "
          f"{m['torch']} ({m['torch_threads']} threads), load at start "
          f"{m.get('loadavg')}, end {m.get('loadavg_end')}, "
          f"{results['total_s']:.0f} s -->")
    print(markdown(results))
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as f:
            json.dump(results, f, indent=1, default=str)
    return results


if __name__ == '__main__':
    main()
