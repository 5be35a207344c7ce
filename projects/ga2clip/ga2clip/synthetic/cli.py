"""Command-line entry points of the synthetic world (thin wrappers live in
``tools/synthetic/``)."""
import argparse
import json
import sys
import time


def generate_main(argv=None) -> int:
    """``tools/synthetic/generate_world.py``: write the downstream world."""
    from . import generate as G
    from . import world as W
    p = argparse.ArgumentParser(
        description='Generate the synthetic compositional video world '
                    '(mp4 videos, annotation lists, class csvs).')
    p.add_argument('--out', default='data/synthetic/world',
                   help='output folder (default: %(default)s)')
    p.add_argument('--seed', type=int, default=0, help='world seed')
    p.add_argument('--splits', nargs='+', default=list(G.WORLD_SPLITS),
                   choices=list(G.WORLD_SPLITS))
    for split, n in G.DEFAULT_COUNTS.items():
        p.add_argument(f'--{split.replace("_", "-")}', type=int, default=n,
                       metavar='N', help=f'clips per class in {split} '
                       f'(anchor: total) (default: {n})')
    p.add_argument('--shots', type=int, default=G.DEFAULT_SHOTS,
                   help='clips per base class in each base_train_s<k>.txt '
                   '(default: %(default)s)')
    p.add_argument('--temporal-shots', type=int,
                   default=G.DEFAULT_TEMPORAL_SHOTS,
                   help='clips per temporal base class in each '
                   'temporal_train_s<k>.txt (default: %(default)s)')
    p.add_argument('--fewshot-seeds', type=int, default=3)
    p.add_argument('--frames', type=int, default=8)
    p.add_argument('--size', type=int, default=32)
    p.add_argument('--workers', type=int, default=2)
    p.add_argument('--no-reuse', action='store_true',
                   help='regenerate even if OUT has the same settings')
    for field in ('amp', 'sig', 'speed', 'cls_tint', 'cls_bg', 'cls_size',
                  'clip_tint'):
        p.add_argument(f'--{field.replace("_", "-")}', type=float,
                       default=None, help='override the downstream shift')
    a = p.parse_args(argv)
    shift = G.with_overrides(W.DOWNSTREAM, amp=a.amp, sig=a.sig,
                             speed=a.speed, cls_tint=a.cls_tint,
                             cls_bg=a.cls_bg, cls_size=a.cls_size,
                             clip_tint=a.clip_tint)
    counts = {s: getattr(a, s) for s in G.WORLD_SPLITS}
    t0 = time.time()
    try:
        G.generate_world(a.out, seed=a.seed, splits=a.splits, counts=counts,
                         num_frames=a.frames, size=a.size, shift=shift,
                         shots=a.shots, num_fewshot_seeds=a.fewshot_seeds,
                         temporal_shots=a.temporal_shots,
                         workers=a.workers, reuse=not a.no_reuse)
    except (ValueError, RuntimeError, OSError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    print(f'synthetic world in {a.out} ({time.time() - t0:.1f}s)')
    return 0


def pretrain_main(argv=None) -> int:
    """``tools/synthetic/pretrain_clip.py``: pretrain the tiny CLIP."""
    from . import pretrain as P
    p = argparse.ArgumentParser(
        description='Pretrain the tiny CLIP contrastively on the web-like '
                    'synthetic captioned image set; saves an fp16 state '
                    'dict loadable with open_clip.create_model(NAME, '
                    'pretrained=OUT).')
    p.add_argument('--out', default='checkpoints/ga2clip-synth.pt')
    p.add_argument('--name', default=P.MODEL_NAME)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--steps', type=int, default=900)
    p.add_argument('--batch-size', type=int, default=128)
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--wd', type=float, default=0.1)
    p.add_argument('--warmup', type=int, default=40)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--web', default='varied', choices=P.WEB_DOMAINS,
                   help='web domain: varied (v2: flat or textured '
                   'backgrounds per image) or flat (v1)')
    a = p.parse_args(argv)
    _, info = P.pretrain(a.out, seed=a.seed, steps=a.steps,
                         batch_size=a.batch_size, lr=a.lr, wd=a.wd,
                         warmup=a.warmup, threads=a.threads, name=a.name,
                         web=a.web,
                         log=lambda msg: print(msg, flush=True))
    info['out'] = a.out
    print(json.dumps(info))
    return 0


def zeroshot_main(argv=None) -> int:
    """``tools/synthetic/zeroshot.py``: frame-mean zero-shot accuracy."""
    from . import zeroshot as Z
    p = argparse.ArgumentParser(
        description='Zero-shot top-1 of a CLIP on written synthetic worlds '
                    '(frame mean of encode_image, template "a video of a '
                    '{}.").')
    p.add_argument('worlds', nargs='*', help='world folders')
    p.add_argument('--checkpoint', default='checkpoints/ga2clip-synth.pt')
    p.add_argument('--name', default='ga2clip-synth')
    p.add_argument('--splits', nargs='+',
                   default=['base_test', 'novel_test'])
    p.add_argument('--template', default='a video of a {}.')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--web-domain', choices=['flat', 'varied'],
                   help='instead of written worlds (give none): score '
                   'clips rendered in memory in the web domain (the '
                   "checkpoint's own domain), per attribute")
    p.add_argument('--per-class', type=int, default=4,
                   help='--web-domain: clips per class')
    a = p.parse_args(argv)
    if a.web_domain:
        import torch
        torch.set_num_threads(a.threads)
        model, tok = Z.load_clip(a.checkpoint, a.name)
        print(json.dumps(Z.web_domain_accuracy(
            model, tok, per_class=a.per_class, web=a.web_domain,
            template=a.template), indent=1))
        return 0
    if not a.worlds:
        p.error('give world folders, or --web-domain flat|varied')
    try:
        res = Z.evaluate_worlds(a.worlds, a.checkpoint, name=a.name,
                                splits=a.splits, template=a.template,
                                threads=a.threads)
    except (ValueError, OSError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    print(json.dumps(res, indent=1))
    return 0
