"""One leaderboard of several methods: Base / Novel / HM (mean ± sample
std, n-1, over runs) and each method's paired difference to a reference
method (default IVLP), run by run.

Input: ``{method key: {run name: {'base/top1', 'novel/top1', 'HM', ...}}}``
(``tools/run_protocol.py ... --methods`` and the embedded demo build it).
Runs are paired by name (``s1`` with ``s1``, ...). A method with a single
run whose name the reference lacks (frozen CLIP zero-shot on the synthetic
world: one test-only run that serves every split) is paired with *each*
reference run, the same value every time; the spread of its differences is
then the reference's own spread over splits. Over several synthetic worlds
(the demo's run names ``w<k>_s<split>``) a run ``w<k>_all_splits`` is paired
with each reference run ``w<k>_...`` of its own world.

Is a mean difference larger than the noise? A paired t interval: the
difference is marked when ``|mean| > t(0.975, n-1) * std / sqrt(n)`` over
the n pairs (a 95 % two-sided interval of the mean difference excludes 0);
with one pair there is no spread to compare with ("n/a").

Outputs (:func:`write_leaderboard`): ``<stem>.md`` (the table and a legend
line), ``<stem>.csv`` (one row per method and metric), ``<stem>.json`` (the
table and every run's metrics) and ``<stem>.png`` (three panels, one bar
per method; :func:`ga2clip.apis.plots.base_novel_hm_figure`).
"""
import copy
import csv
import json
import math
import os
import os.path as osp

from .aggregate import mean_std
from .plan import (ALL_SPLITS, B2N_PROTOCOLS, UsageError, _pattern,
                   leaderboard_dir, resolve_method)

METRICS = (('base/top1', 'Base'), ('novel/top1', 'Novel'), ('HM', 'HM'))
# Optional columns per protocol (mean ± std; shown when the runs report
# them): the temporal split's frame-order accuracy between time-reversed
# twins (ga2clip.evaluation.TwinOrderMetric; an order-invariant model: 50).
EXTRA_METRICS = {
    'synthetic_temporal': (('base/order_acc', 'Base order'),
                           ('novel/order_acc', 'Novel order')),
}
# t quantiles, 0.975, by degrees of freedom (n-1); beyond 30: 1.96
T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262,
        2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101,
        2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052,
        2.048, 2.045, 2.042)
MARK = '*'


def t975(df):
    """The 0.975 quantile of Student's t with ``df`` degrees of freedom
    (the normal 1.96 beyond 30)."""
    if df < 1:
        raise ValueError(f'degrees of freedom {df} < 1')
    return T975[df - 1] if df <= len(T975) else 1.96


def paired(runs, ref_runs, metric):
    """The paired difference ``runs - ref_runs`` of ``metric``: ``{runs:
    {name: delta}, mean, std, n, half_width, beyond_noise}`` (std: sample,
    n-1; half_width: of the 95 % t interval; beyond_noise: True / False,
    None for one pair), or None when no run pairs up."""
    names = [n for n in ref_runs if n in runs and metric in runs[n]
             and metric in ref_runs[n]]
    if not names and len(runs) == 1:  # one run serving every split
        only = next(iter(runs.values()))
        if metric in only:
            runs = {n: only for n in ref_runs}
            names = [n for n in ref_runs if metric in ref_runs[n]]
    elif any(n.endswith(ALL_SPLITS) for n in runs):
        # several worlds: '<prefix>all_splits' serves '<prefix>s1', ...
        serving = {}
        for n in ref_runs:
            for r in runs:
                if (n not in runs and r.endswith(ALL_SPLITS)
                        and n.startswith(r[:-len(ALL_SPLITS)])
                        and metric in runs[r] and metric in ref_runs[n]):
                    serving[n] = runs[r]
                    break
        if serving:
            runs = dict(runs, **serving)
            names = [n for n in ref_runs if n in names or n in serving]
    if not names:
        return None
    deltas = {n: runs[n][metric] - ref_runs[n][metric] for n in names}
    mean, std = mean_std(list(deltas.values()))
    n = len(deltas)
    if n == 1:
        half, beyond = None, None
    else:
        half = t975(n - 1) * std / math.sqrt(n)
        beyond = abs(mean) > half
    return dict(runs=deltas, mean=mean, std=std, n=n, half_width=half,
                beyond_noise=beyond)


def _all_extra_metrics():
    out = []
    for extra in EXTRA_METRICS.values():
        out += [m for m in extra if m not in out]
    return out


