"""One reader of the ``id,name`` class-list format: a csv with a UTF-8
byte-order mark (as Excel writes it), with or without its header, works as
a dataset's ``class_file``, as ``tools/infer.py --classes`` and as
``--cfg-options model.vocabularies.default=classes.csv``."""
import json

import pytest

from conftest import write_smoke_config

NAMES = ['red square', 'green square', 'blue square']


def _csv(path, header=True, bom=True):
    text = ('id,name\n' if header else '') + ''.join(
        f'{i},{n}\n' for i, n in enumerate(NAMES))
    path.write_bytes((b'\xef\xbb\xbf' if bom else b'') + text.encode())
    return path


def test_one_reader_everywhere(tmp_path):
    from ga2clip.apis.inference import read_names_file
    from ga2clip.datasets import read_class_names as from_datasets
    from ga2clip.datasets.class_lists import read_class_names as old_path
    from ga2clip.models import read_class_csv
    from ga2clip.utils.class_lists import read_class_names
    assert from_datasets is read_class_names and old_path is read_class_names
    for header in (True, False):
        for bom in (True, False):
            path = str(_csv(tmp_path / f'c{header}{bom}.csv', header, bom))
            assert read_class_names(path) == NAMES
            assert read_class_csv(path) == NAMES
            assert read_names_file(path) == NAMES
    # the model keeps names as written, datasets unwrap [placeholders]
    (tmp_path / 'b.csv').write_text('id,name\n0,Pushing [something]\n1,b\n')
    assert read_class_csv(str(tmp_path / 'b.csv'))[0] == 'Pushing [something]'
    assert read_class_names(str(tmp_path / 'b.csv'))[0] == 'Pushing something'


def test_bom_csv_as_dataset_class_file(tmp_path, tiny_video_dataset):
    from ga2clip.datasets import VocabVideoDataset
    data = tiny_video_dataset
    ds = VocabVideoDataset(
        ann_file=str(data['ann']), class_file=str(_csv(tmp_path / 'c.csv')),
        data_prefix=dict(video=str(data['video_root'])), pipeline=[],
        test_mode=True)
    assert list(ds.metainfo['classes']) == NAMES
    assert len(ds) == 12


def test_bom_csv_in_cfg_options_and_model(tmp_path, tiny_video_dataset):
    from mmaction.registry import MODELS

    from ga2clip.apis.common import load_config, parse_cfg_options
    bom = _csv(tmp_path / 'c.csv')
    cfg_path = write_smoke_config(tmp_path / 'cfg.py', tiny_video_dataset)
    cfg = load_config(str(cfg_path), parse_cfg_options(
        [f'model.vocabularies.default={bom}']))
    assert cfg.model.vocabularies.default == str(bom)
    model = MODELS.build(cfg.model)
    assert model.vocabularies['default'] == NAMES
    # the recognizer directly, without a header either
    plain = dict(cfg.model, vocabularies=dict(
        default=str(_csv(tmp_path / 'n.csv', header=False))))
    assert MODELS.build(plain).vocabularies['default'] == NAMES


def test_bom_csv_in_tools_infer(tmp_path, tiny_video_dataset, capsys):
    """tools/infer.py's back end: ``--classes`` a BOM csv."""
    from ga2clip.apis.inference import infer_cli
    cfg = write_smoke_config(tmp_path / 'cfg.py', tiny_video_dataset)
    video = tiny_video_dataset['video_root'] / 'c0_0.mp4'
    assert infer_cli([str(cfg), str(video), '--classes',
                      str(_csv(tmp_path / 'c.csv')), '--format', 'json',
                      '--no-progress', '--device', 'cpu']) == 0
    out = json.loads(capsys.readouterr().out)
    assert out['classes'] == NAMES
    assert out['predictions'][0]['topk'][0]['label'] in NAMES


def test_bad_ids_named(tmp_path):
    from ga2clip.models import read_class_csv
    path = tmp_path / 'c.csv'
    path.write_bytes(b'\xef\xbb\xbfid,name\n0,a\n2,b\n')
    with pytest.raises(ValueError, match=r'c\.csv:3: .*ids must be 0\.\.1'):
        read_class_csv(str(path))
