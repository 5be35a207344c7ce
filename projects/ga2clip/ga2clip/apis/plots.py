"""Result plots (matplotlib, Agg backend, PNG). Command line:
``tools/plot_results.py`` (see ``docs/inference.md``).

1. Base / Novel / HM per method and split: :func:`plot_base_novel_hm` on
   rows ``{method, split, base_top1, novel_top1, HM}`` (percent). Rows come
   from the protocol runner's CSVs with :func:`rows_from_protocol_csv`
   (``runs.csv``: ``group,run,metric,value``, one row per split;
   ``results.csv``: ``group,metric,mean,std,n,runs``, one row per group with
   the mean) or from your own code.
2. Per-class top-1 accuracy of the base and novel classes:
   :func:`plot_per_class_accuracy` on a ``tools/test.py --dump`` pickle (a
   list of dicts with ``pred_score``, ``gt_label`` and ``vocab``).
3. The most confused novel classes: :func:`plot_confused` (the ``top``
   most frequent ``true -> predicted`` mistakes of one vocabulary).
"""
import csv
import os
import os.path as osp
from collections import Counter, OrderedDict, defaultdict
from typing import Dict, List, Optional, Sequence

import numpy as np

from ..utils.safe_load import UnsafeCheckpointError, load_pickle_data
from .cli import UserError

HM_KEYS = ('base_top1', 'novel_top1', 'HM')
HM_LABELS = ('Base', 'Novel', 'HM')


def _plt():
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    return plt


def _save(fig, out: str, force: bool = True) -> str:
    if osp.exists(out) and not force:
        raise UserError(f'{out} exists; pick another name or add --force')
    folder = osp.dirname(osp.abspath(out))
    os.makedirs(folder, exist_ok=True)
    tmp = osp.join(folder, '.' + osp.basename(out) + '.tmp.png')
    fig.savefig(tmp, dpi=120, bbox_inches='tight')
    _plt().close(fig)
    os.replace(tmp, out)
    return out


# --------------------------------------------------------------- 1. B/N/HM
def rows_from_protocol_csv(path: str, method: Optional[str] = None
                           ) -> List[Dict]:
    """Rows ``{method, split, base_top1, novel_top1, HM}`` from
    ``tools/run_protocol.py``'s ``runs.csv`` (split = ``group/run``, e.g.
    ``hmdb51/s1``) or ``results.csv`` (split = group, the mean over runs,
    with ``*_std``). ``method`` defaults to the name of the folder above
    the protocol folder (``<work-dir>/<protocol>/runs.csv``)."""
    if not osp.isfile(path):
        raise UserError(f'results file not found: {path} (give the runs.csv '
                        'or results.csv written by tools/run_protocol.py)')
    if method is None:
        method = osp.basename(osp.dirname(osp.dirname(osp.abspath(path)))) \
            or 'method'
    with open(path, newline='', encoding='utf-8') as f:
        table = list(csv.DictReader(f))
    if not table:
        raise UserError(f'{path} has no rows')
    header = set(table[0])
    by_split: Dict[str, Dict] = OrderedDict()
    if {'group', 'run', 'metric', 'value'} <= header:
        for r in table:
            by_split.setdefault(f"{r['group']}/{r['run']}", {})[
                r['metric']] = float(r['value'])
    elif {'group', 'metric', 'mean'} <= header:
        for r in table:
            d = by_split.setdefault(r['group'], {})
            d[r['metric']] = float(r['mean'])
            if r.get('std') not in (None, ''):
                d[r['metric'] + '_std'] = float(r['std'])
    else:
        raise UserError(f'{path}: expected the columns group,run,metric,value '
                        '(runs.csv) or group,metric,mean,std (results.csv), '
                        f'got {sorted(header)}')
    rows = []
    for split, m in by_split.items():
        if 'base/top1' not in m or 'novel/top1' not in m:
            continue
        row = dict(method=method, split=split, base_top1=m['base/top1'],
                   novel_top1=m['novel/top1'],
                   HM=m.get('HM', _hm(m['base/top1'], m['novel/top1'])))
        for key, src in zip(HM_KEYS, ('base/top1', 'novel/top1', 'HM')):
            if src + '_std' in m:
                row[key + '_std'] = m[src + '_std']
        rows.append(row)
    if not rows:
        raise UserError(f'{path}: no base/top1 and novel/top1 metrics (is it '
                        'a base-to-novel run?)')
    return rows


def _hm(b, n):
    return 0.0 if b + n == 0 else 2 * b * n / (b + n)


