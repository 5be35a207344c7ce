"""A one-epoch smoke of the main job (tools/demo.py --quick): tiny world,
split s1, the demo's default methods on both synthetic protocols
(base-to-novel and the temporal split) through the real
tools/run_protocol.py --methods -> tools/train.py / tools/test.py, in one
process, then one Base/Novel/HM table and chart per protocol; and the plan
of --full (every demo method, world seeds 0 1 2) without running it."""
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from conftest import REPO_ROOT
from ga2clip.apis import demo
from ga2clip.protocols.methods import (demo_default_methods,
                                       demo_default_temporal_methods,
                                       demo_methods)

DEFAULT = demo_default_methods()
# the default run's temporal rows: zero-shot, IVLP and the frame-order
# methods of the default set
DEFAULT_T = demo_default_temporal_methods()
ROWS = {'synthetic': DEFAULT, 'synthetic_temporal': DEFAULT_T}
FOLDERS = {'synthetic': 'b2n', 'synthetic_temporal': 'temporal'}


def test_full_plan_is_every_demo_method():
    """--full: every in_demo method, both protocols, world seeds 0 1 2 (one
    world folder each), run names from run_protocol's own plan."""
    args = demo.parse_args(['--full'])
    every = [m.key for m in demo_methods()]
    assert args.methods == every and len(every) == 12
    assert args.world_seeds == [0, 1, 2] and args.splits == [1, 2, 3]
    assert args.protocols == ['synthetic', 'synthetic_temporal']
    assert [demo.world_dir(args, s) for s in (0, 1, 2)] == [
        'data/synthetic/world', 'data/synthetic/world_seed1',
        'data/synthetic/world_seed2']
    units = demo.plan(args)
    for seed in (0, 1, 2):
        mine = [u for u in units if u.world == seed]
        # stage 1 once per world (both protocols share it), first
        assert mine[0].method == 'stage 1' and mine[0].protocol is None
        assert sum(u.method == 'stage 1' for u in mine) == 1
        for protocol in args.protocols:
            runs = [u for u in mine if u.protocol == protocol]
            assert [u.method for u in runs if u.run in ('s1', 'all_splits')
                    ] == every
            assert [u.run for u in runs if u.method == 'clip-zeroshot'] == [
                'all_splits']
            assert [u.run for u in runs if u.method == 'msta'] == [
                's1', 's2', 's3']
            assert not any(u.trains for u in runs
                           if u.method == 'clip-zeroshot')
        argv = demo.protocol_argv(args, seed, 'synthetic_temporal')
        assert argv[:2] == ['synthetic_temporal', '--methods']
        assert argv[2:2 + len(every)] == every
        assert argv[argv.index('--work-dir') + 1].endswith(f'w{seed}')
        # the configs' own epochs: no override unless --epochs / --quick
        assert '--cfg-options' not in argv
    assert len(units) == 3 * (1 + 2 * (1 + 11 * 3))
    # the default run: demo_default methods, world seed 0
    args = demo.parse_args([])
    assert args.methods == [m.key for m in DEFAULT]
    assert [m.key for m in DEFAULT_T] == [
        'clip-zeroshot', 'ivlp', 'vita-clip', 'msta']
    assert demo.protocol_methods(args, 'synthetic') == args.methods
    assert demo.protocol_methods(args, 'synthetic_temporal') == [
        m.key for m in DEFAULT_T]
    assert args.world_seeds == [0] and len(demo.plan(args)) == 1 + (
        1 + 7 * 3) + (1 + 3 * 3)
    # methods the user names run on both protocols
    named = demo.parse_args(['--methods', 'ivlp', 'atprompt-ivlp'])
    assert demo.protocol_methods(named, 'synthetic_temporal') == [
        'ivlp', 'atprompt-ivlp']
    # --quick: split 1 and one epoch
    argv = demo.protocol_argv(demo.parse_args(['--quick']), 0, 'synthetic')
    assert argv[argv.index('--splits') + 1:][:2] == ['1', '--work-dir']
    assert argv[-2:] == ['--cfg-options', 'train_cfg.max_epochs=1']


def _table(md):
    """The markdown table of a leaderboard (without legend and note)."""
    return md.split('\n\n')[0]


