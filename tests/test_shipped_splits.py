"""The shipped split files and class lists have the published sizes."""
import pytest

from conftest import REPO_ROOT

DATA = REPO_ROOT / 'projects' / 'ga2clip' / 'data'
# dataset: (dir, class-list stem, base, novel, 16-shot clips, base_val, novel_val)
B2N = {
    'k400': ('k400_splits', 'kinetics_400', 200, 200, 3200, 9944, 9933),
    'hmdb': ('hmdb_splits', 'hmdb_51', 26, 25, 416, 780, 750),
    'ucf': ('ucf_splits', 'ucf_101', 51, 50, 816, 2088, 1695),
    'ssv2': ('ssv2_splits', 'ssv2_174', 87, 87, 1392, 17562, 7215),
}


def _lines(path):
    return [ln for ln in path.read_text().splitlines() if ln.strip()]


@pytest.mark.parametrize('name', sorted(B2N))
def test_base_to_novel_sizes(name):
    from ga2clip.datasets import read_class_names, read_video_list
    folder, stem, nb, nn, shots, bval, nval = B2N[name]
    d = DATA / 'base2novel' / folder
    base = read_class_names(str(DATA / 'labels' / f'{stem}_base_labels.csv'))
    novel = read_class_names(str(DATA / 'labels' / f'{stem}_novel_labels.csv'))
    assert (len(base), len(novel)) == (nb, nn)
    assert not set(base) & set(novel)
    for s in (1, 2, 3):
        train = read_video_list(str(d / f'fs_base_s{s}_train.txt'), nb)
        assert len(train) == shots
        per_class = {}
        for _, label, _ in train:
            per_class[label] = per_class.get(label, 0) + 1
        assert set(per_class.values()) == {16} and len(per_class) == nb
    assert len(read_video_list(str(d / 'base_val.txt'), nb)) == bval
    assert len(read_video_list(str(d / 'novel_val.txt'), nn)) == nval


@pytest.mark.parametrize('name,classes,n,evals', [
    ('hmdb', 'hmdb_51_labels.csv', 51, {'val1.txt': 1530}),
    ('ucf', 'ucf_101_labels.csv', 101, {'val1.txt': 3783}),
    ('ssv2', 'ssv2_labels.csv', 174, {'validation.txt': 24777}),
])
def test_few_shot_sizes(name, classes, n, evals):
    from ga2clip.datasets import read_class_names, read_video_list
    assert len(read_class_names(str(DATA / 'labels' / classes))) == n
    for k in (2, 4, 8, 16):
        rows = read_video_list(
            str(DATA / f'{name}_splits' / f'train1_few_shot_{k}.txt'), n)
        assert len(rows) == k * n
    for file, size in evals.items():
        assert len(read_video_list(str(DATA / f'{name}_splits' / file),
                                   n)) == size


def test_zero_shot_and_ga2_files():
    from ga2clip.datasets import read_class_names, read_video_list
    k400 = set(read_class_names(str(DATA / 'labels' /
                                    'kinetics_400_labels.csv')))
    assert len(k400) == 400
    for s, size in ((1, 14084), (2, 13978), (3, 14136)):
        names = read_class_names(str(DATA / 'labels' / f'ZS_split{s}_K600.csv'))
        assert len(names) == 160 and not set(names) & k400
        assert len(read_video_list(
            str(DATA / 'k600_splits' / f'ZS_split{s}_K600_eval.txt'),
            160)) == size
    for file, size in (('val1.txt', 1530), ('val2.txt', 1530),
                       ('val3.txt', 1530)):
        assert len(_lines(DATA / 'hmdb_splits' / file)) == size
    for file, size in (('val1.txt', 3783), ('val2.txt', 3734),
                       ('val3.txt', 3696)):
        assert len(_lines(DATA / 'ucf_splits' / file)) == size
    k100 = read_class_names(str(DATA / 'ga2clip' / 'k600_base_labels.csv'))
    assert len(k100) == 100 and not set(k100) & k400
    assert read_class_names(str(DATA / 'ga2clip' /
                                'gaa_negative_labels.csv')) == ['else']
    anchors = read_video_list(
        str(DATA / 'ga2clip' / 'k600_gaa_anchor_videos.txt'), 1)
    # 4,595 clips (the splits README says 4,594: `wc -l` misses the last
    # line, which has no newline; the same holds for the K600 lists)
    assert len(anchors) == 4595
    assert len(read_video_list(str(DATA / 'k400_splits' / 'val.txt'),
                               400)) == 19877
