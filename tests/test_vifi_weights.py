"""Released ViFi-CLIP checkpoints as ``clip.pretrained`` (direct and through
``tools/convert_official_ckpt.py --vifi``), open_clip pretrained tags, and
gradient checkpointing under full fine-tuning. Tiny models, offline."""
import copy

import pytest
import torch

from ga2clip.models.weights import build_clip

ARCH = 'ga2clip-tiny'
# Key names of a ViFi-CLIP checkpoint as its code writes them
# (trainers/vificlip.py ViFiCLIP + TextEncoder, clip/model.py, main.py DDP,
# utils/tools.py epoch_saving); the synthetic file below must hold them.
REAL_KEYS = (
    'module.image_encoder.conv1.weight',
    'module.image_encoder.class_embedding',
    'module.image_encoder.positional_embedding',
    'module.image_encoder.ln_pre.weight',
    'module.image_encoder.transformer.resblocks.0.attn.in_proj_weight',
    'module.image_encoder.transformer.resblocks.1.mlp.c_proj.bias',
    'module.image_encoder.ln_post.bias',
    'module.image_encoder.proj',
    'module.text_encoder.transformer.resblocks.0.attn.out_proj.weight',
    'module.text_encoder.transformer.resblocks.1.ln_2.weight',
    'module.text_encoder.positional_embedding',
    'module.text_encoder.ln_final.weight',
    'module.text_encoder.text_projection',
    'module.logit_scale',
    'module.prompt_learner.complete_text_embeddings',
)
_TEXT = ('transformer.', 'positional_embedding', 'ln_final.',
         'text_projection')


def _random_clip(seed):
    torch.manual_seed(seed)
    model, _ = build_clip(ARCH)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn_like(p))
    return model.state_dict()


def _vifi_model_dict(openai_sd):
    """A ViFi-CLIP ``model`` dict (DDP prefixes) with the released keys:
    no token_embedding, plus the prompt learner's embedding buffer."""
    out = {}
    for key, value in openai_sd.items():
        if key.startswith('visual.'):
            out['module.image_encoder.' + key[7:]] = value.clone()
        elif key.startswith(_TEXT):
            out['module.text_encoder.' + key] = value.clone()
        elif key == 'logit_scale':
            out['module.logit_scale'] = value.clone()
        else:
            assert key == 'token_embedding.weight', key
    out['module.prompt_learner.complete_text_embeddings'] = torch.randn(
        3, 77, openai_sd['token_embedding.weight'].shape[1])
    return out


def _save_release(path, model_dict):
    torch.save({'model': model_dict,
                'optimizer': {'state': {}, 'param_groups': []},
                'lr_scheduler': {'last_epoch': 9}, 'max_accuracy': 71.5,
                'epoch': 9}, path)
    return str(path)


@pytest.fixture(scope='module')
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp('vifi')
    tuned, base = _random_clip(1), _random_clip(2)
    model_dict = _vifi_model_dict(tuned)
    assert set(REAL_KEYS) <= set(model_dict)
    vifi = _save_release(root / 'vifi_clip_k400_full_finetuned.pth',
                         model_dict)
    torch.save(base, root / 'openai_layout.pt')
    return dict(root=root, tuned=tuned, base=base, vifi=vifi,
                model_dict=model_dict,
                base_file=str(root / 'openai_layout.pt'))


def _assert_loaded(model, tuned, base):
    loaded = model.state_dict()
    assert loaded.keys() == tuned.keys()
    for key, value in loaded.items():
        want = base[key] if key == 'token_embedding.weight' else tuned[key]
        assert torch.equal(value, want.reshape(value.shape)), key


def test_released_vifi_file_loads_as_clip_pretrained(files):
    model, _ = build_clip(ARCH, pretrained=files['vifi'],
                          token_embedding_from=files['base_file'])
    _assert_loaded(model, files['tuned'], files['base'])
    # the source tensors, not the random init, are in the model
    assert not torch.equal(files['tuned']['visual.proj'],
                           files['base']['visual.proj'])


def test_vifi_token_embedding_from_open_clip_tag(files, monkeypatch):
    """With a tag, open_clip loads the tag's weights first and the ViFi-CLIP
    file then replaces everything but token_embedding."""
    import open_clip
    real_create = open_clip.create_model
    seen = {}

    def create(name, pretrained=None, **kw):
        seen['pretrained'] = pretrained
        model = real_create(name, pretrained=None, **kw)
        if pretrained == 'openai':
            model.load_state_dict(files['base'])
        return model

    monkeypatch.setattr(open_clip, 'create_model', create)
    monkeypatch.setattr(open_clip, 'get_pretrained_cfg',
                        lambda name, tag: {'url': 'x'} if tag == 'openai'
                        else {})
    model, _ = build_clip(ARCH, pretrained=files['vifi'])  # default 'openai'
    assert seen['pretrained'] == 'openai'
    _assert_loaded(model, files['tuned'], files['base'])


