"""The one method table (ga2clip/protocols/methods.py): run_protocol's
--method choices and the demo's rows come from it, and every config an
entry declares exists."""
import dataclasses

import pytest

from conftest import REPO_ROOT
from ga2clip.protocols import methods
from ga2clip.protocols.cli import build_parser, parse_args
from ga2clip.protocols.plan import UsageError, plan_runs


def _choices(parser, dest):
    return [list(a.choices) for a in parser._actions if a.dest == dest][0]


def test_run_protocol_choices_are_the_table():
    real_data = [m.key for m in methods.METHODS
                 if m.b2n or m.fewshot or m.zeroshot_eval]
    assert _choices(build_parser(), 'method') == real_data
    assert {'ga2clip', 'ivlp', 'clip-zeroshot'} <= set(real_data)
    # every entry is reachable: from run_protocol or from the demo
    demo = [m.key for m in methods.METHODS if m.in_demo]
    assert set(real_data) | set(demo) == set(methods.BY_KEY)
    assert len(methods.BY_KEY) == len(methods.METHODS)  # keys unique


def test_demo_rows_are_the_table():
    from ga2clip.apis import demo as demo_api
    demo = [m.key for m in methods.METHODS if m.in_demo]
    assert _choices(demo_api.build_parser(), 'methods') == demo
    # the default run: the demo_default rows; --full: every in_demo row
    default = [m.key for m in methods.METHODS if m.demo_default]
    assert demo_api.parse_args([]).methods == default
    assert demo_api.parse_args(['--full']).methods == demo
    # the rows of the README's demo tables (the default run), in order
    text = (REPO_ROOT / 'README.md').read_text()
    for header, keys in (
            ('| method | Base | Novel | HM | ΔBase vs IVLP | ΔNovel | ΔHM '
             '| n |', default),
            ('| method | Base | Novel | HM | ΔBase vs IVLP | ΔNovel | ΔHM '
             '| Base order | Novel order | n |',
             [m.key for m in methods.demo_default_temporal_methods()])):
        table = text.split(header)[1].split('\n\n')[0]
        rows = [ln.split('|')[1].strip() for ln in table.splitlines()[2:]]
        assert rows == [methods.get(k).label for k in keys], header


def test_demo_default_set():
    """The demo's default run (``demo_default``): zero-shot, IVLP, GA2-CLIP
    with the official anchors and with the margin anchors (the best
    effective mode of the v1 demo), and one entry of every other method
    family; each a demo row with both synthetic protocols."""
    default = methods.demo_default_methods()
    assert [m.key for m in default] == [
        'clip-zeroshot', 'ivlp', 'ga2clip-official', 'ga2clip-margin',
        'vita-clip', 'atprompt-ivlp', 'msta', 'vifi-ft']
    assert all(m.in_demo and m.synthetic_b2n and m.synthetic_temporal
               for m in default)
    # a strict subset of the demo rows, in table order
    demo = methods.demo_methods()
    assert set(default) < set(demo)
    assert [m for m in demo if m in default] == default
    # the flag alone decides: an in_demo entry without it is --full only
    assert not methods.get('ga2clip-kl').demo_default
    assert methods.get('ga2clip-kl') in demo
    # zero-shot trains nothing; the GA2 rows need stage 1's hard prompt
    assert [m.key for m in default if not m.trains] == ['clip-zeroshot']
    assert [m.key for m in default if m.hard_prompt] == [
        'ga2clip-official', 'ga2clip-margin']


@pytest.mark.parametrize('method', methods.METHODS, ids=lambda m: m.key)
def test_declared_configs_exist(method):
    assert method.protocols(), f'{method.key} declares no protocol'
    configs = methods.declared_configs(method)
    missing = [str(p) for p in configs if not p.is_file()]
    assert not missing, f'{method.key}: missing configs {missing}'
    per_protocol = {'b2n': 12, 'fewshot': 12, 'zeroshot_eval': 9,
                    'zeroshot_train': 1}
    expected = sum(per_protocol.get(p, 0) for p in method.protocols())
    if method.synthetic_b2n:
        expected += 3 if '{split}' in method.synthetic_b2n else 1
    if method.synthetic_temporal:
        expected += 3 if '{split}' in method.synthetic_temporal else 1
    assert len(configs) == expected
    if method.in_demo:
        assert method.synthetic_b2n, f'{method.key} is in the demo'
        assert method.synthetic_temporal, f'{method.key} is in the demo'
    if method.zeroshot_eval and method.trains:
        assert method.zeroshot_train, (
            f'{method.key}: a trained zero-shot method needs zeroshot_train')


def test_one_entry_adds_a_method(monkeypatch):
    """A new entry is a --method choice whose runs use its own patterns."""
    ivlp = methods.get('ivlp')
    new = dataclasses.replace(ivlp, key='my-method', label='mine',
                              fewshot=None, in_demo=False)
    monkeypatch.setattr(methods, 'METHODS', methods.METHODS + (new, ))
    monkeypatch.setattr(methods, 'BY_KEY', dict(methods.BY_KEY,
                                                **{new.key: new}))
    args = parse_args(['b2n', '--method', 'my-method', '--dataset', 'ucf101',
                       '--splits', '2'])
    runs, zs = plan_runs(args)
    assert [r[2].name for r in runs] == ['ivlp_vit-b16_b2n_ucf101_s2.py']
    args = parse_args(['zeroshot', '--method', 'my-method'])
    runs, zs = plan_runs(args)
    assert zs.name == 'ivlp_vit-b16_zs_k400_train.py' and len(runs) == 3
    with pytest.raises(UsageError, match='my-method has no fewshot configs'):
        plan_runs(parse_args(['fewshot', '--method', 'my-method']))
    with pytest.raises(SystemExit):  # not in the table: not a choice
        parse_args(['b2n', '--method', 'vita-clip-not-there'])
