"""The leaderboard (ga2clip/protocols/leaderboard.py): Base / Novel / HM
mean ± std over runs, paired differences to IVLP with a t-interval verdict,
the chart's legend outside the panels, and ``tools/run_protocol.py
--methods`` on the real config set and on the synthetic world."""
import csv
import json
import math

import pytest

from conftest import write_finished_runs
from ga2clip.protocols import leaderboard as lb
from ga2clip.protocols import methods
from ga2clip.protocols.cli import main


def _run(b, n):
    return {'base/top1': b, 'novel/top1': n, 'HM': 2 * b * n / (b + n)}


def _runs():
    ivlp = {f's{s}': _run(b, n) for s, b, n in
            ((1, 70.0, 50.0), (2, 72.0, 52.0), (3, 74.0, 48.0))}
    return {
        'clip-zeroshot': {'all_splits': _run(60.0, 56.0)},  # one test run
        'ivlp': ivlp,
        # base +5.0/+5.2/+4.8 over IVLP: a gain far above its spread
        'steady': {s: _run(m['base/top1'] + d, m['novel/top1'] + e)
                   for (s, m), d, e in zip(ivlp.items(), (5.0, 5.2, 4.8),
                                           (4.0, -3.0, 2.0))},
        'one-split': {'s2': _run(80.0, 40.0)},
    }


def test_table_numbers_and_paired_deltas(tmp_path):
    runs = _runs()
    board = lb.leaderboard(runs, {'ivlp': 'IVLP', 'clip-zeroshot': 'ZS'})
    rows = {r['key']: r for r in board['rows']}
    assert [r['key'] for r in board['rows']] == list(runs)
    ivlp = rows['ivlp']
    assert ivlp['delta'] is None and ivlp['n'] == 3
    assert ivlp['stats']['base/top1']['mean'] == pytest.approx(72.0)
    assert ivlp['stats']['base/top1']['std'] == pytest.approx(2.0)  # n-1
    assert ivlp['stats']['novel/top1']['std'] == pytest.approx(2.0)
    hm = [2 * 70 * 50 / 120, 2 * 72 * 52 / 124, 2 * 74 * 48 / 122]
    assert ivlp['stats']['HM']['mean'] == pytest.approx(sum(hm) / 3)

    steady = rows['steady']['delta']
    # base: deltas 5.0, 5.2, 4.8 -> mean 5.0, std 0.2, larger than noise
    base = steady['base/top1']
    assert base['runs'] == pytest.approx({'s1': 5.0, 's2': 5.2, 's3': 4.8})
    assert (base['mean'], base['std'], base['n']) == pytest.approx(
        (5.0, 0.2, 3))
    assert base['half_width'] == pytest.approx(4.303 * 0.2 / math.sqrt(3))
    assert base['beyond_noise'] is True
    # novel: deltas +4, -3, +2 -> mean 1.0, std sqrt(13): within the noise
    novel = steady['novel/top1']
    assert novel['mean'] == pytest.approx(1.0)
    assert novel['std'] == pytest.approx(math.sqrt(13))
    assert novel['beyond_noise'] is False

    # zero-shot: one run, paired with each of IVLP's splits
    zs = rows['clip-zeroshot']
    assert zs['n'] == 1
    zb = zs['delta']['base/top1']
    assert zb['runs'] == pytest.approx({'s1': -10.0, 's2': -12.0,
                                        's3': -14.0})
    assert (zb['mean'], zb['std'], zb['n']) == pytest.approx((-12.0, 2.0, 3))
    assert zb['beyond_noise'] is True
    zn = zs['delta']['novel/top1']  # +6, +4, +8 -> 6 ± 2: beyond noise
    assert zn['mean'] == pytest.approx(6.0) and zn['beyond_noise'] is True

    # one pair: no spread, no verdict
    one = rows['one-split']['delta']['base/top1']
    assert one['n'] == 1 and one['beyond_noise'] is None
    assert one['mean'] == pytest.approx(8.0)

    md = lb.markdown(board, note='a note')
    assert ('| method | Base | Novel | HM | ΔBase vs IVLP | ΔNovel | ΔHM '
            '| n |') in md
    assert '| steady | 77.0 ± 1.9 | 51.0 ± 2.6 |' in md
    assert '+5.0 ± 0.2* | +1.0 ± 3.6 |' in md
    assert '| ZS | 60.0 | 56.0 |' in md
    assert '-12.0 ± 2.0* | +6.0 ± 2.0*' in md
    assert '+8.0 (n/a)' in md
    assert '| IVLP | 72.0 ± 2.0 | 50.0 ± 2.0 |' in md and '(reference)' in md
    assert 'paired t, 95 %' in md and md.rstrip().endswith('a note')

    md2, paths = lb.write_leaderboard(str(tmp_path), board, runs,
                                      extra=dict(splits=[1, 2, 3]))
    assert md2 == md.replace('\n\na note', '')
    table = list(csv.DictReader(open(paths['csv'], newline='')))
    assert len(table) == 3 * len(runs)
    row = [r for r in table if r['method'] == 'steady'
           and r['metric'] == 'base/top1'][0]
    assert float(row['delta_mean']) == pytest.approx(5.0)
    assert row['beyond_noise'] == 'true' and row['delta_n'] == '3'
    assert row['delta_runs'] == 's1=5.0000 s2=5.2000 s3=4.8000'
    data = json.loads(open(paths['json']).read())
    assert data['methods'] == runs and data['splits'] == [1, 2, 3]
    assert data['leaderboard']['reference'] == 'ivlp'
    import matplotlib.image as mpimg
    assert mpimg.imread(paths['png']).shape[0] > 100

    # without the reference in the table: no differences, said so
    alone = lb.markdown(lb.leaderboard({'steady': runs['steady']}))
    assert ('| steady | 77.0 ± 1.9 | 51.0 ± 2.6 | 61.3 ± 1.4 | – | – | – '
            '|') in alone and 'is not in this table' in alone


