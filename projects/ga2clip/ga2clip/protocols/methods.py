"""The one method table: which configs a method runs under each protocol.

``tools/run_protocol.py --method`` offers the entries with a real-data
protocol (``b2n``, ``fewshot``, ``zeroshot_eval``); ``tools/demo.py`` runs
the entries with ``demo_default`` (``--full``: every ``in_demo`` entry;
their ``synthetic_b2n`` and ``synthetic_temporal`` configs), in table
order. Adding a method = one :class:`Method` here plus its configs;
``tests/test_protocol_methods.py`` checks that every config an entry
declares exists.

Config patterns are relative to ``projects/ga2clip/configs/`` and are
filled with :meth:`str.format`: ``{dataset}`` (``b2n``: one of
:data:`B2N_DATASETS`, ``fewshot``: :data:`FEWSHOT_DATASETS`), ``{split}``
(1, 2, 3), ``{shots}`` (:data:`SHOTS`), ``{target}`` (a zero-shot test
split of :data:`ZS_TARGETS`). A ``synthetic_b2n`` / ``synthetic_temporal``
pattern without ``{split}`` is one test-only run that serves every split
(``synthetic_temporal``: the synthetic world's temporal split, classes that
differ only in how the object moves; docs/synthetic_world.md).
"""
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

CONFIGS = Path(__file__).resolve().parents[2] / 'configs'

SPLITS = (1, 2, 3)
B2N_DATASETS = ('k400', 'hmdb51', 'ucf101', 'ssv2')
FEWSHOT_DATASETS = ('hmdb51', 'ucf101', 'ssv2')
SHOTS = (2, 4, 8, 16)
ZS_TARGETS = {
    'hmdb51': [f'hmdb51_val{s}' for s in SPLITS],
    'ucf101': [f'ucf101_val{s}' for s in SPLITS],
    'k600': [f'k600_s{s}' for s in SPLITS],
}
# the synthetic demo's stage 1: IVLP on the auxiliary classes, whose prompt
# is the hard prompt of every ``hard_prompt`` entry in the demo
SYNTHETIC_STAGE1 = 'synthetic/ivlp_synth_stage1_aux.py'

# the protocols of an entry, by field name; run_protocol's are the first 4
PROTOCOLS = ('b2n', 'fewshot', 'zeroshot_eval', 'zeroshot_train',
             'synthetic_b2n', 'synthetic_temporal')


@dataclass(frozen=True)
class Method:
    """One method. A protocol whose pattern is ``None`` is not offered."""
    key: str                      # --method / --methods value
    label: str                    # row name of the demo's table
    b2n: Optional[str] = None
    fewshot: Optional[str] = None
    zeroshot_eval: Optional[str] = None
    zeroshot_train: Optional[str] = None  # trained once, tested on targets
    synthetic_b2n: Optional[str] = None
    synthetic_temporal: Optional[str] = None
    trains: bool = True           # False: test the initial weights only
    hard_prompt: bool = False     # GA2: needs stage 1's hard prompt
    in_demo: bool = False         # a row of tools/demo.py (--full)
    demo_default: bool = False    # also in tools/demo.py's default run
    frame_order: bool = False     # its video encoder sees the frame order
    #                               (the demo's default temporal-split rows)

    def protocols(self) -> Tuple[str, ...]:
        return tuple(p for p in PROTOCOLS if getattr(self, p))


def _every_protocol(key: str, label: str, synthetic: bool = True,
                    **flags) -> Method:
    """An entry with configs for every real-data protocol, named as all
    leaves are: ``<protocol dir>/<key>_vit-b16_<protocol>_...py`` (and
    ``synthetic/<key>_synth_b2n_s<split>.py`` and
    ``synthetic/<key>_synth_temporal_s<split>.py`` when ``synthetic``)."""
    return Method(
        key, label,
        b2n=f'base2novel/{key}_vit-b16_b2n_{{dataset}}_s{{split}}.py',
        fewshot=f'fewshot/{key}_vit-b16_fewshot_{{dataset}}_k{{shots}}.py',
        zeroshot_eval=f'zeroshot/{key}_vit-b16_zs_eval_{{target}}.py',
        zeroshot_train=f'zeroshot/{key}_vit-b16_zs_k400_train.py',
        synthetic_b2n=(f'synthetic/{key}_synth_b2n_s{{split}}.py'
                       if synthetic else None),
        synthetic_temporal=(f'synthetic/{key}_synth_temporal_s{{split}}.py'
                            if synthetic else None),
        **flags)


def _synthetic_only(key: str, label: str, **flags) -> Method:
    """A row of the synthetic demo only
    (``synthetic/<key>_synth_b2n_s<split>.py`` and
    ``synthetic/<key>_synth_temporal_s<split>.py``)."""
    return Method(
        key, label,
        synthetic_b2n=f'synthetic/{key}_synth_b2n_s{{split}}.py',
        synthetic_temporal=f'synthetic/{key}_synth_temporal_s{{split}}.py',
        **flags)


