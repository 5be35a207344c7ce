"""Eval cost per clip: frozen open_clip frame encoding + frame mean vs each
table method's ``predict`` with cached text features (bf16 autocast rows
unless ``--no-amp``)."""
from typing import Dict

from benchmarks import methods
from benchmarks.flops import attention_tokens, flop_limit
from benchmarks.common import (TARGETS, interleaved, med, model_cfg,
                               paired_ratio, samples, timed, vocabulary)


def _predict(model, x, data):
    import torch

    def fn():
        with torch.no_grad():
            return model(x, data, mode='predict')
    return fn


def _bf16(model, fn, name):
    if not hasattr(model, 'amp_dtype'):
        raise SystemExit(f'benchmarks/methods.py: {name} has no amp_dtype for '
                         'the bf16 eval row; run with --no-amp')

    def fn_bf16():
        model.amp_dtype = 'bfloat16'
        try:
            return fn()
        finally:
            model.amp_dtype = None
    return fn_bf16


def run(args, device, ctx) -> Dict:
    import torch
    from ga2clip.models import build_clip
    size, t, b = ctx['size'], args.frames, args.batch
    vocab = vocabulary('K400')
    clip_cfg = model_cfg(methods.get(methods.FROZEN), args.quick)['clip']
    clip, _ = build_clip(**clip_cfg)
    clip = clip.to(device).eval()
    models = {}
    for m in methods.eval_methods():
        models[m.label] = ctx['model'](m.name).eval()
        models[m.label].set_vocabularies(dict(k400=vocab))
    x = torch.randn(b, 1, 3, t, size, size, device=device)
    frames = x[:, 0].permute(0, 2, 1, 3, 4).reshape(b * t, 3, size, size)
    data = samples(b, 'k400')

    def frozen_clip():
        with torch.no_grad():
            f = clip.encode_image(frames).view(b, t, -1).mean(dim=1)
            return torch.nn.functional.normalize(f, dim=-1)

    fns = {'clip_frozen': frozen_clip}
    predict = {label: _predict(model, x, data)
               for label, model in models.items()}
    fns.update((f'{label}_predict', fn) for label, fn in predict.items())
    if not args.no_amp:
        dtype = torch.bfloat16

        def frozen_clip_bf16():
            with torch.autocast(device.type, dtype=dtype):
                return frozen_clip()
        fns['clip_frozen_bf16'] = frozen_clip_bf16
        fns.update((f'{label}_predict_bf16', _bf16(models[label], fn, label))
                   for label, fn in predict.items())
    primary = methods.get(methods.PRIMARY).label
    # first call: text features of the 400 K400 classes are encoded once
    first = timed(predict[primary], device)
    times = interleaved(fns, device, args.repeats)
    rows = []
    for name, ts in times.items():
        base = 'clip_frozen_bf16' if name.endswith('bf16') else 'clip_frozen'
        row = dict(name=name, s_per_call=med(ts), s_per_clip=med(ts) / b,
                   ratio=paired_ratio(times, name, base), base=base, times=ts)
        label = name.split('_predict')[0]
        tokens = attention_tokens(models[label], t) if label in models \
            else None
        if tokens is not None:  # Vita-CLIP: target 1.10 x its FLOP limit
            limit = flop_limit(models[label], t)
            row.update(flop_limit=limit, target=TARGETS['eval'] * limit,
                       attn_tokens=tokens)
        rows.append(row)
    out = dict(batch=b, frames=t, size=size, vocab='K400 (400)', rows=rows,
               first_call_s=first,
               ratio=paired_ratio(times, f'{primary}_predict', 'clip_frozen'),
               target=TARGETS['eval'])
    if 'data' in ctx['sections']:  # model clips/s at 32 frames (1 clip)
        x32 = torch.randn(1, 1, 3, 32, size, size, device=device)
        ts = interleaved({'p': _predict(models[primary], x32,
                                        samples(1, 'k400'))}, device, 1)['p']
        out['predict_32f_s_per_clip'] = med(ts)
    del clip
    return out
