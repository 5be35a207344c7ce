"""ATPrompt (attribute-anchored text prompts) on IVLP, CoOp and GA2 hosts,
tiny random CLIP unless said otherwise.

- K = 0 equals the host head (IVLP, CoOp, GA2) exactly;
- the shallow form equals the plain text encoder on the same sentence once
  the learnable tokens hold the placeholder's embedding (spans right, a word
  of several BPE tokens included);
- deep form: blocks 1..d-1 replace only the class-context span; attribute
  tokens carry through; GA2: the coupling MLP fills the class context;
- the fast EOT-truncated path equals the 77-token path;
- a prompt that passes the context length stops at set_vocabularies,
  naming the class and its length; every real-data class list fits;
- trainable count (K*m + n) * width + the host's (ViT-B/16: 512);
- the attribute search end to end on a generated synthetic world (training
  videos only), its outputs and --force; a tiny train + test run.
"""
import json
import os
import subprocess
import sys

import pytest
import torch

from conftest import REPO_ROOT

torch.set_num_threads(1)

NAMES = ['riding a bike', 'playing_guitar', 'x',
         'brushing teeth with a very long toothbrush']
MODEL_CFGS = REPO_ROOT / 'configs' / '_base_' / 'models'
LABELS = REPO_ROOT / 'projects' / 'ga2clip' / 'data' / 'labels'
PHRASE = dict(source='phrase', phrase='a video of a person')


@pytest.fixture(scope='module')
def tiny():
    import ga2clip  # noqa: F401
    from ga2clip.models import build_clip
    torch.manual_seed(0)
    model, tokenizer = build_clip('ga2clip-tiny')
    return model.eval(), tokenizer


def _head(tiny, seed=0, **cfg):
    from mmaction.registry import MODELS
    torch.manual_seed(seed)
    return MODELS.build(cfg, default_args=dict(clip=tiny[0],
                                               tokenizer=tiny[1])).eval()


HOSTS = {
    'IVLPTextHead': dict(n_ctx=4, depth=2),
    'CoOpTextHead': dict(n_ctx=4),
    'GA2TextHead': dict(n_ctx=4, depth=2, hard_prompt=PHRASE),
}


# -- K = 0 is the host ---------------------------------------------------------
@pytest.mark.parametrize('host', sorted(HOSTS))
def test_no_attribute_equals_the_host(tiny, host):
    ref = _head(tiny, type=host, **HOSTS[host])
    atp = _head(tiny, seed=1, type='ATPromptTextHead', host=host,
                attributes=(), **HOSTS[host])
    assert type(atp).__mro__[2].__name__ == host
    assert atp.attr_ctx is None
    atp.load_state_dict(ref.state_dict(), strict=True)  # same names
    assert set(atp.state_dict()) == set(ref.state_dict())
    with torch.no_grad():
        assert torch.equal(atp(NAMES), ref(NAMES))


def test_bad_arguments(tiny):
    with pytest.raises(ValueError, match='host must be one of'):
        _head(tiny, type='ATPromptTextHead', host='TemplateTextHead')
    with pytest.raises(ValueError, match='distinct non-blank'):
        _head(tiny, type='ATPromptTextHead', attributes=['pose', 'pose'],
              n_ctx=4, depth=2)
    with pytest.raises(ValueError, match='n_attr_ctx must be >= 1'):
        _head(tiny, type='ATPromptTextHead', attributes=['pose'],
              n_attr_ctx=0, n_ctx=4, depth=2)


# -- spans ---------------------------------------------------------------------
def test_spans_come_from_the_tokenizer(tiny):
    head = _head(tiny, type='ATPromptTextHead', host='IVLPTextHead',
                 attributes=['technique', 'motion'], n_attr_ctx=3,
                 n_ctx=4, depth=2)
    enc = tiny[1].encode
    assert len(enc('technique')) == 3 and len(enc('motion')) == 1
    assert head.attribute_spans() == [((1, 4), (4, 7)), ((7, 10), (10, 11))]
    assert head.ctx_start == 11
    tokens = tiny[1](list(head.prompt_texts(['run'])))[0]
    assert tokens[4:7].tolist() == enc('technique')
    assert tokens[10:11].tolist() == enc('motion')
    assert tokens[11:15].tolist() == enc('a video of a')


