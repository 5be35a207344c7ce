"""tools/dist_train.sh with 2 CPU processes (gloo, batch 4 each) trains and
evaluates the tiny deterministic config to the result of one process with
batch 8 (the same total batch, the same seed).

Why they can agree: DefaultSampler shuffles with the same seed in both
cases and rank r takes every 2nd index, so each step sees the same 8 (then
4) videos; DDP averages the two ranks' mean gradients, which equals the mean
over the 8 videos when both ranks hold equally many (6 videos each: 4 + 2).

Tolerance: trained weights within 1e-5 (float32 all-reduce sums in another
order), val top-1/top-5/mean class accuracy equal within 1e-6.
"""
import socket

from ga2_runs import max_param_diff, run_tool, single_run, val_metrics
from ga2_runs import PY


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def test_dist_train_two_cpu_processes_matches_single(tiny_video_dataset,
                                                     tmp_path_factory,
                                                     tmp_path):
    cfg, single = single_run(tiny_video_dataset, tmp_path_factory)
    work = tmp_path / 'dist'
    out = run_tool(['bash', 'tools/dist_train.sh', cfg, '2', '--work-dir',
                    work, '--seed', '0', '--cfg-options',
                    'train_dataloader.batch_size=4'],
                   env=dict(PYTHON=PY, PORT=str(_free_port())))
    log = out.stdout + out.stderr
    assert 'Epoch(train) [2][2/2]' in log, log[-3000:]
    diff = max_param_diff(single / 'epoch_2.pth', work / 'epoch_2.pth')
    assert diff <= 1e-5, diff
    a, b = val_metrics(single), val_metrics(work)
    assert sorted(a) == sorted(b) == [1, 2]
    for epoch in (1, 2):
        for key in ('top1', 'top5', 'mean_class_accuracy'):
            assert abs(a[epoch][key] - b[epoch][key]) <= 1e-6, (
                epoch, key, a[epoch][key], b[epoch][key])
    print(f'dist vs single: max |param diff| = {diff:.3g}; val top1 '
          f'{a[2]["top1"]:.4f} vs {b[2]["top1"]:.4f}')