def test_pairing_over_several_worlds():
    """The demo over world seeds 0 and 1 (runs ``w<k>_s<split>``): a
    test-only run ``w<k>_all_splits`` pairs with the reference runs of its
    own world only, a trained run with the same world and split."""
    ivlp = {'w0_s1': _run(70.0, 50.0), 'w0_s2': _run(72.0, 52.0),
            'w1_s1': _run(60.0, 40.0), 'w1_s2': _run(64.0, 44.0)}
    runs = {
        'clip-zeroshot': {'w0_all_splits': _run(60.0, 56.0),
                          'w1_all_splits': _run(50.0, 46.0)},
        'ivlp': ivlp,
        'other': {'w0_s1': _run(71.0, 50.0), 'w1_s2': _run(66.0, 44.0)},
    }
    rows = {r['key']: r for r in lb.leaderboard(runs)['rows']}
    zs = rows['clip-zeroshot']
    assert zs['n'] == 2 and zs['stats']['base/top1']['values'] == [60, 50]
    # world 0: 60 - 70, 60 - 72; world 1: 50 - 60, 50 - 64
    assert zs['delta']['base/top1']['runs'] == pytest.approx(
        {'w0_s1': -10.0, 'w0_s2': -12.0, 'w1_s1': -10.0, 'w1_s2': -14.0})
    assert zs['delta']['novel/top1']['runs'] == pytest.approx(
        {'w0_s1': 6.0, 'w0_s2': 4.0, 'w1_s1': 6.0, 'w1_s2': 2.0})
    assert zs['delta']['base/top1']['n'] == 4
    other = rows['other']['delta']['base/top1']
    assert other['runs'] == pytest.approx({'w0_s1': 1.0, 'w1_s2': 2.0})


def test_t_quantiles():
    scipy_t = pytest.importorskip('scipy.stats').t
    for df in range(1, 31):
        assert lb.t975(df) == pytest.approx(scipy_t.ppf(0.975, df), abs=1e-3)
    assert lb.t975(40) == 1.96
    with pytest.raises(ValueError):
        lb.t975(0)