def test_shallow_form_equals_the_plain_encoder(tiny):
    """CoOp host with word context: with the attribute tokens set to the
    placeholder's embedding the prompt is a plain sentence."""
    head = _head(tiny, type='ATPromptTextHead', host='CoOpTextHead',
                 n_ctx=4, ctx_init='a video of a',
                 attributes=['technique', 'motion'], n_attr_ctx=2)
    assert head.deep_prompts is None
    emb = tiny[0].token_embedding.weight[tiny[1].encode('X')[0]]
    with torch.no_grad():
        head.attr_ctx.copy_(emb.expand_as(head.attr_ctx))
        got = head(NAMES)
        ref = head.encode_plain(
            [f'X X technique X X motion a video of a {n.replace("_", " ")}.'
             for n in NAMES])
        torch.testing.assert_close(got, ref, rtol=0, atol=1e-5)
        head.attr_ctx.add_(0.1 * torch.randn_like(head.attr_ctx))
        assert (head(NAMES) - ref).abs().max() > 1e-3


def _block_inputs(head, names, blocks=(0, 1)):
    seen = {}
    res = head.text.transformer.resblocks
    hooks = [res[i].register_forward_pre_hook(
        lambda m, a, i=i: seen.__setitem__(i, a[0].detach().clone()))
        for i in blocks]
    hooks.append(res[0].register_forward_hook(
        lambda m, a, out: seen.__setitem__('out0', out.detach().clone())))
    with torch.no_grad():
        head(names)
    for h in hooks:
        h.remove()
    return seen


def test_deep_form_replaces_only_the_class_context(tiny):
    head = _head(tiny, type='ATPromptTextHead', host='IVLPTextHead',
                 n_ctx=4, depth=2, attributes=['technique', 'motion'],
                 n_attr_ctx=2)
    seen = _block_inputs(head, NAMES)
    s, n = head.ctx_start, head.n_ctx
    x1, out0 = seen[1], seen['out0']
    assert torch.equal(x1[:, s:s + n],
                       head.deep_prompts[0].expand(len(NAMES), -1, -1))
    # attribute tokens and words carry block 0's output through
    assert torch.equal(x1[:, :s], out0[:, :s])
    assert torch.equal(x1[:, s + n:], out0[:, s + n:])
    # layer 0: attribute soft tokens and the class context are in place
    pos = head.text.positional_embedding
    x0 = seen[0] - pos[:seen[0].shape[1]]
    for k, (soft, word) in enumerate(head.attribute_spans()):
        torch.testing.assert_close(
            x0[:, soft[0]:soft[1]], head.attr_ctx[k].expand(len(NAMES), -1, -1),
            rtol=0, atol=1e-6)
    torch.testing.assert_close(x0[:, s:s + n], head.ctx.expand(
        len(NAMES), -1, -1), rtol=0, atol=1e-6)


def test_ga2_coupling_fills_the_class_context(tiny):
    head = _head(tiny, type='ATPromptTextHead', host='GA2TextHead',
                 n_ctx=4, depth=2, hard_prompt=PHRASE,
                 attributes=['motion'], n_attr_ctx=4)
    seen = _block_inputs(head, NAMES, blocks=(0, ))
    s, n = head.ctx_start, head.n_ctx
    x0 = seen[0] - head.text.positional_embedding[:seen[0].shape[1]]
    with torch.no_grad():
        coupled = head.context(len(NAMES))
    torch.testing.assert_close(x0[:, s:s + n], coupled, rtol=0, atol=1e-6)
    assert (coupled - head.ctx).abs().max() > 1e-3  # not the raw context
    assert bool(head.hard_prompt_loaded)


@pytest.mark.parametrize('host', sorted(HOSTS))
def test_fast_path_equals_the_full_length_path(tiny, host):
    head = _head(tiny, type='ATPromptTextHead', host=host,
                 attributes=['technique', 'motion', 'posture'],
                 n_attr_ctx=2, bucket_size=2, **HOSTS[host])
    names = NAMES + [f'class {i} ' + 'word ' * i for i in range(6)]
    with torch.no_grad():
        head.text.fast = True
        fast = head(names)
        head.text.fast = False
        full = head(names)
    # float rounding of other lengths only (as test_models_equivalence)
    torch.testing.assert_close(fast, full, rtol=0, atol=1e-5)
    pool = head._cached_tokens(head.prompt_texts(names))[1]
    assert int(pool.max()) + 1 < head.text.context_length  # it was cut