def base_novel_hm_figure(rows: Sequence[Dict],
                         title: str = 'Base-to-novel: top-1 (%)'):
    """The figure of :func:`plot_base_novel_hm` (returned unsaved, drawn:
    for checks of its layout). The legend sits below the panels, outside
    every axes (:func:`legend_below`); the y range leaves room for the
    number above each bar (:func:`fit_bar_labels`)."""
    if not rows:
        raise UserError('no rows to plot')
    for r in rows:
        missing = [k for k in ('method', 'split', *HM_KEYS) if k not in r]
        if missing:
            raise UserError(f'row {r} lacks {missing}')
    plt = _plt()
    methods = list(OrderedDict.fromkeys(r['method'] for r in rows))
    splits = list(OrderedDict.fromkeys(r['split'] for r in rows))
    table = {(r['method'], r['split']): r for r in rows}
    bars_per_panel = len(methods) * len(splits)
    fig, axes = plt.subplots(1, 3, figsize=(
        max(9.0, 3 * (0.3 * bars_per_panel + 0.8)), 3.6), sharey=True)
    width = 0.8 / len(methods)
    x = np.arange(len(splits))
    vertical = bars_per_panel > 6  # narrow bars: numbers written upwards
    colors = ([f'C{i}' for i in range(len(methods))] if len(methods) <= 10
              else [plt.get_cmap('tab20')(i % 20)
                    for i in range(len(methods))])
    labels = []
    for ax, key, label in zip(axes, HM_KEYS, HM_LABELS):
        for i, method in enumerate(methods):
            vals = [table.get((method, s), {}).get(key, np.nan)
                    for s in splits]
            errs = [table.get((method, s), {}).get(key + '_std', 0.0)
                    for s in splits]
            bars = ax.bar(x + (i - (len(methods) - 1) / 2) * width, vals,
                          width, yerr=errs if any(errs) else None,
                          label=method, capsize=2, color=colors[i])
            for bar, v, e in zip(bars, vals, errs):
                if not np.isnan(v):
                    labels.append(ax.annotate(
                        f'{v:.1f}', (bar.get_x() + bar.get_width() / 2,
                                     v + (e or 0.0)),
                        xytext=(0, 2), textcoords='offset points',
                        ha='center', va='bottom', fontsize=7,
                        rotation=90 if vertical else 0))
        ax.set_title(label)
        ax.set_xticks(x)
        ax.set_xticklabels(splits, rotation=30 if len(splits) > 1 else 0,
                           ha='right' if len(splits) > 1 else 'center',
                           fontsize=8)
        ax.set_ylim(0, 100)
        ax.set_yticks(range(0, 101, 20))  # room above 100 is for labels
        ax.grid(axis='y', alpha=0.3)
    axes[0].set_ylabel('top-1 accuracy (%)')
    fig.suptitle(title)
    fit_bar_labels(fig, axes, labels)
    handles, names = axes[0].get_legend_handles_labels()
    legend_below(fig, axes, handles, names)
    return fig


def fit_bar_labels(fig, axes, texts, pad_px: float = 3.0):
    """Raise the (shared) y limit of ``axes`` until every text in
    ``texts`` lies inside its axes, with ``pad_px`` to spare."""
    for _ in range(6):
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        over = 0.0
        for ax in axes:
            box = ax.get_window_extent(renderer)
            for t in texts:
                if t.axes is ax:
                    over = max(over, t.get_window_extent(renderer).y1
                               - box.y1 + pad_px)
        if over <= 0:
            return
        for ax in axes:
            lo, hi = ax.get_ylim()
            height = ax.get_window_extent(renderer).height
            ax.set_ylim(lo, hi + 1.15 * over * (hi - lo) / max(
                height - over, 1.0))


