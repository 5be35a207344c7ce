"""Inference on your own videos with your own class names.

    from ga2clip.apis import infer
    out = infer(['a.mp4', 'clips/'], ['riding a bike', 'playing guitar'],
                'projects/ga2clip/configs/.../config.py', 'epoch_2.pth')
    for p in out['predictions']:
        print(p['video'], p['topk'][0])

The model is built from an mmengine config, the checkpoint (an mmengine
``.pth`` written by ``tools/train.py``) is checked key by key and shape by
shape before it is loaded, the class names become the ``'default'``
vocabulary (``model.set_vocabularies``) and every video goes through the
config's test pipeline (``cfg.test_pipeline``, else the test dataloader's).
Command line: ``tools/infer.py`` (see ``docs/inference.md``).

Every user mistake raises :class:`InferenceError` (a
:class:`~ga2clip.apis.common.UserError`) with a one-line message that names the
file and what to do.
"""
import csv
import io
import json
import logging
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Union

from .common import (_PRETRAINED_KEYS, InferenceError,  # noqa: F401
                     UserError, _run_guarded, _unwrap_model, add_trust_flag,
                     apply_trust_flag,
                     load_checked_checkpoint, load_config,
                     parse_cfg_options)

VIDEO_EXTS = ('.mp4', '.avi', '.mkv', '.webm', '.mov', '.m4v', '.mpg',
              '.mpeg', '.wmv', '.flv', '.3gp', '.ogv')
LIST_EXTS = ('.txt', '.list', '.lst', '.csv')


# --------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------
def read_names_file(path: str) -> List[str]:
    """Class names from a file: an ``id,name`` csv (header optional, ids
    ``0..N-1`` in order, names may be quoted) or one name per line."""
    from ..utils.class_lists import read_class_names
    with open(path, encoding='utf-8-sig') as f:
        lines = [ln.strip() for ln in f if ln.strip()]
    if not lines:
        raise InferenceError(f'class list {path} is empty: write one class '
                             'name per line or an "id,name" csv')
    first = lines[0].split(',', 1)[0].strip().lower()
    is_csv = first == 'id' or all(
        ln.split(',', 1)[0].strip().isdigit() and ',' in ln for ln in lines)
    if is_csv:
        try:
            return read_class_names(path, strip_brackets=False)
        except ValueError as err:
            raise InferenceError(f'{err} (fix the file, or write one class '
                                 'name per line)') from None
    return lines


def parse_class_names(spec: Union[str, Sequence[str]]) -> List[str]:
    """Class names from a list, a file (see :func:`read_names_file`) or an
    inline comma-separated string (``'riding a bike,playing guitar'``).
    Names must be non-empty and unique."""
    from ..models.text_heads import check_class_names
    source = 'the class names given'
    if isinstance(spec, os.PathLike):
        spec = os.fspath(spec)
    if isinstance(spec, (list, tuple)):
        names = [str(n).strip() for n in spec]
    elif isinstance(spec, str) and osp.isfile(spec):
        names, source = read_names_file(spec), spec
    elif isinstance(spec, str):
        if ',' not in spec and (os.sep in spec or spec.endswith(
                ('.txt', '.csv'))):
            raise InferenceError(f'class list file not found: {spec} (give '
                                 'a file, or names inline: "a,b,c")')
        names = [n.strip() for n in spec.split(',')]
    else:
        raise InferenceError(f'class names must be a list, a file or a '
                             f'comma-separated string, got {type(spec)}')
    try:
        return check_class_names(names)
    except ValueError as err:
        raise InferenceError(f'{source}: {err}; every class needs one '
                             'unique, non-empty name') from None


def parse_templates(spec: Union[None, str, Sequence[str]]) -> Optional[List[str]]:
    """Prompt templates from a list, a file (one a line) or one string; each
    must contain ``{}`` once."""
    if spec is None:
        return None
    source = 'the templates given'
    if isinstance(spec, str):
        if osp.isfile(spec):
            with open(spec, encoding='utf-8') as f:
                spec, source = [ln.strip() for ln in f if ln.strip()], spec
        else:
            spec = [spec]
    templates = [str(t) for t in spec]
    bad = [t for t in templates if t.count('{}') != 1]
    if not templates or bad:
        raise InferenceError(f'{source}: every template needs exactly one '
                             f'"{{}}" for the class name, got {bad[:2] or templates}')
    return templates


