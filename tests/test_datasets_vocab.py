"""Class-list / video-list parsing, vocabulary datasets, anchors, pipelines."""
import re

import numpy as np
import pytest

from conftest import REPO_ROOT

DATA = REPO_ROOT / 'projects' / 'ga2clip' / 'data'


@pytest.fixture(scope='module')
def registry():
    import ga2clip  # noqa: F401
    from mmaction.registry import DATASETS
    from mmengine.registry import init_default_scope
    init_default_scope('mmaction')
    return DATASETS


def test_ssv2_csv_quoting_and_placeholders(tmp_path):
    from ga2clip.datasets import prompt_name, read_class_names
    csv_file = tmp_path / 'ssv2.csv'
    csv_file.write_bytes(
        b'id,name\r\n0,"Laying something on the table on its side, not '
        b'upright"\r\n1,"Pushing [something] from left to right"\r\n'
        b'2,Holding something\r\n')
    names = read_class_names(str(csv_file))
    assert names == [
        'Laying something on the table on its side, not upright',
        'Pushing something from left to right', 'Holding something'
    ]
    assert read_class_names(str(csv_file), strip_brackets=False)[1] == \
        'Pushing [something] from left to right'
    assert prompt_name('  Putting [something]  onto [something] ') == \
        'Putting something onto something'
    # the shipped SSv2 list: 174 names, 12 with commas, none bracketed
    full = read_class_names(str(DATA / 'labels' / 'ssv2_labels.csv'))
    assert len(full) == 174
    assert sum(',' in n for n in full) == 12
    assert not any('[' in n for n in full)


def test_class_list_errors(tmp_path):
    from ga2clip.datasets import read_class_names
    dup = tmp_path / 'dup.csv'
    dup.write_text('id,name\n0,run\n1,jump\n2,run\n')
    with pytest.raises(ValueError, match=r'dup\.csv: duplicate class name'):
        read_class_names(str(dup))
    gap = tmp_path / 'gap.csv'
    gap.write_text('id,name\n0,run\n2,jump\n')
    with pytest.raises(ValueError, match=r'gap\.csv:3: class id'):
        read_class_names(str(gap))
    with pytest.raises(FileNotFoundError, match='nope.csv'):
        read_class_names(str(tmp_path / 'nope.csv'))


def test_video_list_label_out_of_range(tmp_path, registry):
    classes = tmp_path / 'c.csv'
    classes.write_text('id,name\n0,run\n1,jump\n')
    ann = tmp_path / 'ann.txt'
    ann.write_text('a.mp4 0\nsub dir/b.mp4 1\n\nc.mp4 2\n')
    cfg = dict(type='VocabVideoDataset', ann_file=str(ann),
               class_file=str(classes), pipeline=[])
    with pytest.raises(ValueError) as info:
        registry.build(cfg)
    msg = str(info.value)
    assert 'ann.txt:4' in msg and 'label 2' in msg and 'c.csv' in msg
    assert '\n' not in msg
    ann.write_text('a.mp4 0\nsub dir/b.mp4 1\n')
    ds = registry.build(cfg)
    assert [ds.get_data_info(i)['filename'] for i in range(len(ds))] == [
        'a.mp4', 'sub dir/b.mp4']
    with pytest.raises(FileNotFoundError, match='missing.txt'):
        registry.build(dict(cfg, ann_file=str(tmp_path / 'missing.txt')))
    with pytest.raises(FileNotFoundError, match='missing.csv'):
        registry.build(dict(cfg, class_file=str(tmp_path / 'missing.csv')))


