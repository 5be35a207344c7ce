"""tools/make_splits.py (ga2clip.datasets.splits): K-shot lists, held-out
validation, new base/novel protocols for a user's own dataset."""
import pytest


@pytest.fixture(scope='module')
def tool():
    from ga2clip.datasets import splits
    return splits


@pytest.fixture
def own_dataset(tmp_path):
    names = [f'action {i}' for i in range(6)]
    (tmp_path / 'classes.csv').write_text(
        'id,name\n' + ''.join(f'{i},"{n}"\n' for i, n in enumerate(names)))
    (tmp_path / 'train.txt').write_text(''.join(
        f'train/c{c}_{i}.mp4 {c}\n' for c in range(6) for i in range(5)))
    (tmp_path / 'test.txt').write_text(''.join(
        f'test/c{c}_{i}.mp4 {c}\n' for c in range(6) for i in range(3)))
    return tmp_path, names


def _rows(path):
    return [ln.rsplit(' ', 1) for ln in path.read_text().splitlines()]


def test_kshot_and_holdout(tool, own_dataset, capsys):
    d, _ = own_dataset
    out = d / 'k2.txt'
    assert tool.main(['kshot', str(d / 'train.txt'), '--k', '2', '--seed',
                      '3', '--out', str(out), '--classes',
                      str(d / 'classes.csv')]) == 0
    rows = _rows(out)
    assert len(rows) == 12
    assert sorted({int(c) for _, c in rows}) == list(range(6))
    assert tool.main(['kshot', str(d / 'train.txt'), '--k', '2',
                      '--out', str(out)]) == 2  # exists
    assert 'use --force' in capsys.readouterr().err
    assert tool.main(['holdout', str(d / 'train.txt'), '--per-class', '1',
                      '--out-train', str(d / 'tr.txt'), '--out-val',
                      str(d / 'va.txt')]) == 0
    tr, va = _rows(d / 'tr.txt'), _rows(d / 'va.txt')
    assert len(tr) == 24 and len(va) == 6
    assert not {p for p, _ in tr} & {p for p, _ in va}


def test_new_base_novel_protocol(tool, own_dataset, tmp_path):
    d, names = own_dataset
    out = tmp_path / 'b2n'
    assert tool.main(['base-novel', '--classes', str(d / 'classes.csv'),
                      '--train', str(d / 'train.txt'), '--test',
                      str(d / 'test.txt'), '--out-dir', str(out), '--k', '2',
                      '--splits', '2', '--seed', '1']) == 0
    from ga2clip.datasets import read_class_names
    base = read_class_names(str(out / 'base_labels.csv'))
    novel = read_class_names(str(out / 'novel_labels.csv'))
    assert len(base) == 3 and len(novel) == 3
    assert sorted(base + novel) == sorted(names)
    for split in (1, 2):
        rows = _rows(out / f'fs_base_s{split}_train.txt')
        assert len(rows) == 6
        for path, label in rows:  # label ids index the base list
            assert base[int(label)] == names[int(path.split('_')[0][7:])]
    assert _rows(out / 'fs_base_s1_train.txt') != _rows(
        out / 'fs_base_s2_train.txt')
    for vocab, file in ((base, 'base_val.txt'), (novel, 'novel_val.txt')):
        rows = _rows(out / file)
        assert len(rows) == 9
        for path, label in rows:
            assert vocab[int(label)] == names[int(path.split('_')[0][6:])]
