"""One training step (forward + backward + AdamW) of each ``--methods``
entry at equal batch (a method adds its ``anchor_clips``), as a ratio to
IVLP, with the step's peak memory; IVLP at batch 1 gives a batch-8
estimate (``--extrapolate``)."""
from typing import Dict

from benchmarks import methods
from benchmarks.common import (TARGETS, interleaved, med, paired_ratio,
                               samples, vocabulary)


def make_step(model, inputs, data, weight_decay=1e-3):
    import torch
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=weight_decay)

    def step():
        opt.zero_grad(set_to_none=True)
        losses = model(inputs, data, mode='loss')
        sum(losses.values()).backward()
        opt.step()
    return step


def run(args, device, ctx) -> Dict:
    import torch
    size, t, b = ctx['size'], args.frames, args.batch
    names = vocabulary(args.train_vocab)
    labels = torch.randint(len(names), (b, ), generator=torch.Generator(
    ).manual_seed(0)).tolist()
    chosen = [m for m in args.methods.split(',') if m]
    allowed = methods.train_names()
    bad = [m for m in chosen if m not in allowed]
    if bad:
        raise SystemExit(f'unknown methods {bad}; choose from {allowed}')
    entries = [methods.get(m) for m in chosen]
    most = max([m.anchor_clips for m in entries], default=0)
    x = torch.randn(b, 1, 3, t, size, size, device=device)
    xa = torch.randn(b + most, 1, 3, t, size, size, device=device)
    xa[:b] = x
    models, steps = {}, {}
    base_name = methods.TRAIN_BASE
    extra = args.extrapolate and b > 1 and base_name in chosen
    for m in entries:
        model = ctx['model'](m.name).train()
        model.set_vocabularies(dict(train=names))
        inputs = xa[:b + m.anchor_clips] if m.anchor_clips else x
        data = samples(b, 'train', anchors=m.anchor_clips, labels=labels)
        models[m.name] = model
        steps[m.name] = make_step(model, inputs, data)
    if extra:  # IVLP at batch 1: fixed (text) and per-clip cost of a step
        steps[f'{base_name}_b1'] = make_step(
            models[base_name], x[:1], samples(1, 'train', labels=labels))
    memory = {}
    times = interleaved(steps, device, args.repeats, memory=memory)
    base = base_name if base_name in chosen else chosen[0]
    rows = [dict(name=m.name, s_per_step=med(times[m.name]),
                 s_per_clip=med(times[m.name]) / b,
                 ratio=paired_ratio(times, m.name, base), times=times[m.name],
                 anchor_clips=m.anchor_clips, **memory[m.name])
            for m in entries]
    out = dict(batch=b, frames=t, size=size, base=base, rows=rows,
               vocab=f'{args.train_vocab} ({len(names)})',
               target=TARGETS['train'])
    if extra:
        # step(B) = fixed + per_clip * B for IVLP; a method with anchors adds
        # a B-independent cost (its anchor clips per step), so
        # ratio(B') = 1 + extra / (fixed + per_clip * B')
        t1, tb = med(times[f'{base_name}_b1']), med(times[base_name])
        per_clip = max((tb - t1) / (b - 1), 1e-9)
        fixed = max(t1 - per_clip, 0.0)
        big = args.extrapolate
        for r in rows:
            r[f'ratio_b{big}_est'] = 1 + (r['ratio'] - 1) * tb / (
                fixed + per_clip * big)
        out.update({f'{base_name}_b1_s': t1}, per_clip_s=per_clip,
                   fixed_s=fixed, extrapolate=big)
    if 'data' in ctx['sections'] and methods.PRIMARY in models:
        # one 32-frame step, batch 1 (+ its anchors), for the loader
        # comparison
        m = methods.get(methods.PRIMARY)
        x32 = torch.randn(1 + m.anchor_clips, 1, 3, 32, size, size,
                          device=device)
        step32 = make_step(models[m.name], x32, samples(
            1, 'train', anchors=m.anchor_clips, labels=labels),
            weight_decay=0.01)  # AdamW's default, as this row always had
        out['step_32f_s_per_clip'] = med(
            interleaved({'s': step32}, device, 1, warmup=0)['s'])
    return out
