"""A one-epoch smoke of the main job (tools/demo.py --quick): tiny world,
split s1, every method through the real tools/run_protocol.py ->
tools/train.py / tools/test.py, then the Base/Novel/HM table and chart."""
import csv
import json
import os
import subprocess
import sys

from conftest import REPO_ROOT
from ga2clip.protocols.methods import demo_methods

# every method of the demo (the one method table)
DEMO = demo_methods()


def test_demo_quick_end_to_end(tmp_path):
    work = tmp_path / 'demo'
    env = dict(os.environ, OMP_NUM_THREADS='1')
    proc = subprocess.run(
        [sys.executable, 'tools/demo.py', '--quick', '--work-dir', str(work)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=900, env=env)
    assert proc.returncode == 0, (proc.stdout[-3000:], proc.stderr[-3000:])
    out = proc.stdout
    # progress is shown, every step done
    steps = len(DEMO) + 3  # world, stage 1, one per method, summary
    assert f'[{steps}/{steps} |' in out and 'summary written' in out, out
    # the table has a row per method with mean ± std of Base, Novel, HM
    assert len(DEMO) == 12
    for label in [m.label for m in DEMO]:
        assert label in out, label
    with open(work / 'results.csv', newline='') as f:
        rows = list(csv.DictReader(f))
    assert {r['method'] for r in rows} == {m.key for m in DEMO}
    for r in rows:
        assert 0.0 <= float(r['mean']) <= 100.0 and r['n'] == '1', r
    # HM is consistent with base and novel of every run
    runs = json.loads((work / 'results.json').read_text())['methods']
    for method, by_split in runs.items():
        for metrics in by_split.values():
            b, n = metrics['base/top1'], metrics['novel/top1']
            hm = 0.0 if b + n == 0 else 2 * b * n / (b + n)
            assert abs(metrics['HM'] - hm) < 1e-3, (method, metrics)
    assert (work / 'results.png').stat().st_size > 1000
    # stage 1 produced the hard prompt used by the GA2 runs
    assert (work / 'stage1' / 'last_checkpoint').is_file()

    # a second run reuses every finished step (resumable, nothing redone)
    proc = subprocess.run(
        [sys.executable, 'tools/demo.py', '--quick', '--work-dir', str(work),
         '--methods', 'ivlp'],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'reusing the synthetic world' in proc.stdout
    assert 'finished earlier' in (work / 'ivlp.log').read_text()
