"""A miniature base-to-novel protocol, end to end on CPU: tools/run_protocol.py
runs tools/train.py and tools/test.py (subprocesses) for one split of a
tiny GA2-CLIP (anchors included) on generated videos; one test run reports
base, novel and HM; the runner writes its tables and does not redo a
finished split. (Mean ± std over splits: test_protocol_runner.py.)"""
import csv
import json
import subprocess
import sys

import pytest

from conftest import REPO_ROOT

BASE = ['red square', 'green square']
NOVEL = ['blue square', 'yellow square']
COLORS = {'red square': (0, 0, 255), 'green square': (0, 255, 0),
          'blue square': (255, 0, 0), 'yellow square': (0, 255, 255)}


def _write_world(root, video_factory):
    videos = root / 'videos'
    lists = {'s1': [], 's2': [], 'base_val': [], 'novel_val': [],
             'anchors': []}
    for vocab, names in (('base', BASE), ('novel', NOVEL)):
        for label, name in enumerate(names):
            for i in range(4):
                rel = f'{name.split()[0]}_{i}.mp4'
                video_factory(videos / rel, num_frames=8, size=32,
                              seed=100 * label + i + (50 if vocab == 'novel'
                                                      else 0),
                              color=COLORS[name])
                if vocab == 'novel':
                    if i < 2:
                        lists['novel_val'].append(f'{rel} {label}')
                elif i < 2:
                    lists['base_val'].append(f'{rel} {label}')
                else:
                    lists['s1' if i == 2 else 's2'].append(f'{rel} {label}')
                    lists['s2' if i == 2 else 's1'].append(f'{rel} {label}')
    lists['s1'] = lists['s1'][:3]  # splits differ
    video_factory(videos / 'anchor_0.mp4', num_frames=8, size=32, seed=7,
                  color=(128, 128, 128))
    lists['anchors'] = ['anchor_0.mp4 0']
    for key, rows in lists.items():
        (root / f'{key}.txt').write_text('\n'.join(rows) + '\n')
    for key, names in (('base', BASE), ('novel', NOVEL), ('neg', ['else'])):
        (root / f'{key}.csv').write_text(
            'id,name\n' + ''.join(f'{i},{n}\n' for i, n in enumerate(names)))
    return videos


CONFIG = '''
_base_ = [
    '{repo}/configs/_base_/models/ga2clip_tiny.py',
    '{repo}/configs/_base_/schedules/tiny_2e.py',
    '{repo}/configs/_base_/default_runtime.py',
]
root = '{root}'
meta = ('img_shape', 'vocab', 'is_anchor', 'subset')
train_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=8, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 36)),
    dict(type='RandomResizedCrop'),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='VideoRandomGrayscale', prob=0.2),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', meta_keys=meta),
]
test_pipeline = [
    dict(type='DecordInit'),
    dict(type='UniformSample', clip_len=8, num_clips=1, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 32)),
    dict(type='CenterCrop', crop_size=32),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', meta_keys=meta),
]
def_loader = dict(batch_size=2, num_workers=0, persistent_workers=False)
train_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    batch_sampler=dict(type='AnchorBatchSampler', num_anchors=1),
    dataset=dict(
        type='AnchoredDataset', pipeline=train_pipeline,
        dataset=dict(type='VocabVideoDataset', ann_file=root + '/{split}.txt',
                     class_file=root + '/base.csv', vocab_name='base',
                     data_prefix=dict(video=root + '/videos'), pipeline=[]),
        anchor=dict(type='VocabVideoDataset', ann_file=root + '/anchors.txt',
                    class_file=root + '/neg.csv', vocab_name='anchor',
                    data_prefix=dict(video=root + '/videos'), pipeline=[])))
val_dataloader = None
val_cfg = None
val_evaluator = None
test_dataloader = dict(
    batch_size=4, num_workers=0, persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='VocabConcatDataset', pipeline=test_pipeline,
        datasets=[
            dict(type='VocabVideoDataset', ann_file=root + '/base_val.txt',
                 class_file=root + '/base.csv', vocab_name='base',
                 data_prefix=dict(video=root + '/videos'), test_mode=True,
                 pipeline=[]),
            dict(type='VocabVideoDataset', ann_file=root + '/novel_val.txt',
                 class_file=root + '/novel.csv', vocab_name='novel',
                 data_prefix=dict(video=root + '/videos'), test_mode=True,
                 pipeline=[]),
        ]))
test_evaluator = dict(type='BaseNovelMetric')
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=1, val_interval=1)
default_hooks = dict(logger=dict(interval=1))
'''


@pytest.mark.timeout(600)
def test_miniature_base_to_novel_protocol(tmp_path, video_factory):
    _write_world(tmp_path, video_factory)
    configs = []
    for split in ('s1', ):
        path = tmp_path / f'tiny_b2n_{split}.py'
        path.write_text(CONFIG.format(repo=REPO_ROOT, root=tmp_path,
                                      split=split))
        configs.append(str(path))
    cmd = [sys.executable, str(REPO_ROOT / 'tools' / 'run_protocol.py'),
           'custom', '--configs', *configs, '--name', 'tiny',
           '--work-dir', str(tmp_path / 'work')]
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out_dir = tmp_path / 'work' / 'custom_tiny'
    for split in ('s1', ):
        run = out_dir / f'tiny_b2n_{split}'
        metrics = json.loads((run / 'metrics.json').read_text())
        for key in ('base/top1', 'base/top5', 'novel/top1', 'novel/top5',
                    'HM'):
            assert 0 <= metrics[key] <= 100, metrics
        b, n = metrics['base/top1'], metrics['novel/top1']
        assert metrics['HM'] == pytest.approx(
            0 if b + n == 0 else 2 * b * n / (b + n))
        # 2 base classes, 2 novel: top-5 is clipped to 2 classes -> 100
        assert metrics['base/top5'] == 100 and metrics['novel/top5'] == 100
        test_log = (run / 'test.log').read_text()
        assert 'base/top1' in test_log and 'HM' in test_log
        assert (run / 'train' / 'last_checkpoint').is_file()
        print(f"{split}: base {b:.1f} novel {n:.1f} HM {metrics['HM']:.1f}")
    rows = list(csv.DictReader((out_dir / 'results.csv').open()))
    hm = [r for r in rows if r['metric'] == 'HM'][0]
    assert hm['n'] == '1' and float(hm['std']) == 0
    assert 'mean ± std (n=1)' in (out_dir / 'results.md').read_text()
    # resumable: finished splits are not redone
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.count('finished earlier') == 1
    assert '$ ' not in proc.stdout  # no train/test command was run

    # GA2CLIP_INPROCESS=1: the same train/test tools run inside the
    # protocol runner's process (runpy) -- the same metrics and weights
    import os

    import torch
    env = dict(os.environ, GA2CLIP_INPROCESS='1')
    cmd_in = cmd[:-1] + [str(tmp_path / 'work_in')]
    proc = subprocess.run(cmd_in, cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    run_in = tmp_path / 'work_in' / 'custom_tiny' / 'tiny_b2n_s1'
    assert json.loads((run_in / 'metrics.json').read_text()) == \
        json.loads((out_dir / 'tiny_b2n_s1' / 'metrics.json').read_text())
    assert 'base/top1' in (run_in / 'test.log').read_text()

    def weights(run):
        last = (run / 'train' / 'last_checkpoint').read_text().strip()
        sd = torch.load(last, map_location='cpu', weights_only=False)
        return sd['state_dict']
    a, b = weights(out_dir / 'tiny_b2n_s1'), weights(run_in)
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)