# -- context length ------------------------------------------------------------
def test_too_long_prompt_stops_before_training(tiny):
    import ga2clip  # noqa: F401
    from mmaction.registry import MODELS
    from mmengine.config import Config
    cfg = Config.fromfile(str(MODEL_CFGS / 'atprompt-ivlp_tiny.py')).model
    long_name = 'doing ' + 'a very long thing ' * 16
    cfg = cfg.to_dict()
    cfg['vocabularies'] = dict(base=['run', long_name])
    with pytest.raises(ValueError, match=r"class 'doing a very long.* of "
                       r"vocabulary 'base' is 8\d tokens, more than the "
                       r'context length 77'):
        MODELS.build(cfg)
    cfg['vocabularies'] = dict(base=['run', 'jump'])
    model = MODELS.build(cfg)
    with pytest.raises(ValueError, match='context length 77'):
        model.set_vocabularies(dict(novel=[long_name]))


def test_every_real_class_list_fits_the_vit_b16_prompt():
    """3 attributes of the action bank at the ViT-B/16 setting (m=4, n=16):
    every class of the shipped label lists fits 77 tokens."""
    import open_clip
    from ga2clip.apis.atprompt_search import DEFAULT_BANK
    from ga2clip.utils.class_lists import read_class_names
    tok = open_clip.get_tokenizer('ViT-B-16')
    attrs = sorted(DEFAULT_BANK, key=lambda w: -len(tok.encode(w)))[:3]
    fixed = 1 + sum(4 + len(tok.encode(a)) for a in attrs) + 16 + 1
    files = sorted(LABELS.glob('*.csv'))
    assert len(files) >= 4
    longest = max(len(tok.encode(f'{n}.')) for f in files
                  for n in read_class_names(str(f)))
    assert fixed + longest <= 77, (fixed, longest)


# -- trainable parameters ------------------------------------------------------
def _trainable(model):
    groups = {}
    for name, p in model.named_parameters():
        if p.requires_grad:
            key = '.'.join(name.split('.')[:2])
            groups[key] = groups.get(key, 0) + p.numel()
    return groups


@pytest.mark.parametrize('variant', ['ivlp', 'ga2'])
def test_vit_b16_trainable_count(variant):
    """Random weights, no download: (K*m + n) * 512 + the host's."""
    import ga2clip  # noqa: F401
    from mmaction.registry import MODELS
    from mmengine.config import Config
    cfg = Config.fromfile(str(MODEL_CFGS / f'atprompt-{variant}_vit-b16.py'))
    cfg = cfg.model.to_dict()
    cfg['clip']['pretrained'] = None
    head = cfg['text_head']
    k, m, n, d = (len(head['attributes']), head['n_attr_ctx'], head['n_ctx'],
                  head['depth'])
    assert (k, m, n, d) == (2, 4, 16, 9)
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    got = _trainable(model)
    w, vw = 512, 768
    host = {'text_head.deep_prompts': (d - 1) * n * w}
    if variant == 'ga2':
        host['text_head.coupling'] = 2 * w * w + w
    vision = {k_: v for k_, v in got.items() if k_.startswith('video_')}
    assert sum(vision.values()) == d * 16 * vw  # IVLP vision prompts
    text = {k_: v for k_, v in got.items() if k_.startswith('text_head')}
    assert text == {'text_head.ctx': n * w, 'text_head.attr_ctx': k * m * w,
                    **host}
    assert got['text_head.attr_ctx'] + got['text_head.ctx'] == \
        (k * m + n) * 512 == 12_288
    total = sum(got.values())
    assert total == {'ivlp': 188_416, 'ga2': 713_216}[variant]


# -- attribute search ----------------------------------------------------------
SEARCH_COUNTS = dict(base_train=6, base_test=1, novel_test=1, aux_train=1,
                     aux_test=1, anchor=4,
                     temporal_train=6, temporal_base_test=1,
                     temporal_novel_test=1)