def _overlaps(a, b):
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def _check_layout(fig):
    """The legend is outside every axes (and its tick labels); every
    number printed over a bar lies inside its axes."""
    renderer = fig.canvas.get_renderer()
    fig.canvas.draw()
    assert len(fig.legends) == 1 and not any(ax.get_legend()
                                             for ax in fig.axes)
    legend = fig.legends[0].get_window_extent(renderer)
    for ax in fig.axes:
        assert not _overlaps(legend, ax.get_window_extent(renderer))
        assert not _overlaps(legend, ax.get_tightbbox(renderer))
        box = ax.get_window_extent(renderer)
        texts = [t for t in ax.texts]
        assert texts
        for t in texts:
            tb = t.get_window_extent(renderer)
            assert box.y0 <= tb.y0 and tb.y1 <= box.y1, t.get_text()


def test_chart_legend_outside_the_panels():
    import matplotlib.pyplot as plt
    runs = {}
    for i, m in enumerate(methods.demo_methods()):  # 12 long labels
        runs[m.key] = {f's{s}': _run(min(100.0, 90 + i + s), 40.0 + s)
                       for s in (1, 2, 3)}
    board = lb.leaderboard(runs, {m.key: m.label
                                  for m in methods.demo_methods()})
    fig = lb.figure(board)
    _check_layout(fig)
    assert fig.axes[0].get_ylim()[1] > 100  # room above the 100 % bars
    plt.close(fig)
    # tools/plot_results.py's chart (several splits per panel): same layout
    from ga2clip.apis.plots import base_novel_hm_figure
    rows = [dict(method=name, split=f'hmdb51/s{s}', base_top1=95.0 + s,
                 novel_top1=60.0, HM=74.0)
            for name in ('GA2-CLIP', 'IVLP') for s in (1, 2, 3)]
    fig = base_novel_hm_figure(rows)
    _check_layout(fig)
    plt.close(fig)


REAL = ['zero-shot', 'ivlp', 'ga2clip', 'vita-clip', 'msta',
        'atprompt-ivlp', 'atprompt-ga2', 'vifi-ft']