METHODS = (
    Method('clip-zeroshot', 'CLIP zero-shot',
           b2n='base2novel/clip-zeroshot_vit-b16_b2n_{dataset}_s{split}.py',
           zeroshot_eval='zeroshot/clip-zeroshot_vit-b16_zs_eval_{target}.py',
           synthetic_b2n='synthetic/clip-zeroshot_synth_b2n.py',
           synthetic_temporal='synthetic/clip-zeroshot_synth_temporal.py',
           trains=False, in_demo=True, demo_default=True),
    _every_protocol('ivlp', 'IVLP', in_demo=True, demo_default=True),
    _every_protocol('ga2clip', 'GA2-CLIP', synthetic=False, hard_prompt=True),
    # the synthetic demo's GA2 variants (anchor sets), synthetic world only.
    # The demo's default run has official (the authors' release) and margin,
    # the "best effective mode": margin had the highest HM of the effective
    # modes in the v1 demo table (README; another world and tiny CLIP), so
    # nothing is chosen on the v2 test results.
    _synthetic_only('ga2clip-official', 'GA2-CLIP, official anchors (no-op)',
                    hard_prompt=True, in_demo=True, demo_default=True),
    _synthetic_only('ga2clip-else', 'GA2-CLIP, else-class anchors',
                    hard_prompt=True, in_demo=True),
    _synthetic_only('ga2clip-kl', 'GA2-CLIP, KL anchors',
                    hard_prompt=True, in_demo=True),
    _synthetic_only('ga2clip-margin', 'GA2-CLIP, margin anchors',
                    hard_prompt=True, in_demo=True, demo_default=True),
    # Vita-CLIP: video prompts (time embedding, global/local prompts,
    # summary token) + CoOp text
    _every_protocol('vita-clip', 'Vita-CLIP', in_demo=True,
                    demo_default=True, frame_order=True),
    # ATPrompt (attribute words before the class context) on IVLP and on
    # GA2
    _every_protocol('atprompt-ivlp', 'ATPrompt on IVLP', in_demo=True,
                    demo_default=True),
    _every_protocol('atprompt-ga2', 'ATPrompt on GA2-CLIP', hard_prompt=True,
                    in_demo=True),
    # MSTA (adapted onto CLIP ViT-B/16; the paper's backbone is ViCLIP):
    # adapters with shared layers on both towers, temporal conv, description
    # consistency loss (msta-nolcc: the same without L_cc, demo only)
    _every_protocol('msta', 'MSTA', in_demo=True, demo_default=True,
                    frame_order=True),
    _synthetic_only('msta-nolcc', 'MSTA without L_cc',
                    in_demo=True, frame_order=True),
    # ViFi-CLIP fully fine-tuned (every CLIP weight, Mixup/CutMix, label
    # smoothing; ViFi-CLIP's released recipe)
    _every_protocol('vifi-ft', 'ViFi-CLIP (full fine-tuning)', in_demo=True,
                    demo_default=True),
)
BY_KEY: Dict[str, Method] = {m.key: m for m in METHODS}


def protocol_methods() -> List[str]:
    """``tools/run_protocol.py --method`` choices: the keys of the entries
    with a real-data protocol, in table order."""
    return [m.key for m in METHODS
            if m.b2n or m.fewshot or m.zeroshot_eval]


def demo_methods() -> List[Method]:
    """The rows of the synthetic demo (``--full``), in table order."""
    return [m for m in METHODS if m.in_demo]


def demo_default_methods() -> List[Method]:
    """The rows of the demo's default run (``demo_default``), in table
    order."""
    return [m for m in METHODS if m.in_demo and m.demo_default]


#: the frame-order-blind references of the demo's default temporal rows
TEMPORAL_REFERENCES = ('clip-zeroshot', 'ivlp')


def demo_default_temporal_methods() -> List[Method]:
    """The rows of the demo's default run on the temporal split: the
    frame-mean references (zero-shot, IVLP) and the default entries whose
    video encoder sees the frame order (``frame_order``). Every other
    frame-mean method is bounded there by the same 50% order accuracy
    (docs/synthetic_world.md); ``--full`` runs them all."""
    return [m for m in demo_default_methods()
            if m.key in TEMPORAL_REFERENCES or m.frame_order]


def get(key: str) -> Method:
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(f'unknown method {key!r}; the methods are '
                       f'{", ".join(BY_KEY)} (ga2clip/protocols/methods.py)'
                       ) from None


def config(pattern: str, **fields) -> Path:
    """The config file of a pattern (see the module doc for the fields)."""
    return CONFIGS / pattern.format(**fields)


def declared_configs(method: Method) -> List[Path]:
    """Every config ``method`` declares: all datasets, splits, shots and
    zero-shot targets of each of its protocols."""
    grids = {
        'b2n': [dict(dataset=d, split=s) for d in B2N_DATASETS
                for s in SPLITS],
        'fewshot': [dict(dataset=d, shots=k) for d in FEWSHOT_DATASETS
                    for k in SHOTS],
        'zeroshot_eval': [dict(target=t) for ts in ZS_TARGETS.values()
                          for t in ts],
        'zeroshot_train': [{}],
        'synthetic_b2n': [dict(split=s) for s in SPLITS],
        'synthetic_temporal': [dict(split=s) for s in SPLITS],
    }
    out = []
    for protocol in method.protocols():
        for fields in grids[protocol]:
            path = config(getattr(method, protocol), **fields)
            if path not in out:
                out.append(path)
    return out