SYNTH_CFGS = REPO_ROOT / 'projects' / 'ga2clip' / 'configs' / 'synthetic'


@pytest.fixture(scope='module')
def search_world(tmp_path_factory):
    from ga2clip.synthetic import generate as G
    out = tmp_path_factory.mktemp('atp_synth') / 'w'
    G.generate_world(str(out), seed=3, counts=SEARCH_COUNTS, shots=2,
                     num_fewshot_seeds=1, workers=1, reuse=False,
                     log=lambda *a: None)
    return out


def _list(path):
    return {ln.split()[0] for ln in path.read_text().splitlines()}


def test_search_end_to_end_reads_training_videos_only(search_world, tmp_path,
                                                      monkeypatch):
    from mmaction.datasets.transforms import DecordInit

    from ga2clip.apis.atprompt_search import JSON_NAME, PLOT_NAME, search
    from ga2clip.apis.common import UserError
    monkeypatch.setenv('GA2CLIP_SYNTH_ROOT', str(search_world))
    opened = []
    real = DecordInit.transform

    def spy(self, results):
        opened.append(os.path.basename(results['filename']))
        return real(self, results)

    monkeypatch.setattr(DecordInit, 'transform', spy)
    cfg = str(SYNTH_CFGS / 'atprompt-ivlp_synth_b2n_s1.py')
    out = tmp_path / 'search'
    result = search(cfg, str(out), bank=['shape', 'color'], steps=3,
                    batch_size=32, log=lambda *a: None)
    train = {os.path.basename(p) for p in _list(search_world /
                                                'base_train_s1.txt')}
    tests = {os.path.basename(p) for f in ('base_test.txt', 'novel_test.txt')
             for p in _list(search_world / f)}
    assert opened and set(opened) == train  # every training video, once
    assert len(opened) == len(train) and not set(opened) & tests
    got = json.loads((out / JSON_NAME).read_text())
    assert got == json.loads(json.dumps(result))
    combos = [sorted(r['attributes']) for r in got['table']]
    assert sorted(combos) == [['color'], ['color', 'shape'], ['shape']]
    weights = [r['weight'] for r in got['table']]
    assert weights == sorted(weights, reverse=True)
    assert abs(sum(weights) - 1) < 1e-5 and weights[0] > weights[-1]
    assert got['chosen'] == got['table'][0]['attributes']
    held = {os.path.basename(p) for p in got['heldout_videos']}
    used = {os.path.basename(p) for p in got['train_videos']}
    assert held and used and not held & used and held | used == train
    assert (out / PLOT_NAME).stat().st_size > 1000
    assert (out / PLOT_NAME).read_bytes()[:4] == b'\x89PNG'
    with pytest.raises(UserError, match='exists; pass --force'):
        search(cfg, str(out), bank=['shape', 'color'], steps=1)


def test_search_tool_bank_file_force_and_errors(search_world, tmp_path,
                                                monkeypatch):
    from ga2clip.apis.atprompt_search import (DEFAULT_BANK, combinations,
                                              main, read_bank, split_heldout)
    from ga2clip.apis.common import UserError
    assert len(combinations(DEFAULT_BANK)) == 25  # 5 + 10 + 10
    assert len(combinations(DEFAULT_BANK, (3, ))) == 10
    with pytest.raises(UserError, match='sizes must lie in 1..2'):
        combinations(['a', 'b'], (1, 3))
    with pytest.raises(UserError, match='distinct single words'):
        read_bank(['pose', 'pose'])
    train, held = split_heldout([0, 0, 0, 0, 0, 1, 1, 2], 0.2, seed=0)
    assert len(held) == 2 and sorted(train + held) == list(range(8))
    assert 7 in train  # a class of one video stays in training
    bank = tmp_path / 'bank.txt'
    bank.write_text('# my bank\nshape\ncolor  # colours\n')
    assert read_bank(path=str(bank)) == ['shape', 'color']
    tool = REPO_ROOT / 'tools' / 'atprompt_search.py'
    assert len(tool.read_text().splitlines()) <= 40
    out = tmp_path / 'out'
    (out).mkdir()
    (out / 'atprompt_search.json').write_text('{"keep": 1}')
    env = dict(os.environ, OMP_NUM_THREADS='1',
               GA2CLIP_SYNTH_ROOT=str(search_world))
    args = [sys.executable, str(tool),
            str(SYNTH_CFGS / 'atprompt-ivlp_synth_b2n_s1.py'), '--out',
            str(out), '--bank-file', str(bank), '--sizes', '1', '--steps',
            '2']
    proc = subprocess.run(args, cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=300, env=env)
    assert proc.returncode == 2 and 'exists; pass --force' in proc.stderr
    assert json.loads((out / 'atprompt_search.json').read_text()) == \
        {'keep': 1}
    monkeypatch.setenv('GA2CLIP_SYNTH_ROOT', str(search_world))
    assert main(args[2:] + ['--force']) == 0  # in-process: no 2nd start-up
    got = json.loads((out / 'atprompt_search.json').read_text())
    assert got['bank'] == ['shape', 'color'] and len(got['table']) == 2