def legend_below(fig, axes, handles, labels, fontsize: int = 8):
    """A figure legend under every axes (and its tick labels), outside
    the panels, in as many columns as the figure's width holds; saving
    with ``bbox_inches='tight'`` keeps it in the picture."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    bottom = min(ax.get_tightbbox(renderer).y0 for ax in axes)
    y = fig.transFigure.inverted().transform((0, bottom))[1] - 0.02
    ncol = len(labels)
    while True:
        legend = fig.legend(handles, labels, loc='upper center',
                            bbox_to_anchor=(0.5, y), ncol=ncol,
                            fontsize=fontsize, frameon=False)
        fig.canvas.draw()
        if ncol == 1 or legend.get_window_extent(
                renderer).width <= fig.bbox.width:
            return legend
        legend.remove()
        ncol -= 1


def plot_base_novel_hm(rows: Sequence[Dict], out: str,
                       title: str = 'Base-to-novel: top-1 (%)',
                       force: bool = True) -> str:
    """Grouped bars: one panel per metric (Base, Novel, HM), one group per
    split, one bar per method (error bars from ``*_std`` when present, the
    value above each bar, the legend below the panels).
    Rows: ``{method, split, base_top1, novel_top1, HM}``."""
    return _save(base_novel_hm_figure(rows, title), out, force)


# ------------------------------------------------------- 2./3. from a dump
def load_dump(path: str) -> List[Dict]:
    """A ``tools/test.py --dump`` pickle as a list of dicts with numpy
    ``score``, int ``label`` and ``vocab`` (anchors dropped)."""
    if not osp.isfile(path):
        raise UserError(f'dump not found: {path} (write one with tools/'
                        'test.py CONFIG CKPT --dump preds.pkl)')
    try:
        raw = load_pickle_data(path, what='dump')
    except UnsafeCheckpointError as err:
        raise UserError(str(err)) from None
    except Exception as err:  # noqa: BLE001
        raise UserError(f'cannot read dump {path}: {type(err).__name__}: '
                        f'{err}') from None
    return normalize_preds(raw, source=path)


def normalize_preds(raw, source='predictions') -> List[Dict]:
    out = []
    for i, d in enumerate(raw):
        if d.get('is_anchor'):
            continue
        if 'pred_score' not in d or 'gt_label' not in d:
            raise UserError(f'{source}: item {i} lacks pred_score/gt_label')
        score = np.asarray(d['pred_score'].cpu() if hasattr(
            d['pred_score'], 'cpu') else d['pred_score'], dtype=float)
        label = np.asarray(d['gt_label'].cpu() if hasattr(
            d['gt_label'], 'cpu') else d['gt_label']).reshape(-1)[0]
        out.append(dict(score=score.reshape(-1), label=int(label),
                        vocab=d.get('vocab') or 'default',
                        filename=d.get('filename')))
    if not out:
        raise UserError(f'{source} holds no predictions')
    return out


def per_class_accuracy(preds: List[Dict]) -> Dict[str, Dict[int, tuple]]:
    """``{vocab: {class id: (top-1 accuracy %, number of videos)}}``."""
    hits = defaultdict(lambda: defaultdict(list))
    for p in preds:
        hits[p['vocab']][p['label']].append(int(np.argmax(p['score'])) ==
                                            p['label'])
    return {v: {c: (100.0 * float(np.mean(h)), len(h))
                for c, h in sorted(cls.items())}
            for v, cls in hits.items()}


def _name(names, vocab, idx):
    lst = (names or {}).get(vocab)
    return lst[idx] if lst and idx < len(lst) else f'class {idx}'


def plot_per_class_accuracy(preds: List[Dict], out: str,
                            class_names: Optional[Dict[str, List[str]]] = None,
                            vocabs: Optional[Sequence[str]] = None,
                            force: bool = True) -> str:
    """One panel per vocabulary (``base`` and ``novel`` first): horizontal
    bars of per-class top-1 accuracy, sorted, with the number of videos."""
    acc = per_class_accuracy(preds)
    order = vocabs or sorted(acc, key=lambda v: (v != 'base', v != 'novel',
                                                 v))
    missing = [v for v in order if v not in acc]
    if missing:
        raise UserError(f'no predictions for vocabulary {missing[0]!r} '
                        f'(have {sorted(acc)})')
    plt = _plt()
    heights = [max(2.0, 0.25 * len(acc[v]) + 1) for v in order]
    fig, axes = plt.subplots(1, len(order), figsize=(6 * len(order),
                                                     max(heights)),
                             squeeze=False)
    for ax, vocab in zip(axes[0], order):
        items = sorted(acc[vocab].items(), key=lambda kv: kv[1][0])
        labels = [f'{_name(class_names, vocab, c)} (n={n})'
                  for c, (_, n) in items]
        vals = [a for _, (a, _) in items]
        ax.barh(range(len(vals)), vals, color='tab:blue' if vocab != 'novel'
                else 'tab:orange')
        ax.set_yticks(range(len(vals)))
        ax.set_yticklabels(labels, fontsize=7)
        ax.set_xlim(0, 100)
        mean = float(np.mean(vals))
        ax.axvline(mean, color='k', ls='--', lw=1)
        ax.set_title(f'{vocab}: per-class top-1 (mean {mean:.1f}%)')
        ax.set_xlabel('top-1 accuracy (%)')
    return _save(fig, out, force)


def confusions(preds: List[Dict], vocab: str = 'novel', top: int = 10
               ) -> List[tuple]:
    """The ``top`` most frequent mistakes of ``vocab``:
    ``[(true id, predicted id, count, % of the true class's videos)]``."""
    sel = [p for p in preds if p['vocab'] == vocab]
    if not sel:
        raise UserError(f'no predictions for vocabulary {vocab!r} (have '
                        f'{sorted({p["vocab"] for p in preds})})')
    per_class = Counter(p['label'] for p in sel)
    pairs = Counter((p['label'], int(np.argmax(p['score']))) for p in sel)
    mistakes = [(t, q, n, 100.0 * n / per_class[t])
                for (t, q), n in pairs.items() if t != q]
    mistakes.sort(key=lambda m: (-m[2], -m[3], m[0], m[1]))
    return mistakes[:top]


def plot_confused(preds: List[Dict], out: str, vocab: str = 'novel',
                  top: int = 10,
                  class_names: Optional[Dict[str, List[str]]] = None,
                  force: bool = True) -> str:
    """Bars of the most frequent ``true -> predicted`` mistakes."""
    worst = confusions(preds, vocab, top)
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, max(2.0, 0.35 * len(worst) + 1)))
    if not worst:
        ax.text(0.5, 0.5, f'no mistakes in {vocab!r}', ha='center')
        ax.axis('off')
    else:
        labels = [f'{_name(class_names, vocab, t)} -> '
                  f'{_name(class_names, vocab, q)}' for t, q, _, _ in worst]
        vals = [rate for _, _, _, rate in worst]
        ax.barh(range(len(worst))[::-1], vals, color='tab:red')
        ax.set_yticks(range(len(worst))[::-1])
        ax.set_yticklabels(labels, fontsize=8)
        for y, (_, _, n, rate) in zip(range(len(worst))[::-1], worst):
            ax.annotate(f' {n} ({rate:.0f}%)', (rate, y), va='center',
                        fontsize=7)
        ax.set_xlim(0, 110)
        ax.set_xlabel('% of the true class\'s videos')
    ax.set_title(f'Most confused {vocab} classes (true -> predicted)')
    return _save(fig, out, force)