def _read_video_list(path: str) -> List[str]:
    """A list file: one video a line; a trailing label id (``path 3``, or
    the official ``path, 3``) is ignored; relative paths are relative to
    the list's folder."""
    from ..utils.class_lists import _split_video_line
    base = osp.dirname(osp.abspath(path))
    out = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            parts = _split_video_line(line)
            if parts is not None:
                line = bare = parts[0]
                if line.endswith(','):  # the comma of "path, 3" unless
                    bare = line[:-1].rstrip() or line  # only path, exists
                    if not osp.exists(osp.join(base, bare)) and osp.exists(
                            osp.join(base, line)):
                        bare = line
                line = bare
            out.append(line if osp.isabs(line) else osp.join(base, line))
    if not out:
        raise InferenceError(f'video list {path} is empty: write one video '
                             'path a line')
    return out


def collect_videos(inputs: Union[str, Sequence[str]]) -> List[str]:
    """Video files from files, folders (searched recursively for
    :data:`VIDEO_EXTS`) and list files (``.txt``/``.list``/``.lst``/
    ``.csv``: one path a line). Missing paths are kept: they fail (or are
    skipped) when read, with the file named."""
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    videos = []
    for item in inputs:
        item = os.fspath(item)
        if osp.isdir(item):
            found = sorted(
                osp.join(root, name) for root, _, files in os.walk(item)
                for name in files if name.lower().endswith(VIDEO_EXTS))
            if not found:
                raise InferenceError(
                    f'no videos in folder {item} (looked for '
                    f'{", ".join(VIDEO_EXTS[:5])}, ...)')
            videos.extend(found)
        elif osp.isfile(item) and item.lower().endswith(LIST_EXTS):
            videos.extend(_read_video_list(item))
        else:
            videos.append(item)
    if not videos:
        raise InferenceError('no videos given')
    return videos


# --------------------------------------------------------------------------
# model
# --------------------------------------------------------------------------
def _test_pipeline_cfg(cfg):
    if cfg.get('test_pipeline'):
        return cfg.test_pipeline
    try:
        return cfg.test_dataloader.dataset.pipeline
    except AttributeError:
        raise InferenceError(
            f'config {cfg.filename} has no test_pipeline (nor '
            'test_dataloader.dataset.pipeline); add one') from None


