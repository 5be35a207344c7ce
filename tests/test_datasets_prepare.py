"""tools/data/prepare_videos.py (ga2clip.datasets.prepare) on a fake
HMDB-51 download with one missing and one corrupt video."""
import os

import pytest


@pytest.fixture(scope='module')
def prep():
    from ga2clip.datasets import prepare
    return prepare


def _fake_hmdb(root, video_factory):
    src = root / 'hmdb51_org'
    video_factory(src / 'brush_hair' / 'April_brush_hair_u_nm_np1_ba_goo_0.avi',
                  num_frames=6, size=32, seed=1)
    video_factory(src / 'brush_hair' / '#20_brush_hair_h_nm_np1_ba_goo_1.avi',
                  num_frames=6, size=32, seed=2)
    bad = src / 'cartwheel' / 'Bad_cartwheel_f_cm_np1_le_med_0.avi'
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b'\x00\x01not a video' * 50)
    splits = src / 'testTrainMulti_7030_splits'
    splits.mkdir()
    (splits / 'brush_hair_test_split1.txt').write_text(
        'April_brush_hair_u_nm_np1_ba_goo_0.avi 1 \n'
        '#20_brush_hair_h_nm_np1_ba_goo_1.avi 2 \n')
    (splits / 'cartwheel_test_split1.txt').write_text(
        'Bad_cartwheel_f_cm_np1_le_med_0.avi 1 \n'
        'Gone_cartwheel_f_cm_np1_le_med_1.avi 1 \n')
    return src


def test_prepare_fake_hmdb(prep, tmp_path, video_factory, capsys):
    src = _fake_hmdb(tmp_path, video_factory)
    out = tmp_path / 'data' / 'hmdb51'
    rc = prep.main(['hmdb51', '--src', str(src), '--out', str(out),
                    '--workers', '1'])
    assert rc == 1  # missing/corrupt videos
    ann = out / 'annotations' / 'hmdb51_train_split1.txt'
    # split 1 training videos (code 1), labels of the fixed full list
    assert ann.read_text() == (
        'April_brush_hair_u_nm_np1_ba_goo_0.avi 0\n'
        'Bad_cartwheel_f_cm_np1_le_med_0.avi 1\n'
        'Gone_cartwheel_f_cm_np1_le_med_1.avi 1\n')
    report = (out / 'prepare_report.txt').read_text()
    line = [ln for ln in report.splitlines()
            if ln.startswith(str(ann))][0]
    assert line.endswith('3 listed, 1 missing, 1 corrupt')
    assert '  missing: Gone_cartwheel_f_cm_np1_le_med_1.avi' in report
    assert '  corrupt: Bad_cartwheel_f_cm_np1_le_med_0.avi' in report
    # the flat names of the lists point into the class folders
    link = out / 'videos' / 'April_brush_hair_u_nm_np1_ba_goo_0.avi'
    assert link.is_symlink() and os.path.realpath(link) == os.path.realpath(
        src / 'brush_hair' / 'April_brush_hair_u_nm_np1_ba_goo_0.avi')
    # the shipped lists were checked too (all but our 3 videos missing)
    assert 'hmdb_splits/val1.txt: 1530 listed' in report
    assert 'total:' in capsys.readouterr().out

    # never overwrite without --force
    assert prep.main(['hmdb51', '--src', str(src), '--out', str(out)]) == 2
    assert 'use --force' in capsys.readouterr().err
    before = ann.read_text()
    rc = prep.main(['hmdb51', '--src', str(src), '--out', str(out),
                    '--force', '--lists', str(ann), '--no-decode'])
    assert rc == 1 and ann.read_text() == before
    report = (out / 'prepare_report.txt').read_text()
    assert report.splitlines()[0].endswith(
        '3 listed, 1 missing, decoding not checked')


def test_prepare_usage_errors(prep, tmp_path, capsys):
    assert prep.main(['ucf101', '--src', str(tmp_path / 'nope')]) == 2
    assert 'download root not found' in capsys.readouterr().err
    (tmp_path / 'ucf').mkdir()
    assert prep.main(['ucf101', '--src', str(tmp_path / 'ucf'),
                      '--out', str(tmp_path / 'o')]) == 2
    assert 'trainlist01.txt' in capsys.readouterr().err