@pytest.fixture
def short_tmp():
    """A temporary folder with a short path. The Runner formats its config
    with yapf (mmengine's ``Config.pretty_text``, for the log and the dump)
    at every train and test, and yapf's time grows steeply with the line
    length: with the world's absolute path under pytest's deep
    ``tmp_path`` one format took 0.9 s instead of 0.07 s (measured on
    ivlp_synth_b2n_s1.py) and this test 250 s instead of 64 s."""
    path = Path(tempfile.mkdtemp(prefix='ga2demo'))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_demo_quick_end_to_end(short_tmp):
    work = short_tmp / 'demo'
    env = dict(os.environ, OMP_NUM_THREADS='1')
    env.pop('GA2CLIP_INPROCESS', None)  # the demo's own default: in-process
    cmd = [sys.executable, 'tools/demo.py', '--quick', '--work-dir',
           str(work)]
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=900, env=env)
    assert proc.returncode == 0, (proc.stdout[-3000:], proc.stderr[-3000:])
    out = proc.stdout
    assert 'in-process: True' in out.splitlines()[0]
    assert 'Logging error' not in out + proc.stderr
    # a progress line per run (stage 1 + per protocol: zero-shot's one
    # test-only run + one s1 run of each trained method), ETA included
    total = 1 + len(DEFAULT) + len(DEFAULT_T)
    progress = re.findall(r'^\[(\d+)/(\d+) \| (\d+)s elapsed \| ETA '
                          r'(\d+s|\?)\] (.*)$', out, re.M)
    assert [int(k) for k, *_ in progress] == list(range(1, total + 1))
    assert all(int(n) == total for _, n, *_ in progress)
    assert progress[-1][3] == '0s' and 'summary written' in out
    assert 'stage 1' in progress[0][4]
    for protocol in FOLDERS:
        for m in ROWS[protocol]:
            run = 'all_splits' if m.key == 'clip-zeroshot' else 's1'
            lines = [p[4] for p in progress
                     if p[4].startswith(f'{m.key} {protocol} {run}: base ')]
            assert len(lines) == 1, (m.key, protocol, out)
            assert re.search(r'novel [\d.]+  HM [\d.]+$', lines[0])

    first = {}
    for protocol, folder in FOLDERS.items():
        board = work / folder
        # the table has a row per method with Base, Novel, HM (one run)
        with open(board / 'results.csv', newline='') as f:
            rows = list(csv.DictReader(f))
        assert list(dict.fromkeys(r['method'] for r in rows)) == [
            m.key for m in ROWS[protocol]]
        assert {'base/top1', 'novel/top1', 'HM'} <= {r['metric'] for r in rows}
        for r in rows:
            assert 0.0 <= float(r['mean']) <= 100.0 and r['n'] == '1', r
        md = (board / 'results.md').read_text()
        for m in ROWS[protocol]:
            assert f'| {m.label} |' in md and m.label in out, m.label
        # HM is consistent with base and novel of every run
        data = json.loads((board / 'results.json').read_text())
        assert data['protocol'] == protocol and data['world_seeds'] == [0]
        runs = data['methods']
        assert set(runs) == {m.key for m in ROWS[protocol]}
        for method, by_split in runs.items():
            for metrics in by_split.values():
                b, n = metrics['base/top1'], metrics['novel/top1']
                hm = 0.0 if b + n == 0 else 2 * b * n / (b + n)
                assert abs(metrics['HM'] - hm) < 1e-3, (method, metrics)
        assert (board / 'results.png').stat().st_size > 1000
        # the same code as run_protocol --methods: its leaderboard of the
        # world is the demo's table, run for run
        per_world = work / 'w0' / f'leaderboard_{protocol}'
        assert _table(md) == _table((per_world / 'leaderboard.md')
                                    .read_text())
        assert json.loads((per_world / 'leaderboard.json').read_text())[
            'methods'] == runs
        first[protocol] = runs
    # the two protocols test different clips and classes
    assert first['synthetic']['clip-zeroshot'] != \
        first['synthetic_temporal']['clip-zeroshot']
    # stage 1 once, shared by both protocols; its prompt in every GA2 run
    stage1 = json.loads((work / 'w0' / 'synthetic_stage1' / 'stage1.json')
                        .read_text())['checkpoint']
    assert not (work / 'w0' / 'synthetic_temporal_stage1').exists()
    for protocol in FOLDERS:
        log = (work / 'w0' / f'{protocol}.log').read_text()
        trains = [ln for ln in log.splitlines() if 'tools/train.py' in ln]
        assert len(trains) == len(ROWS[protocol]) - 1
        for ln in trains:
            ga2 = 'ga2clip-' in ln
            assert (f'hard_prompt.path={stage1}' in ln) == ga2, ln

    # a second run reuses every finished step (resumable, nothing redone)
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert 'reusing the synthetic world' in out
    progress = re.findall(r'^\[\d+/\d+ \| .*\] (.*)$', out, re.M)
    assert len(progress) == total
    assert all('finished earlier, reused' in p for p in progress), out
    for protocol, folder in FOLDERS.items():
        data = json.loads((work / folder / 'results.json').read_text())
        assert data['methods'] == first[protocol]