def build_inference_model(config, checkpoint: Optional[str] = None,
                          pretrained: Optional[str] = None,
                          templates=None, device: str = 'cpu',
                          cfg_options: Optional[dict] = None):
    """Build the recognizer of ``config`` (path or ``mmengine.Config``) in
    eval mode, with ``checkpoint`` loaded (checked) when given.

    ``pretrained`` replaces ``model.clip.pretrained`` (an open_clip tag such
    as ``'openai'`` or a local CLIP weights file). ``templates`` replace the
    templates of a ``TemplateTextHead`` (zero-shot configs).
    Returns ``(model, cfg)``; ``model.cfg`` is set as in
    ``mmaction.apis.init_recognizer``."""
    import torch
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    import ga2clip  # noqa: F401 - registers the components
    from mmaction.registry import MODELS

    if isinstance(config, Config):
        cfg = config.copy()
        if cfg_options:
            cfg.merge_from_dict(cfg_options)
    else:
        cfg = load_config(os.fspath(config), cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    if 'model' not in cfg:
        raise InferenceError(f'config {cfg.filename} has no `model`')
    model_cfg = cfg.model
    if pretrained is not None:
        model_cfg.setdefault('clip', {})['pretrained'] = (
            None if str(pretrained).lower() == 'none' else pretrained)
    head = model_cfg.get('text_head', {}) or {}
    templates = parse_templates(templates)
    if templates is not None:
        if head.get('type') != 'TemplateTextHead':
            raise InferenceError(
                f'--templates only apply to a TemplateTextHead (zero-shot '
                f'configs); {cfg.filename} uses {head.get("type")}, whose '
                'prompts are learned: drop --templates')
        head['templates'] = templates
    hard = head.get('hard_prompt') if isinstance(head, dict) else None
    if (checkpoint and isinstance(hard, dict) and hard.get('path')
            and not osp.exists(str(hard['path']))):
        # The checkpoint holds the hard prompt (text_head.hard_prompt).
        hard['path'] = None
    try:
        model = MODELS.build(model_cfg)
    except TypeError as err:
        raise InferenceError(f'{cfg.filename}: {err} (unknown config key: '
                             'check its spelling)') from None
    if checkpoint and str(checkpoint).lower() != 'none':
        load_checked_checkpoint(model, checkpoint)
    model.cfg = cfg
    model.to(torch.device(device))
    model.eval()
    return model, cfg


# --------------------------------------------------------------------------
# running
# --------------------------------------------------------------------------
class _VideoSet:
    """Videos through the test pipeline; failures are returned, not raised,
    so the main process decides (error or skip)."""

    def __init__(self, videos: List[str], pipeline_cfg):
        self.videos = videos
        self.pipeline_cfg = pipeline_cfg
        self._pipeline = None

    def __len__(self):
        return len(self.videos)

    def _transforms(self):
        if self._pipeline is None:
            from mmengine.dataset import Compose
            from mmengine.registry import init_default_scope
            init_default_scope('mmaction')
            self._pipeline = Compose(self.pipeline_cfg).transforms
        return self._pipeline

    def __getitem__(self, idx):
        from ..datasets.video_check import describe, is_decode_error
        path = self.videos[idx]
        data = dict(filename=path, label=-1, start_index=0, modality='RGB')
        frames = clip_len = None
        try:
            for t in self._transforms():
                data = t(data)
                if isinstance(data, dict):
                    frames = data.get('total_frames', frames)
                    clip_len = data.get('clip_len', clip_len)
        except Exception as err:  # noqa: BLE001 - reported by the caller
            if not is_decode_error(err):
                raise
            return dict(index=idx, error=describe(err))
        return dict(index=idx, data=data, frames=frames, clip_len=clip_len)


def _collate(items):
    return items


def _video_error(path, reason):
    return InferenceError(
        f'cannot read video {path}: {reason}; check that it plays '
        '(ffprobe), re-encode it (ffmpeg -i IN -c:v libx264 OUT.mp4), remove '
        'it, or pass --skip-unreadable (skip_unreadable=True) to skip it')


def infer(videos, class_names, config=None, checkpoint: Optional[str] = None,
          *, model=None, pretrained: Optional[str] = None, templates=None,
          topk: int = 5, batch_size: int = 8, num_workers: int = 0,
          device: str = 'cpu', cfg_options: Optional[dict] = None,
          skip_unreadable: bool = False, progress: bool = True,
          logger: Optional[logging.Logger] = None) -> Dict:
    """Top-k class predictions for each video.

    Args:
        videos: video files, folders, list files (see :func:`collect_videos`).
        class_names: list, file, or inline ``'a,b,c'`` (see
            :func:`parse_class_names`).
        config: config path or ``mmengine.Config`` (not needed with ``model``).
        checkpoint: mmengine ``.pth`` from ``tools/train.py``; ``None`` for
            models that need no training (zero-shot CLIP).
        model: an already built model (``(model, cfg)`` from
            :func:`build_inference_model`, or a model with ``.cfg``), to
            reuse it across calls.
        pretrained, templates, device, cfg_options: see
            :func:`build_inference_model`.
        topk: predictions kept per video (clipped to the number of classes).
        batch_size, num_workers: batching of the decoding and the model.
        skip_unreadable: skip videos that cannot be read (listed under
            ``skipped`` and logged) instead of raising.
        progress: show a tqdm progress bar (on stderr).

    Returns:
        ``dict(predictions=[dict(video, topk=[dict(rank, class_id, label,
        score)], num_frames)], skipped=[dict(video, reason)],
        classes=[names], warnings=[str])``.
    """
    import torch
    from tqdm import tqdm

    log = logger or logging.getLogger('ga2clip.infer')
    names = parse_class_names(class_names)
    paths = collect_videos(videos)
    if model is None:
        if config is None:
            raise InferenceError('give a config (or a built model)')
        model, cfg = build_inference_model(
            config, checkpoint, pretrained=pretrained, templates=templates,
            device=device, cfg_options=cfg_options)
    elif isinstance(model, tuple):
        model, cfg = model
    else:
        cfg = model.cfg
    if int(topk) < 1 or int(batch_size) < 1:
        raise InferenceError('--topk and --batch-size must be >= 1')
    k = min(int(topk), len(names))
    model.set_vocabularies({'default': names})
    dataset = _VideoSet(paths, _test_pipeline_cfg(cfg))
    loader = torch.utils.data.DataLoader(
        dataset, batch_size=int(batch_size), num_workers=int(num_workers),
        collate_fn=_collate, shuffle=False)
    predictions, skipped, warnings = [], [], []
    bar = tqdm(total=len(paths), desc='infer', unit='video',
               disable=not progress, dynamic_ncols=True)
    try:
        for batch in loader:
            good = []
            for item in batch:
                path = paths[item['index']]
                if 'error' in item:
                    if not skip_unreadable:
                        raise _video_error(path, item['error'])
                    skipped.append(dict(video=path, reason=item['error']))
                    continue
                frames, clip_len = item['frames'], item['clip_len']
                if frames is not None and clip_len and frames < clip_len:
                    msg = (f'{path} has {frames} frames, fewer than the '
                           f'{clip_len} sampled: frames are repeated')
                    warnings.append(msg)
                    log.warning(msg)
                good.append(item)
            if good:
                with torch.no_grad():
                    out = model.test_step(dict(
                        inputs=[g['data']['inputs'] for g in good],
                        data_samples=[g['data']['data_samples']
                                      for g in good]))
                for g, sample in zip(good, out):
                    score = sample.pred_score.detach().float().cpu()
                    values, ids = score.topk(k)
                    predictions.append(dict(
                        video=paths[g['index']], num_frames=g['frames'],
                        topk=[dict(rank=r + 1, class_id=int(i),
                                   label=names[int(i)], score=float(v))
                              for r, (v, i) in enumerate(zip(values, ids))]))
            bar.update(len(batch))
    finally:
        bar.close()
    if skipped:
        from ..datasets.video_check import skipped_message
        log.warning(skipped_message(
            [(s['video'], s['reason']) for s in skipped], len(paths)))
    if not predictions:
        raise InferenceError(f'none of the {len(paths)} videos could be read '
                             f'(first: {skipped[0]["video"]}: '
                             f'{skipped[0]["reason"]})')
    return dict(predictions=predictions, skipped=skipped, classes=names,
                warnings=warnings)


# --------------------------------------------------------------------------
# output
# --------------------------------------------------------------------------
def format_results(result: Dict, fmt: str = 'table') -> str:
    """``table`` (aligned text), ``json`` or ``csv`` (one row per video and
    rank: ``video,rank,class_id,label,score``)."""
    preds = result['predictions']
    if fmt == 'json':
        return json.dumps(result, indent=2) + '\n'
    if fmt == 'csv':
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator='\n')
        w.writerow(['video', 'rank', 'class_id', 'label', 'score'])
        for p in preds:
            for t in p['topk']:
                w.writerow([p['video'], t['rank'], t['class_id'], t['label'],
                            f'{t["score"]:.6f}'])
        for s in result.get('skipped', []):
            w.writerow([s['video'], '', '', f'SKIPPED: {s["reason"]}', ''])
        return buf.getvalue()
    if fmt != 'table':
        raise InferenceError(f'unknown format {fmt!r}: table, json or csv')
    width = max([len('video')] + [len(p['video']) for p in preds])
    k = max(len(p['topk']) for p in preds)
    head = f'{"video":<{width}}  ' + '  '.join(
        f'top{r + 1:<27}' for r in range(k))
    lines = [head.rstrip(), '-' * len(head.rstrip())]
    for p in preds:
        cells = [f'{t["label"][:20]:<20} {t["score"]:6.3f}' for t in p['topk']]
        lines.append(f'{p["video"]:<{width}}  ' + '  '.join(
            f'{c:<30}' for c in cells).rstrip())
    for s in result.get('skipped', []):
        lines.append(f'{s["video"]:<{width}}  SKIPPED ({s["reason"]})')
    return '\n'.join(lines) + '\n'