def test_methods_dry_run_on_the_real_config_set(tmp_path, capsys):
    work = tmp_path / 'w'
    assert main(['b2n', '--dataset', 'hmdb51', '--methods', *REAL,
                 '--dry-run', '--work-dir', str(work)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    for key in REAL:
        key = 'clip-zeroshot' if key == 'zero-shot' else key
        for s in (1, 2, 3):
            cfg = f'base2novel/{key}_vit-b16_b2n_hmdb51_s{s}.py'
            tests = [ln for ln in lines if 'tools/test.py' in ln
                     and cfg in ln]
            trains = [ln for ln in lines if 'tools/train.py' in ln
                      and cfg in ln]
            assert len(tests) == 1, (key, s)
            run = work / f'b2n_{key}_hmdb51' / f's{s}'
            assert f'--work-dir {run}/test' in tests[0]
            assert len(trains) == int(key != 'clip-zeroshot'), (key, s)
    assert f'leaderboard: {work}/leaderboard_b2n_hmdb51/' in out
    assert not work.exists()  # a dry run writes nothing


def test_methods_dry_run_on_the_world(tmp_path, capsys):
    work = tmp_path / 'w'
    assert main(['synthetic', '--methods', 'zero-shot', 'ivlp',
                 'ga2clip-official', 'msta', '--dry-run',
                 '--work-dir', str(work), '--cfg-options',
                 'train_cfg.max_epochs=1', 'test_dataloader.batch_size=8']
                ) == 0
    lines = capsys.readouterr().out.splitlines()
    cmds = [ln for ln in lines if ln.startswith('$ ')]
    zs = [ln for ln in cmds if 'clip-zeroshot_synth_b2n.py' in ln]
    assert len(zs) == 1 and 'tools/test.py' in zs[0] and ' none ' in zs[0]
    # a test-only method drops the options only training reads
    assert 'train_cfg' not in zs[0] and 'test_dataloader.batch_size=8' in zs[0]
    assert all('train_cfg.max_epochs=1' in ln for ln in cmds if ln not in zs)
    stage1 = [i for i, ln in enumerate(cmds) if methods.SYNTHETIC_STAGE1
              in ln]
    first_ga2 = min(i for i, ln in enumerate(cmds)
                    if 'ga2clip-official_synth_b2n' in ln)
    assert len(stage1) == 1 and stage1[0] < first_ga2
    hard = f'model.text_head.hard_prompt.path={work}/synthetic_stage1/train'
    for key in ('ivlp', 'ga2clip-official', 'msta'):
        for s in (1, 2, 3):
            train = [ln for ln in cmds if 'tools/train.py' in ln
                     and f'synthetic/{key}_synth_b2n_s{s}.py' in ln]
            assert len(train) == 1 and '--no-validate' in train[0]
            assert (hard in train[0]) == (key == 'ga2clip-official'), key
            assert f'{work}/synthetic_{key}/s{s}/train' in train[0]
    assert f'leaderboard: {work}/leaderboard_synthetic/' in lines[-1]
    assert not work.exists()


def test_methods_leaderboard_from_finished_runs(tmp_path, capsys):
    """The real loop on runs finished earlier (their metrics.json): every
    method's results and the leaderboard are written, nothing trains."""
    work = tmp_path / 'w'
    runs = _runs()
    finished = {'clip-zeroshot': runs['clip-zeroshot'], 'ivlp': runs['ivlp'],
                'ga2clip-official': runs['steady']}
    write_finished_runs(work, 'synthetic', finished)
    assert main(['synthetic', '--methods', 'zero-shot', 'ivlp',
                 'ga2clip-official', '--work-dir', str(work)]) == 0
    out = capsys.readouterr().out
    assert '$ ' not in out  # no command ran (not even stage 1)
    board = work / 'leaderboard_synthetic'
    md = (board / 'leaderboard.md').read_text()
    assert '| GA2-CLIP, official anchors (no-op) | 77.0 ± 1.9 |' in md
    assert '+5.0 ± 0.2*' in md and '-12.0 ± 2.0*' in md
    for ext in ('csv', 'json', 'png'):
        assert (board / f'leaderboard.{ext}').stat().st_size > 100
    assert (work / 'synthetic_ivlp' / 'results.csv').is_file()
    assert json.loads((board / 'leaderboard.json').read_text())[
        'methods']['clip-zeroshot'] == runs['clip-zeroshot']


@pytest.mark.parametrize('argv, words', [
    (['b2n', '--methods', 'ivlp', 'nope'], ["'nope'", 'clip-zeroshot']),
    (['b2n', '--methods', 'ivlp', 'ga2clip-official'],
     ['ga2clip-official', 'no b2n', 'its protocols: synthetic']),
    (['synthetic', '--methods', 'ivlp', 'ga2clip'],
     ['ga2clip', 'no synthetic', 'its protocols: b2n, fewshot, zeroshot']),
    (['fewshot', '--methods', 'ivlp'], ['--methods', 'fewshot']),
    (['b2n', '--methods', 'ivlp', '--reference', 'nope'],
     ['--reference', "'nope'"]),
])
def test_methods_bad_usage(argv, words, tmp_path, capsys):
    assert main(argv + ['--dry-run', '--work-dir', str(tmp_path / 'w')]) \
        == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert len(err.splitlines()) == 1 and err.startswith('error: '), err
    for w in words:
        assert w in err, (w, err)
    assert '$ ' not in captured.out  # checked before anything runs


def test_demo_outputs_come_from_the_leaderboard(tmp_path):
    from ga2clip.apis import demo
    args = demo.parse_args(['--work-dir', str(tmp_path)])
    runs = {'clip-zeroshot': {'all_splits': _run(60.0, 56.0)},
            'ivlp': _runs()['ivlp']}
    labels = {k: methods.get(k).label for k in runs}
    # one folder per protocol: b2n/ and temporal/
    for protocol, folder in (('synthetic', 'b2n'),
                             ('synthetic_temporal', 'temporal')):
        md, paths = demo.write_outputs(args, protocol, runs, labels, 'note')
        out = tmp_path / folder
        assert '| CLIP zero-shot | 60.0 | 56.0 |' in md
        assert '-12.0 ± 2.0*' in md and md.rstrip().endswith('note')
        assert (out / 'results.md').read_text() == md
        rows = list(csv.DictReader(open(out / 'results.csv', newline='')))
        assert {r['method'] for r in rows} == {'clip-zeroshot', 'ivlp'}
        data = json.loads((out / 'results.json').read_text())
        assert data['methods']['ivlp'] == _runs()['ivlp']
        assert data['protocol'] == protocol and data['world_seeds'] == [0]
        assert paths['png'] == str(out / 'results.png')