def leaderboard(runs_by_method, labels=None, reference='ivlp',
                metrics=METRICS, extra_metrics=None):
    """The table: ``{reference, metrics, extra_metrics, rows: [{key, label,
    n, runs, stats: {metric: {mean, std, n, values}}, delta: {metric:
    paired(...)} (None for the reference itself or without one)}]}``, rows
    in the order of ``runs_by_method``. ``extra_metrics``: optional
    ``(metric, column)`` pairs (default: every protocol's
    :data:`EXTRA_METRICS`), kept only where some run reports them."""
    labels = labels or {}
    ref_runs = runs_by_method.get(reference)
    extra = [list(m) for m in (_all_extra_metrics() if extra_metrics is None
                               else extra_metrics)
             if any(m[0] in r for runs in runs_by_method.values()
                    for r in runs.values())]
    rows = []
    for key, runs in runs_by_method.items():
        stats, delta = {}, {}
        for metric, _ in list(metrics) + extra:
            values = [m[metric] for m in runs.values() if metric in m]
            if values:
                mean, std = mean_std(values)
                stats[metric] = dict(mean=mean, std=std, n=len(values),
                                     values=values)
            if ref_runs is not None and key != reference:
                delta[metric] = paired(runs, ref_runs, metric)
        rows.append(dict(key=key, label=labels.get(key, key), n=len(runs),
                         runs=list(runs), stats=stats,
                         delta=delta if delta else None))
    return dict(reference=reference,
                reference_label=labels.get(reference, reference),
                has_reference=ref_runs is not None,
                metrics=[list(m) for m in metrics], extra_metrics=extra,
                rows=rows)


def _cell(stat):
    if stat is None:
        return '–'
    if stat['n'] == 1:  # one run: no spread
        return f"{stat['mean']:.1f}"
    return f"{stat['mean']:.1f} ± {stat['std']:.1f}"


def delta_cell(d):
    """``+1.2 ± 0.8*`` (``*``: larger than the noise), ``+1.2 (n/a)`` for
    one pair, ``–`` without a pair."""
    if d is None:
        return '–'
    if d['n'] == 1:
        return f"{d['mean']:+.1f} (n/a)"
    return f"{d['mean']:+.1f} ± {d['std']:.1f}" + (
        MARK if d['beyond_noise'] else '')


def markdown(board, note=''):
    """The table and its legend line (and ``note``)."""
    ref = board['reference_label']
    names = [name for _, name in board['metrics']]
    extra = board.get('extra_metrics', [])
    head = (['method'] + names + [f'Δ{names[0]} vs {ref}']
            + [f'Δ{n}' for n in names[1:]] + [n for _, n in extra] + ['n'])
    lines = ['| ' + ' | '.join(head) + ' |',
             '|---|' + '---|' * (len(head) - 1)]
    for r in board['rows']:
        cells = [_cell(r['stats'].get(m)) for m, _ in board['metrics']]
        if r['key'] == board['reference']:
            cells += ['(reference)'] + ['–'] * (len(names) - 1)
        else:
            cells += [delta_cell((r['delta'] or {}).get(m))
                      for m, _ in board['metrics']]
        cells += [_cell(r['stats'].get(m)) for m, _ in extra]
        lines.append(f"| {r['label']} | " + ' | '.join(cells)
                     + f" | {r['n']} |")
    legend = (f'{" / ".join(names)}: top-1 (%), mean ± sample std (n−1) '
              f'over the n runs. Δ vs {ref}: the paired difference '
              f'(method − {ref} on the same split), mean ± std over the '
              f'pairs; {MARK} larger than the noise: |mean| > '
              't(0.975, pairs−1)·std/√pairs (paired t, 95 %); n/a: one '
              f'pair. A method with one run for all splits is paired '
              f'with each of {ref}\'s runs.')
    if extra:
        legend += (f' {" / ".join(n for _, n in extra)}: the frame-order '
                   'accuracy between each class and its time-reversed twin '
                   '(%, among the clips predicted as the class or its twin; '
                   'an order-invariant model: 50), mean ± std over the '
                   'runs.')
    if not board['has_reference']:
        legend += f' ({ref} is not in this table: no differences.)'
    return '\n'.join(lines) + '\n\n' + legend + (
        '\n\n' + note if note else '') + '\n'


def figure(board, title='Base-to-novel: top-1 (%), mean ± std over splits',
           group='mean over splits'):
    """The chart of ``board`` (a matplotlib figure, legend outside the
    panels): :func:`ga2clip.apis.plots.base_novel_hm_figure`."""
    from ..apis.plots import HM_KEYS, base_novel_hm_figure
    rows = []
    for r in board['rows']:
        row = dict(method=r['label'], split=group)
        for key, (metric, _) in zip(HM_KEYS, board['metrics']):
            stat = r['stats'].get(metric)
            row[key] = stat['mean'] if stat else float('nan')
            row[key + '_std'] = stat['std'] if stat else 0.0
        rows.append(row)
    return base_novel_hm_figure(rows, title)