# ------------------------------------------------------------------- CLI
def _class_names_arg(items) -> Dict[str, List[str]]:
    from .inference import parse_class_names
    names = {}
    for item in items or []:
        vocab, sep, path = item.partition('=')
        if not sep:
            raise UserError(f'--classes {item!r}: expected VOCAB=FILE, e.g. '
                            'novel=data/labels/hmdb_51_novel_labels.csv')
        names[vocab] = parse_class_names(path)
    return names


def plot_parser():
    import argparse
    p = argparse.ArgumentParser(description='Plots of GA2-CLIP results (PNG)')
    sub = p.add_subparsers(dest='kind', required=True)
    hm = sub.add_parser('hm', help='Base/Novel/HM per method and split')
    hm.add_argument('--csv', nargs='+', required=True, metavar='[METHOD=]CSV',
                    help="tools/run_protocol.py's runs.csv or results.csv, "
                    'optionally named: ga2clip=work/ga2/b2n/runs.csv')
    hm.add_argument('--title', default='Base-to-novel: top-1 (%)')
    for name, helptext in (('per-class', 'per-class top-1 accuracy of the '
                            'base and novel classes'),
                           ('confused', 'the most confused classes of one '
                            'vocabulary (novel by default)')):
        q = sub.add_parser(name, help=helptext)
        q.add_argument('--dump', required=True,
                       help='pickle from tools/test.py --dump')
        q.add_argument('--classes', nargs='+', metavar='VOCAB=FILE',
                       help='class names per vocabulary (id,name csv or one '
                       'name a line), e.g. base=B.csv novel=N.csv')
        if name == 'confused':
            q.add_argument('--vocab', default='novel')
            q.add_argument('--top', type=int, default=10)
    for q in sub.choices.values():
        q.add_argument('--out', required=True, help='output PNG')
        q.add_argument('--force', action='store_true',
                       help='overwrite an existing --out')
    return p


def plot_cli(argv=None) -> int:
    args = plot_parser().parse_args(argv)
    if not args.out.lower().endswith('.png'):
        raise UserError(f'--out {args.out}: must end with .png')
    if osp.exists(args.out) and not args.force:
        raise UserError(f'--out {args.out} exists; pick another name or add '
                        '--force to overwrite it')
    if args.kind == 'hm':
        rows = []
        for item in args.csv:
            method, sep, path = item.rpartition('=')
            rows += rows_from_protocol_csv(path, method if sep else None)
        plot_base_novel_hm(rows, args.out, args.title)
    else:
        preds = load_dump(args.dump)
        names = _class_names_arg(args.classes)
        if args.kind == 'per-class':
            plot_per_class_accuracy(preds, args.out, names)
        else:
            plot_confused(preds, args.out, args.vocab, args.top, names)
    print(f'wrote {args.out}')
    return 0


def main(argv=None) -> int:
    from .cli import _run_guarded
    return _run_guarded(plot_cli, argv)