def test_video_list_official_comma_form(tmp_path, registry):
    """The authors' K400 lists write ``path, label``: the comma is a
    separator, also without the space; a video whose name really ends in a
    comma is kept when only that file exists under the video root."""
    from ga2clip.datasets import read_video_list
    classes = tmp_path / 'c.csv'
    classes.write_text('id,name\n0,run\n1,jump\n')
    root = tmp_path / 'videos'
    root.mkdir()
    for name in ('0wR5jVB-WPk.mp4', 'b c.mp4', 'odd.mp4,', 'both.mp4',
                 'both.mp4,'):
        (root / name).write_bytes(b'')
    ann = tmp_path / 'k400_val_new.txt'
    ann.write_text('0wR5jVB-WPk.mp4, 1\nb c.mp4,0\nodd.mp4, 1\n'
                   'both.mp4, 0\nplain.mp4 1\n')
    ds = registry.build(dict(
        type='VocabVideoDataset', ann_file=str(ann), class_file=str(classes),
        data_prefix=dict(video=str(root)), pipeline=[]))
    infos = [ds.get_data_info(i) for i in range(len(ds))]
    assert [(i['filename'], i['label']) for i in infos] == [
        (str(root / '0wR5jVB-WPk.mp4'), 1), (str(root / 'b c.mp4'), 0),
        (str(root / 'odd.mp4,'), 1), (str(root / 'both.mp4'), 0),
        (str(root / 'plain.mp4'), 1)]
    # without a root (tools reading lists) the comma is a separator
    assert [rel for rel, _, _ in read_video_list(str(ann))] == [
        '0wR5jVB-WPk.mp4', 'b c.mp4', 'odd.mp4', 'both.mp4', 'plain.mp4']
    # tools/infer.py list files: the label is dropped the same way
    from ga2clip.apis.inference import _read_video_list
    listed = root / 'list.txt'
    listed.write_text(ann.read_text())
    assert _read_video_list(str(listed)) == [str(root / n) for n in (
        '0wR5jVB-WPk.mp4', 'b c.mp4', 'odd.mp4,', 'both.mp4', 'plain.mp4')]
    ann.write_text('a.mp4, x\n')
    with pytest.raises(ValueError, match='k400_val_new.txt:1') as info:
        read_video_list(str(ann))
    assert '<relative path>, <label id>' in str(info.value)


def _b2n_cfg(joint=None, fixed='_fixed'):
    splits = DATA / 'base2novel' / 'hmdb_splits'
    return dict(
        type='VocabConcatDataset', joint_vocab=joint, datasets=[
            dict(type='VocabVideoDataset', vocab_name='base', pipeline=[],
                 ann_file=str(splits / 'base_val.txt'),
                 class_file=str(DATA / 'labels' /
                                f'hmdb_51_base_labels{fixed}.csv')),
            dict(type='VocabVideoDataset', vocab_name='novel', pipeline=[],
                 ann_file=str(splits / 'novel_val.txt'),
                 class_file=str(DATA / 'labels' /
                                f'hmdb_51_novel_labels{fixed}.csv')),
        ])


def _hmdb_name_ok(filename, name):
    # HMDB file names embed the class folder name: ..._brush_hair_u_nm_...
    return f'_{name.replace(" ", "_")}_' in filename


def test_vocabulary_alignment_base_novel(registry):
    """Label ids index the right list: every HMDB file name contains the
    name its label points to, in its own vocabulary."""
    ds = registry.build(_b2n_cfg())
    vocabs = ds.vocabularies
    assert set(vocabs) == {'base', 'novel'}
    assert (len(vocabs['base']), len(vocabs['novel'])) == (26, 25)
    assert len(ds) == 780 + 750
    counts = {'base': 0, 'novel': 0}
    for i in range(len(ds)):
        info = ds.get_data_info(i)
        name = vocabs[info['vocab']][info['label']]
        assert _hmdb_name_ok(info['filename'], name), (info, name)
        counts[info['vocab']] += 1
    assert counts == {'base': 780, 'novel': 750}


def test_upstream_hmdb_names_are_swapped(registry):
    """The upstream (ViFi-CLIP) HMDB class lists name two pairs of ids the
    wrong way round: 'kick'/'kick ball' and 'sword'/'sword exercise'; the
    `_fixed` lists swap them back. Nothing else differs."""
    ds = registry.build(_b2n_cfg(fixed=''))
    wrong = {}
    for i in range(len(ds)):
        info = ds.get_data_info(i)
        name = ds.vocabularies[info['vocab']][info['label']]
        if not _hmdb_name_ok(info['filename'], name):
            wrong[name] = wrong.get(name, 0) + 1
    assert wrong == {'sword exercise': 30, 'kick ball': 30}  # + their pairs