def write_leaderboard(out_dir, board, runs_by_method, stem='leaderboard',
                      note='', title=None, group='mean over splits',
                      extra=None):
    """Write ``<stem>.md``, ``.csv``, ``.json`` (with ``extra`` and every
    run's metrics under ``methods``) and ``.png`` into ``out_dir``; return
    ``(markdown, {suffix: path})``."""
    os.makedirs(out_dir, exist_ok=True)
    paths = {ext: osp.join(out_dir, f'{stem}.{ext}')
             for ext in ('md', 'csv', 'json', 'png')}
    md = markdown(board, note)
    with open(paths['md'], 'w') as f:
        f.write(md)
    with open(paths['csv'], 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['method', 'label', 'metric', 'mean', 'std', 'n', 'runs',
                    'reference', 'delta_mean', 'delta_std', 'delta_n',
                    'delta_runs', 'beyond_noise'])
        for r in board['rows']:
            for metric, _ in (board['metrics']
                              + board.get('extra_metrics', [])):
                s = r['stats'].get(metric)
                d = (r['delta'] or {}).get(metric)
                w.writerow([
                    r['key'], r['label'], metric,
                    *((f"{s['mean']:.4f}", f"{s['std']:.4f}", s['n'],
                       ' '.join(f'{v:.4f}' for v in s['values']))
                      if s else ('', '', 0, '')),
                    board['reference'] if d else '',
                    *((f"{d['mean']:.4f}", f"{d['std']:.4f}", d['n'],
                       ' '.join(f'{k}={v:.4f}' for k, v in d['runs'].items()),
                       'n/a' if d['beyond_noise'] is None
                       else str(d['beyond_noise']).lower())
                      if d else ('', '', '', '', ''))])
    with open(paths['json'], 'w') as f:
        json.dump(dict(extra or {}, leaderboard=board,
                       methods=runs_by_method), f, indent=1)
    from ..apis.plots import _save
    _save(figure(board, title or ('Base-to-novel: top-1 (%), mean ± std '
                                  'over splits'), group), paths['png'])
    return md, paths


# ------------------------------------------------- tools/run_protocol.py
def run_leaderboard(args):
    """``tools/run_protocol.py <protocol> --methods K1 K2 ...``: the protocol
    for each method in turn (each in its own
    :func:`~ga2clip.protocols.plan.run_dir`, reusing finished runs), then
    the leaderboard in :func:`~ga2clip.protocols.plan.leaderboard_dir`.
    Every method is checked before anything runs; ``--dry-run`` prints the
    commands and the leaderboard's path and writes nothing."""
    from .runner import run_protocol
    if args.protocol not in B2N_PROTOCOLS:
        raise UsageError(f'--methods makes a Base/Novel/HM leaderboard: '
                         f'protocol {", ".join(B2N_PROTOCOLS)}, not '
                         f'{args.protocol} (run --method once per method)')
    entries = []
    for key in args.methods:
        method = resolve_method(key)
        _pattern(method, args.protocol)  # lacks the protocol: UsageError
        if method not in entries:
            entries.append(method)
    try:
        reference = resolve_method(args.reference).key
    except UsageError as exc:
        raise UsageError(f'--reference: {exc}') from None
    out = leaderboard_dir(args)
    runs_by_method, labels = {}, {}
    for i, method in enumerate(entries, 1):
        print(f'== [{i}/{len(entries)}] {method.key}: {method.label} ==',
              flush=True)
        one = copy.copy(args)
        one.method, one.methods = method.key, None
        results = run_protocol(one)
        runs_by_method[method.key] = {name: m for _, name, m in results}
        labels[method.key] = method.label
    files = ', '.join(f'leaderboard.{e}' for e in ('md', 'csv', 'json',
                                                    'png'))
    if args.dry_run:
        print(f'leaderboard: {out}/ ({files})')
        return None
    missing = [k for k, runs in runs_by_method.items() if not runs]
    if missing:
        raise RuntimeError(f'no results for {", ".join(missing)}')
    where = (f'{args.protocol} {args.dataset}' if args.protocol == 'b2n'
             else args.protocol)
    board = leaderboard(runs_by_method, labels, reference,
                        extra_metrics=EXTRA_METRICS.get(args.protocol, ()))
    md, _ = write_leaderboard(
        out, board, runs_by_method,
        title=f'{where}: top-1 (%), mean ± std over splits', group=where,
        extra=dict(protocol=args.protocol, dataset=args.dataset,
                   command_methods=[m.key for m in entries]))
    print('\n' + md)
    print(f'leaderboard: {out}/ ({files})')
    return board