# -- tiny end-to-end run -------------------------------------------------------
def test_tiny_protocol_run_synthetic_ga2(search_world, tmp_path):
    """tools/run_protocol.py (as the demo calls it) -> tools/train.py and
    tools/test.py, 1 epoch of the synthetic ATPrompt-on-GA2 config (anchors
    included; hard prompt from a phrase instead of stage 1) on a tiny
    generated world: base, novel and HM come back."""
    from ga2clip.protocols.aggregate import read_runs
    env = dict(os.environ, OMP_NUM_THREADS='1',
               GA2CLIP_SYNTH_ROOT=str(search_world))
    work = tmp_path / 'work'
    cmd = [sys.executable, 'tools/run_protocol.py', 'custom', '--configs',
           str(SYNTH_CFGS / 'atprompt-ga2_synth_b2n_s1.py'), '--name',
           'atprompt-ga2', '--work-dir', str(work), '--no-validate',
           '--cfg-options', 'train_cfg.max_epochs=1',
           'model.text_head.hard_prompt.source=phrase',
           'model.text_head.hard_prompt.phrase=a']
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=400, env=env)
    assert proc.returncode == 0, (proc.stdout[-3000:], proc.stderr[-3000:])
    runs = read_runs(work / 'custom_atprompt-ga2' / 'runs.csv')
    (metrics, ) = runs.values()
    hm = [v for k, v in metrics.items() if k.endswith('HM')]
    assert hm and all(0 <= v <= 100 for v in metrics.values()), metrics
    (ckpt, ) = work.rglob('epoch_1.pth')
    sd = torch.load(ckpt, map_location='cpu', weights_only=False)[
        'state_dict']
    assert sd['text_head.attr_ctx'].shape == (2, 2, 128)  # texture, size
    assert 'text_head.coupling.0.weight' in sd and \
        bool(sd['text_head.hard_prompt_loaded'])


# -- benchmark rows ------------------------------------------------------------
def test_benchmark_entries_and_text_rows(monkeypatch):
    """Both variants have train/params rows; their vocabulary text rows
    carry the attribute tokens (2 x 2 learnable + 'motion' 1 + 'technique'
    3 = 8 more) and still take the fast EOT path (the longest 48 names of
    each vocabulary here, to keep the test short)."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from benchmarks import bench, common, methods
    from benchmarks.sections import text as text_section
    monkeypatch.setattr(text_section, 'vocabulary', lambda v: sorted(
        common.vocabulary(v), key=len)[-48:])
    for name in ('atprompt-ivlp', 'atprompt-ga2'):
        assert name in methods.train_names() and \
            name in methods.params_names()
    assert methods.get('atprompt-ga2').anchor_clips == 1
    assert methods.text_names() == [methods.PRIMARY, 'atprompt-ivlp',
                                    'atprompt-ga2']
    res = bench.main(['--quick', '--device', 'cpu', '--sections', 'text',
                      '--repeats', '1'])
    rows = {r['vocab']: r for r in res['devices']['cpu']['text']['rows']}
    assert len(rows) == 6
    for vocab in ('K400', 'SSv2'):
        for name in ('atprompt-ivlp', 'atprompt-ga2'):
            row = rows[f'{vocab} ({name})']
            assert row['method'] == name
            assert row['tokens_max'] == rows[vocab]['tokens_max'] + 8 < 77
            assert row['max_abs_diff_normalized'] < 1e-5