def test_joint_vocabulary(registry):
    ds = registry.build(_b2n_cfg(joint='all'))
    assert len(ds) == 2 * (780 + 750)
    joint = ds.vocabularies['all']
    assert joint == ds.vocabularies['base'] + ds.vocabularies['novel']
    for i in (0, 1529, 1530, 2400, 3059):
        info = ds.get_data_info(i)
        vocab = ds.vocabularies[info['vocab']]
        assert _hmdb_name_ok(info['filename'], vocab[info['label']])
    info = ds.get_data_info(1530 + 780)
    assert info['vocab'] == 'all' and info['subset'] == 'novel'
    assert info['label'] >= 26


def _infos(ds):
    return [ds.get_data_info(i) for i in range(len(ds))]


def test_remap_exclude_kshot_holdout(tmp_path, registry):
    full = tmp_path / 'full.csv'
    full.write_text('id,name\n0,a\n1,b\n2,c\n3,d\n')
    base = tmp_path / 'base.csv'
    base.write_text('id,name\n0,d\n1,b\n')
    ann = tmp_path / 'train.txt'
    ann.write_text(''.join(f'v{c}_{i}.mp4 {c}\n' for c in range(4)
                           for i in range(10)))
    train = tmp_path / 'fs.txt'
    train.write_text('v3_0.mp4 0\nv1_0.mp4 1\n')
    cfg = dict(type='VocabVideoDataset', ann_file=str(ann),
               class_file=str(base), source_class_file=str(full),
               vocab_name='base', pipeline=[])
    ds = registry.build(cfg)
    assert len(ds) == 20
    for d in _infos(ds):  # 'd' (source 3) -> 0, 'b' (source 1) -> 1
        assert d['label'] == {'3': 0, '1': 1}[d['filename'][1]]
    ds = registry.build(dict(cfg, exclude_ann_files=[str(train)]))
    assert len(ds) == 18
    held = registry.build(dict(cfg, exclude_ann_files=[str(train)],
                               holdout=dict(per_class=3, seed=5)))
    rest = registry.build(dict(cfg, exclude_ann_files=[str(train)],
                               holdout=dict(per_class=3, seed=5,
                                            part='rest')))
    held_files = {d['filename'] for d in _infos(held)}
    rest_files = {d['filename'] for d in _infos(rest)}
    assert len(held_files) == 6 and len(rest_files) == 12
    assert not held_files & rest_files
    shot = registry.build(dict(cfg, k_shot=dict(k=4, seed=1)))
    again = registry.build(dict(cfg, k_shot=dict(k=4, seed=1)))
    other = registry.build(dict(cfg, k_shot=dict(k=4, seed=2)))
    files = [d['filename'] for d in _infos(shot)]
    assert len(files) == 8
    assert files == [d['filename'] for d in _infos(again)]
    assert files != [d['filename'] for d in _infos(other)]


def test_kshot_sampler_and_class_split():
    from ga2clip.datasets import KShotSampler, split_classes
    labels = [0] * 5 + [1] * 2 + [2] * 7
    keep = KShotSampler(k=3, seed=0).sample(labels)
    got = [labels[i] for i in keep]
    assert got.count(0) == 3 and got.count(1) == 2 and got.count(2) == 3
    with pytest.raises(ValueError, match='class 1'):
        KShotSampler(k=3, strict=True).sample(labels)
    # a class's draw does not depend on the other classes
    keep2 = KShotSampler(k=3, seed=0).sample(labels[:5] + [9] * 4)
    assert [i for i in keep if i < 5] == [i for i in keep2 if i < 5]
    base, novel = split_classes(10, 5, seed=3)
    assert sorted(base + novel) == list(range(10)) and len(base) == 5
    assert split_classes(10, 5, seed=3) == (base, novel)


def test_configure_pipeline():
    from ga2clip.datasets import configure_pipeline
    pipe = [dict(type='DecordInit'),
            dict(type='UniformSample', clip_len=32, num_clips=1,
                 test_mode=True),
            dict(type='Resize', scale=(-1, 256)),
            dict(type='CenterCrop', crop_size=224)]
    out = configure_pipeline(pipe, num_frames=8, num_clips=4, num_crops=3)
    assert out[1]['clip_len'] == 8 and out[1]['num_clips'] == 4
    assert out[3] == dict(type='ThreeCrop', crop_size=224)
    assert out[2]['scale'] == (-1, 224)
    assert pipe[1]['clip_len'] == 32  # the input is not modified
    with pytest.raises(ValueError):
        configure_pipeline(pipe, num_crops=2)