def test_vifi_without_token_embedding_source_is_one_line(files):
    with pytest.raises(ValueError) as info:
        build_clip(ARCH, pretrained=files['vifi'], token_embedding_from=None)
    msg = str(info.value)
    assert '\n' not in msg and files['vifi'] in msg
    assert 'token_embedding_from' in msg
    # a tag the tiny architecture does not have: lists open_clip's tags
    with pytest.raises(ValueError) as info:
        build_clip(ARCH, pretrained=files['vifi'])
    msg = str(info.value)
    assert '\n' not in msg and "'openai'" in msg
    assert 'list_pretrained_tags_by_model' in msg


@pytest.mark.parametrize('change', ['missing', 'prompting', 'unknown',
                                    'shape'])
def test_bad_vifi_file_is_one_line_naming_it(files, change):
    model_dict = copy.copy(files['model_dict'])
    if change == 'missing':
        del model_dict['module.image_encoder.proj']
        expect = 'visual.proj'
    elif change == 'prompting':  # an IVLP / GA2-CLIP checkpoint
        model_dict['module.image_encoder.VPT'] = torch.zeros(2, 64)
        model_dict['module.prompt_learner.ctx'] = torch.zeros(2, 64)
        expect = 'convert_official_ckpt'
    elif change == 'unknown':
        model_dict['module.fusion.weight'] = torch.zeros(2)
        expect = 'module.fusion.weight'.replace('module.', '')
    else:
        model_dict['module.text_encoder.text_projection'] = torch.zeros(3, 3)
        expect = 'text_projection'
    path = _save_release(files['root'] / f'bad_{change}.pth', model_dict)
    with pytest.raises(ValueError) as info:
        build_clip(ARCH, pretrained=path,
                   token_embedding_from=files['base_file'])
    msg = str(info.value)
    assert '\n' not in msg and path in msg and expect in msg, msg


class CfgNode(dict):
    """Stands for yacs' ``CfgNode`` (a dict subclass) in ViFi-CLIP files."""


def test_release_with_pickled_objects_asks_for_opt_in(files, monkeypatch):
    """ViFi-CLIP also saves its yacs ``config``; any such object is refused
    by the safe loader in one line naming the file and the opt-in."""
    from ga2clip.utils.safe_load import TRUST_ENV, UnsafeCheckpointError
    monkeypatch.delenv(TRUST_ENV, raising=False)
    path = files['root'] / 'with_config.pth'
    torch.save({'model': files['model_dict'], 'config': CfgNode(ARCH=1)}, path)
    with pytest.raises(UnsafeCheckpointError) as info:
        build_clip(ARCH, pretrained=str(path),
                   token_embedding_from=files['base_file'])
    msg = str(info.value)
    assert '\n' not in msg and str(path) in msg and TRUST_ENV in msg
    monkeypatch.setenv(TRUST_ENV, '1')
    model, _ = build_clip(ARCH, pretrained=str(path),
                          token_embedding_from=files['base_file'])
    _assert_loaded(model, files['tuned'], files['base'])


def test_convert_command_writes_openai_layout(files, capsys):
    from ga2clip.apis.convert import cli
    out = files['root'] / 'vificlip_k400_fully_finetuned_openai-layout.pth'
    rc = cli(['--vifi', files['vifi'], str(out), '--arch', ARCH,
              '--token-embedding-from', files['base_file']])
    assert rc == 0, capsys.readouterr().err
    written = torch.load(out, weights_only=True)
    assert written.keys() == files['tuned'].keys()
    model, _ = build_clip(ARCH, pretrained=str(out))  # plain OpenAI layout
    _assert_loaded(model, files['tuned'], files['base'])
    # an OpenAI-layout file is not a ViFi-CLIP checkpoint: rc 1, one line
    rc = cli(['--vifi', files['base_file'], str(out) + '.2', '--arch', ARCH])
    err = capsys.readouterr().err.strip()
    assert rc == 1 and '\n' not in err and files['base_file'] in err


# -- open_clip pretrained tags ----------------------------------------------
def test_open_clip_tag_is_passed_through(monkeypatch):
    import open_clip
    seen = {}

    def create(name, pretrained=None, **kw):
        seen.update(name=name, pretrained=pretrained)
        return open_clip.model.CLIP(**open_clip.get_model_config(ARCH))

    monkeypatch.setattr(open_clip, 'create_model', create)
    tag = open_clip.list_pretrained_tags_by_model('ViT-L-14')[-1]
    build_clip('ViT-L-14', pretrained=tag)
    assert seen == dict(name='ViT-L-14', pretrained=tag)


def test_unknown_open_clip_tag_lists_the_valid_ones():
    import open_clip
    with pytest.raises(ValueError) as info:
        build_clip('ViT-B-16', pretrained='no_such_tag')
    msg = str(info.value)
    assert '\n' not in msg and 'no_such_tag' in msg
    assert str(open_clip.list_pretrained_tags_by_model('ViT-B-16')) in msg
