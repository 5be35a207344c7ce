"""The table of benchmarked models: one :class:`Method` entry per method.

A new method is one entry in ``METHODS``; with the default flags it then
gets a row in each of the shared tables: eval cost per clip vs frozen CLIP
(``eval``), train step vs IVLP at equal batch with peak memory (``train``,
and ``--methods``) and parameters (``params``). Its model config is
``configs/_base_/models/<config>_tiny.py`` (``--quick``) and
``<config>_vit-b16.py`` (whose ``clip`` becomes random ViT-B/16 weights).
For example (``vita-clip_tiny.py`` / ``vita-clip_vit-b16.py``, sized by
the frame count)::

    Method('vita-clip', 'vita-clip', frames_key='video_encoder.num_frames'),
"""
from dataclasses import dataclass, field
from typing import Dict, List, Sequence

# roles of fixed entries: the frozen-CLIP limit of ``eval`` (its open_clip
# model), the base of the ``train`` ratios, and the model of the GA2
# fast-path rows (``text``, ``data``, 32-frame rows)
FROZEN, TRAIN_BASE, PRIMARY = 'clip', 'ivlp', 'ga2_official'


@dataclass(frozen=True)
class Method:
    """One benchmarked model.

    Args:
        name: row name in the train and params tables, and in ``--methods``.
        config: stem of the model config in ``configs/_base_/models``.
        overrides: dotted keys of the model config replaced by a value
            (``{'anchor_loss': dict(type='KLAnchorLoss')}``).
        anchor_clips: extra clips a train step adds (GA2: its 1 anchor clip).
        frames_key: dotted key of the model config set to the clip's frame
            count (``--frames``), for a model sized by it
            (``'video_encoder.num_frames'``); empty: none.
        train: in ``--methods`` (and its default); False for frozen models.
        eval_row: an eval row ``<eval_label>_predict`` (+ ``_bf16``).
        eval_label: prefix of the eval rows (default: ``name``).
        params: a row in the params table.
        text_row: rows in the whole-vocabulary text table too (after
            PRIMARY's), for a method whose text head differs.
    """
    name: str
    config: str
    overrides: Dict = field(default_factory=dict)
    anchor_clips: int = 0
    frames_key: str = ''
    train: bool = True
    eval_row: bool = True
    eval_label: str = ''
    params: bool = True
    text_row: bool = False

    @property
    def label(self) -> str:
        return self.eval_label or self.name


_GA2_PHRASE = {'text_head.hard_prompt': dict(source='phrase',
                                             phrase='a video of a person')}


def _ga2(name: str, anchor_loss: Dict, **kw) -> Method:
    """GA2-CLIP with one anchor mode (its 1 anchor clip per step)."""
    return Method(name, 'ga2clip', {**_GA2_PHRASE, 'anchor_loss': anchor_loss},
                  anchor_clips=1, **kw)


METHODS: List[Method] = [
    Method('clip', 'clip_zeroshot', train=False, eval_row=False),
    Method('ivlp', 'ivlp', eval_row=False),
    _ga2('ga2_official', dict(type='OfficialAnchorLoss'), eval_label='ga2'),
    # the other anchor modes add no parameter and cost the same at eval
    _ga2('ga2_official_noenc',
         dict(type='OfficialAnchorLoss', encode_anchors=False),
         eval_row=False, params=False),
    _ga2('ga2_else', dict(type='ElseClassAnchorLoss'),
         eval_row=False, params=False),
    _ga2('ga2_kl', dict(type='KLAnchorLoss'), eval_row=False, params=False),
    _ga2('ga2_margin', dict(type='MarginAnchorLoss'),
         eval_row=False, params=False),
    # its eval target is 1.10 x the FLOP limit of its extra tokens (flops.py)
    Method('vita-clip', 'vita-clip', frames_key='video_encoder.num_frames'),
    # MSTA (adapted onto CLIP ViT-B/16): d = 128 on blocks 8-12 of both
    # towers (the model base); eval target <= 1.10 x frozen CLIP
    Method('msta', 'msta'),
    # ATPrompt: attribute words before the class context; its train target
    # is 1.05 x IVLP, its text rows check the fast EOT path with them
    Method('atprompt-ivlp', 'atprompt-ivlp', text_row=True),
    Method('atprompt-ga2', 'atprompt-ga2',
           {**_GA2_PHRASE, 'anchor_loss': dict(type='OfficialAnchorLoss')},
           anchor_clips=1, text_row=True),
    # ViFi-CLIP fully fine-tuned: no extra tokens (eval = frozen CLIP's
    # cost); its train row measures full fine-tuning (every weight's grad,
    # Mixup/CutMix) against IVLP's prompt tuning, so the 1.15 x prompt-
    # tuning target does not apply to it
    Method('vifi-ft', 'vifi-ft'),
]


def check(table: Sequence[Method] = None) -> None:
    """Raise ``ValueError`` (one line) on duplicate names or a missing role."""
    table = METHODS if table is None else table
    names = [m.name for m in table]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ValueError(f'benchmarks/methods.py: duplicate method names {dup}'
                         '; give each METHODS entry its own name')
    labels = [m.label for m in table if m.eval_row]
    dup = sorted({n for n in labels if labels.count(n) > 1})
    if dup:
        raise ValueError(f'benchmarks/methods.py: duplicate eval labels {dup}'
                         '; set eval_label= to tell them apart')
    missing = [n for n in (FROZEN, TRAIN_BASE, PRIMARY) if n not in names]
    if missing:
        raise ValueError(f'benchmarks/methods.py: METHODS lacks {missing}, '
                         'which the eval/train/text sections compare against')
    if not get(PRIMARY, table).eval_row:
        raise ValueError(f'benchmarks/methods.py: {PRIMARY} (PRIMARY) needs '
                         'eval_row=True: the eval ratio and data rows use it')


def get(name: str, table: Sequence[Method] = None) -> Method:
    table = METHODS if table is None else table
    for m in table:
        if m.name == name:
            return m
    raise KeyError(f'benchmarks/methods.py: no method {name!r}; choose from '
                   f'{[m.name for m in table]}')


def train_names() -> List[str]:
    return [m.name for m in METHODS if m.train]


def eval_methods() -> List[Method]:
    return [m for m in METHODS if m.eval_row]


def text_names() -> List[str]:
    """The text table's models: PRIMARY, then the ``text_row`` entries."""
    return [PRIMARY] + [m.name for m in METHODS
                        if m.text_row and m.name != PRIMARY]


def params_names() -> List[str]:
    return [m.name for m in METHODS if m.params]
