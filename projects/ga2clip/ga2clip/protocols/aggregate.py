"""Mean ± std over runs (sample standard deviation, n-1) and the result
files of a protocol: ``runs.csv`` (every run's metrics), ``results.csv``
(group, metric, mean, std, n, runs) and ``results.md``. The one place that
writes and reads these files (``tools/run_protocol.py``, the demo, the
plots)."""
import csv
import math
import os
import os.path as osp
from collections import OrderedDict


def mean_std(values):
    """Mean and sample standard deviation (n-1; 0.0 for one value)."""
    n = len(values)
    mean = sum(values) / n
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) \
        if n > 1 else 0.0
    return mean, std


def aggregate(results):
    """results: [(group, run, metrics)] -> {group: {metric: (mean, std, n,
    [values])}} (metrics in first-seen order)."""
    out = OrderedDict()
    for group, _, metrics in results:
        g = out.setdefault(group, OrderedDict())
        for key, value in metrics.items():
            g.setdefault(key, []).append(float(value))
    return OrderedDict(
        (group, OrderedDict((k, (*mean_std(v), len(v), v))
                            for k, v in metrics.items()))
        for group, metrics in out.items())


def write_results(out_dir, results):
    """Write runs.csv, results.csv and results.md of ``results`` ([(group,
    run, metrics)]) into ``out_dir``; return the markdown."""
    os.makedirs(out_dir, exist_ok=True)
    agg = aggregate(results)
    with open(osp.join(out_dir, 'runs.csv'), 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['group', 'run', 'metric', 'value'])
        for group, run, metrics in results:
            for k, v in metrics.items():
                w.writerow([group, run, k, f'{v:.4f}'])
    with open(osp.join(out_dir, 'results.csv'), 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['group', 'metric', 'mean', 'std', 'n', 'runs'])
        for group, metrics in agg.items():
            for k, (mean, std, n, values) in metrics.items():
                w.writerow([group, k, f'{mean:.4f}', f'{std:.4f}', n,
                            ' '.join(f'{v:.4f}' for v in values)])
    lines = []
    for group, metrics in agg.items():
        keys = list(metrics)
        lines.append(f'| {group} | ' + ' | '.join(keys) + ' |')
        lines.append('|---|' + '---|' * len(keys))
        for g, run, m in results:
            if g == group:
                lines.append(f'| {run} | ' + ' | '.join(
                    f'{m[k]:.2f}' if k in m else '-' for k in keys) + ' |')
        lines.append(f'| mean ± std (n={metrics[keys[0]][2]}) | ' + ' | '.join(
            f'{metrics[k][0]:.2f} ± {metrics[k][1]:.2f}' for k in keys) + ' |')
        lines.append('')
    md = '\n'.join(lines)
    with open(osp.join(out_dir, 'results.md'), 'w') as f:
        f.write(md)
    return md


def read_runs(path):
    """{run: {metric: value}} from a ``runs.csv`` written above."""
    runs = {}
    with open(path, newline='') as f:
        for row in csv.DictReader(f):
            runs.setdefault(row['run'], {})[row['metric']] = float(
                row['value'])
    return runs