def _pipeline(frames=4):
    return [
        dict(type='DecordInit'),
        dict(type='UniformSample', clip_len=frames, num_clips=1),
        dict(type='DecordDecode'),
        dict(type='Resize', scale=(-1, 40)),
        dict(type='RandomResizedCrop'),
        dict(type='Resize', scale=(24, 24), keep_ratio=False),
        dict(type='Flip', flip_ratio=0.5),
        dict(type='VideoRandomGrayscale', prob=1.0),
        dict(type='FormatShape', input_format='NCTHW'),
        dict(type='PackActionInputs', meta_keys=('img_shape', 'vocab',
                                                 'is_anchor', 'subset')),
    ]


def test_anchored_dataset_and_batch_sampler(tiny_video_dataset, tmp_path,
                                            registry):
    from mmengine.dataset import DefaultSampler
    from mmaction.registry import DATA_SAMPLERS
    tv = tiny_video_dataset
    anchor_ann = tmp_path / 'anchors.txt'
    anchor_ann.write_text('c0_0.mp4 0\nc1_0.mp4 0\nc2_0.mp4 0\n')
    anchor_cls = tmp_path / 'neg.csv'
    anchor_cls.write_text('id,name\r\n0,else\r\n')
    ds = registry.build(dict(
        type='AnchoredDataset', pipeline=_pipeline(), num_frames=3,
        dataset=dict(type='VocabVideoDataset', ann_file=str(tv['ann']),
                     class_file=str(tv['classes']), vocab_name='base',
                     data_prefix=dict(video=str(tv['video_root'])),
                     pipeline=[]),
        anchor=dict(type='VocabVideoDataset', ann_file=str(anchor_ann),
                    class_file=str(anchor_cls), vocab_name='anchor',
                    data_prefix=dict(video=str(tv['video_root'])),
                    pipeline=[])))
    assert len(ds) == 12 and ds.num_anchor_samples == 3
    assert ds.vocabularies == {'base': tv['names'], 'anchor': ['else']}
    sampler = DefaultSampler(ds, shuffle=True, seed=7)
    bs = DATA_SAMPLERS.build(dict(type='AnchorBatchSampler', num_anchors=2),
                             default_args=dict(sampler=sampler,
                                               batch_size=5))
    batches = list(bs)
    assert len(batches) == len(bs) == 3
    assert [len(b) for b in batches] == [7, 7, 4]
    main = sorted(i for b in batches for i in b[:-2])
    assert main == list(range(12))
    assert all(12 <= i < 15 for b in batches for i in b[-2:])
    assert batches == list(bs)  # same epoch: same anchors
    sampler.set_epoch(1)
    assert [b[-2:] for b in batches] != [b[-2:] for b in list(bs)]
    main_item, anchor_item = ds[0], ds[12]
    assert main_item['inputs'].shape == (1, 3, 3, 24, 24)
    assert anchor_item['data_samples'].metainfo['is_anchor'] is True
    assert anchor_item['data_samples'].metainfo['vocab'] == 'anchor'
    assert int(anchor_item['data_samples'].gt_label) == 0
    meta = main_item['data_samples'].metainfo
    assert meta['is_anchor'] is False and meta['vocab'] == 'base'
    x = main_item['inputs'][0]  # C, T, H, W; grayscale: channels equal
    assert (x[0] == x[1]).all() and (x[1] == x[2]).all()
    with pytest.raises(TypeError, match='AnchoredDataset'):
        DATA_SAMPLERS.build(
            dict(type='AnchorBatchSampler'),
            default_args=dict(sampler=DefaultSampler(ds.dataset),
                              batch_size=2))


