"""Markdown tables of a benchmark run (the dict ``bench.main`` returns)."""
from typing import Dict


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
            lines.append('\n' + '; '.join(
                f"{r['name'][:-len('_predict')].upper()} predict / frozen "
                f"CLIP = {r['ratio']:.3f} (target ≤ "
                f"{r.get('target', ev['target']):.3f}"
                + (f" = {ev['target']} × FLOP limit {r['flop_limit']:.3f}"
                   if 'flop_limit' in r else '') + ': '
                f"{verdict(r['ratio'], r.get('target', ev['target']))})"
                for r in ev['rows'] if r['name'].endswith('_predict')))
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