# --------------------------------------------------------------------------
# command line (tools/infer.py)
# --------------------------------------------------------------------------
def infer_parser():
    import argparse
    p = argparse.ArgumentParser(
        description='Top-k action predictions for your own videos and class '
        'names (GA2-CLIP, IVLP or zero-shot CLIP configs).')
    p.add_argument('config', help='model config (the one the checkpoint '
                   'was trained with)')
    p.add_argument('videos', nargs='+', help='video files, folders (searched '
                   'recursively) and/or list files (.txt: one path a line)')
    p.add_argument('--classes', required=True, help='class names: a file '
                   '("id,name" csv or one name a line) or inline "a,b,c"')
    p.add_argument('--checkpoint', default=None, help='.pth written by '
                   'tools/train.py (leave out for zero-shot configs)')
    p.add_argument('--pretrained', default=None, help='CLIP weights: an '
                   'open_clip tag (e.g. openai) or a local file; replaces '
                   'model.clip.pretrained')
    p.add_argument('--templates', nargs='+', default=None, help='prompt '
                   'templates with "{}" (or a file, one a line); '
                   'TemplateTextHead configs only')
    p.add_argument('--topk', type=int, default=5)
    p.add_argument('--batch-size', type=int, default=8)
    p.add_argument('--num-workers', type=int, default=0,
                   help='decoding worker processes')
    p.add_argument('--device', default='cpu', help='cpu, cuda, cuda:1, ...')
    p.add_argument('--format', choices=['table', 'json', 'csv'],
                   default='table')
    p.add_argument('--out', default=None, help='write the output to this '
                   'file instead of stdout')
    p.add_argument('--force', action='store_true',
                   help='overwrite an existing --out file')
    p.add_argument('--skip-unreadable', action='store_true',
                   help='skip videos that cannot be read (listed in the '
                   'output and the log) instead of stopping')
    p.add_argument('--no-progress', action='store_true')
    p.add_argument('--cfg-options', nargs='+', default=None,
                   metavar='KEY=VALUE', help='override config settings')
    add_trust_flag(p)
    return p