def test_anchored_dataset_flat_form_equals_nested(tiny_video_dataset,
                                                  tmp_path, registry):
    """AnchoredDataset(anchor=..., **VocabVideoDataset args), the form the
    configs merge into their base's training set, builds the same main and
    anchor samples as the nested dataset=dict(...) form."""
    from mmengine.dataset import DefaultSampler
    from mmaction.registry import DATA_SAMPLERS
    tv = tiny_video_dataset
    anchor_ann = tmp_path / 'anchors.txt'
    anchor_ann.write_text('c0_0.mp4 0\nc1_0.mp4 0\nc2_0.mp4 0\n')
    anchor_cls = tmp_path / 'neg.csv'
    anchor_cls.write_text('id,name\r\n0,else\r\n')
    main = dict(ann_file=str(tv['ann']), class_file=str(tv['classes']),
                vocab_name='base',
                data_prefix=dict(video=str(tv['video_root'])))
    anchor = dict(type='VocabVideoDataset', ann_file=str(anchor_ann),
                  class_file=str(anchor_cls), vocab_name='anchor',
                  data_prefix=dict(video=str(tv['video_root'])), pipeline=[])
    nested = registry.build(dict(
        type='AnchoredDataset', pipeline=_pipeline(), num_frames=3,
        dataset=dict(type='VocabVideoDataset', pipeline=[], **main),
        anchor=anchor))
    flat = registry.build(dict(
        type='AnchoredDataset', pipeline=_pipeline(), num_frames=3,
        anchor=anchor, **main))
    assert type(flat.dataset).__name__ == 'VocabVideoDataset'
    assert len(flat) == len(nested) == 12
    assert flat.num_anchor_samples == nested.num_anchor_samples == 3
    assert flat.vocabularies == nested.vocabularies
    keys = ('filename', 'label', 'vocab', 'is_anchor')
    for idx in range(15):  # 12 main then 3 anchor indices
        a, b = flat.get_data_info(idx), nested.get_data_info(idx)
        assert [a[k] for k in keys] == [b[k] for k in keys], idx
        assert a['is_anchor'] is (idx >= 12)
    batches = []
    for ds in (flat, nested):
        bs = DATA_SAMPLERS.build(
            dict(type='AnchorBatchSampler', num_anchors=2),
            default_args=dict(sampler=DefaultSampler(ds, shuffle=True,
                                                     seed=3), batch_size=5))
        batches.append(list(bs))
    assert batches[0] == batches[1]
    for idx in (0, 13):  # the pipeline and num_frames reach both sets
        a, b = flat[idx], nested[idx]
        assert a['inputs'].shape == b['inputs'].shape == (1, 3, 3, 24, 24)
        assert (a['data_samples'].metainfo['is_anchor']
                is b['data_samples'].metainfo['is_anchor'] is (idx >= 12))
    with pytest.raises(TypeError, match='keep one form'):
        registry.build(dict(type='AnchoredDataset', anchor=anchor,
                            dataset=dict(type='VocabVideoDataset',
                                         pipeline=[], **main), **main))
    with pytest.raises(TypeError, match='needs the main dataset'):
        registry.build(dict(type='AnchoredDataset', anchor=anchor))
    with pytest.raises(TypeError, match='needs anchor='):
        registry.build(dict(type='AnchoredDataset', pipeline=[], **main))


def test_multiview_test_pipeline(tiny_video_dataset, registry):
    tv = tiny_video_dataset
    pipe = [dict(type='DecordInit'),
            dict(type='UniformSample', clip_len=8, num_clips=1,
                 test_mode=True),
            dict(type='DecordDecode'),
            dict(type='Resize', scale=(-1, 28)),
            dict(type='CenterCrop', crop_size=24),
            dict(type='FormatShape', input_format='NCTHW'),
            dict(type='PackActionInputs', meta_keys=('vocab', 'is_anchor'))]
    ds = registry.build(dict(
        type='VocabConcatDataset', pipeline=pipe, num_frames=2, num_clips=2,
        num_crops=3, datasets=[dict(
            type='VocabVideoDataset', ann_file=str(tv['ann']),
            class_file=str(tv['classes']), vocab_name='novel',
            test_mode=True, data_prefix=dict(video=str(tv['video_root'])),
            pipeline=[])]))
    item = ds[5]
    assert item['inputs'].shape == (6, 3, 2, 24, 24)  # 2 clips x 3 crops
    assert item['data_samples'].metainfo['vocab'] == 'novel'
    assert re.match(r'.*c1_1\.mp4$', ds.get_data_info(5)['filename'])
    assert np.isfinite(item['inputs'].float().numpy()).all()
