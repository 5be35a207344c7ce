"""tools/run_protocol.py (ga2clip.protocols): planning, mean ± std tables,
dry run."""
import csv
import math
from types import SimpleNamespace

import pytest


@pytest.fixture(scope='module')
def runner():
    from ga2clip.protocols.aggregate import mean_std, write_results
    from ga2clip.protocols.cli import main, parse_args
    from ga2clip.protocols.plan import plan_runs
    return SimpleNamespace(mean_std=mean_std, write_results=write_results,
                           main=main, parse_args=parse_args,
                           plan_runs=plan_runs)


def test_mean_std_tables(runner, tmp_path):
    results = [('hmdb51', 's1', {'base/top1': 70.0, 'novel/top1': 50.0,
                                 'HM': 2 * 70 * 50 / 120}),
               ('hmdb51', 's2', {'base/top1': 74.0, 'novel/top1': 54.0,
                                 'HM': 2 * 74 * 54 / 128}),
               ('hmdb51', 's3', {'base/top1': 72.0, 'novel/top1': 58.0,
                                 'HM': 2 * 72 * 58 / 130})]
    md = runner.write_results(str(tmp_path), results)
    rows = {r['metric']: r for r in csv.DictReader(
        (tmp_path / 'results.csv').open())}
    assert float(rows['base/top1']['mean']) == pytest.approx(72.0)
    assert float(rows['base/top1']['std']) == pytest.approx(2.0)  # n-1
    assert float(rows['novel/top1']['std']) == pytest.approx(4.0)
    assert rows['HM']['n'] == '3'
    hm = [2 * 70 * 50 / 120, 2 * 74 * 54 / 128, 2 * 72 * 58 / 130]
    assert float(rows['HM']['mean']) == pytest.approx(sum(hm) / 3, abs=1e-4)
    assert '| mean ± std (n=3) | 72.00 ± 2.00 | 54.00 ± 4.00 |' in md
    assert len(list(csv.reader((tmp_path / 'runs.csv').open()))) == 10
    assert runner.mean_std([5.0]) == (5.0, 0.0)
    assert math.isclose(runner.mean_std([1.0, 3.0])[1], math.sqrt(2))


def test_plans_and_dry_run(runner, capsys):
    args = runner.parse_args(['b2n', '--dataset', 'ssv2', '--splits', '1',
                              '3', '--method', 'ivlp'])
    runs, zs = runner.plan_runs(args)
    assert [r[1] for r in runs] == ['s1', 's3'] and zs is None
    assert runs[0][2].name == 'ivlp_vit-b16_b2n_ssv2_s1.py'
    args = runner.parse_args(['zeroshot', '--dataset', 'k600'])
    runs, zs = runner.plan_runs(args)
    assert [r[1] for r in runs] == ['k600_s1', 'k600_s2', 'k600_s3']
    assert zs.name == 'ga2clip_vit-b16_zs_k400_train.py'
    args = runner.parse_args(['fewshot', '--dataset', 'ucf101', '--shots',
                              '2', '16', '--seeds', '1', '2'])
    runs, _ = runner.plan_runs(args)
    assert [r[1] for r in runs] == ['k2_seed1', 'k2_seed2', 'k16_seed1',
                                    'k16_seed2']
    assert {r[0] for r in runs} == {'ucf101_k2', 'ucf101_k16'}
    assert runner.main(['b2n', '--dataset', 'nope']) == 2
    assert runner.main(['b2n', '--dataset', 'hmdb51', '--splits', '2',
                        '--num-frames', '8', '--dry-run',
                        '--work-dir', '/nonexistent/x']) == 0
    out = capsys.readouterr().out
    assert 'tools/train.py' in out and 'tools/test.py' in out
    assert 'train_dataloader.dataset.num_frames=8' in out
    assert 'test_dataloader.dataset.num_frames=8' in out
    assert runner.main(['b2n', '--method', 'clip-zeroshot', '--dry-run',
                        '--splits', '1']) == 0
    out = capsys.readouterr().out
    assert 'tools/train.py' not in out and ' none ' in out