def infer_cli(argv=None) -> int:
    args = infer_parser().parse_args(argv)
    apply_trust_flag(args)
    if args.out and osp.exists(args.out) and not args.force:
        raise InferenceError(f'--out {args.out} exists; pick another name or '
                             'add --force to overwrite it')
    if args.checkpoint and args.checkpoint.lower() != 'none' and \
            not osp.isfile(args.checkpoint):
        raise InferenceError(f'checkpoint not found: {args.checkpoint} '
                             '(give a .pth written by tools/train.py)')
    logging.basicConfig(level=logging.WARNING, format='warning: %(message)s')
    templates = args.templates
    if templates is not None and len(templates) == 1:
        templates = templates[0]
    result = infer(
        args.videos, args.classes, args.config, args.checkpoint,
        pretrained=args.pretrained, templates=templates, topk=args.topk,
        batch_size=args.batch_size, num_workers=args.num_workers,
        device=args.device, cfg_options=parse_cfg_options(args.cfg_options),
        skip_unreadable=args.skip_unreadable, progress=not args.no_progress)
    text = format_results(result, args.format)
    if args.out:
        from mmengine.fileio import get_file_backend
        get_file_backend(args.out).put_text(text, args.out)  # atomic
        print(f'wrote {len(result["predictions"])} predictions to {args.out}')
    else:
        print(text, end='')
    return 0


def main(argv=None) -> int:
    return _run_guarded(infer_cli, argv)
