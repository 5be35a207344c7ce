"""The synthetic compositional world: vocabulary, class partition, renderer,
captions.

A class is a composition of three attributes that are visible in a single
frame: ``texture colour shape`` (e.g. ``'striped red circle'``). Size, count,
position and motion are nuisance attributes: they vary inside every class and
appear in captions only. Motion (the direction an object drifts) is the one
temporal attribute; it is *invisible to frame-mean pooling* (a clip and its
reverse have the same frame mean), so no class depends on it.

Class partition (fixed by design, independent of the generation seed):

- **base** classes use only the *base-named* values: shapes
  :data:`BASE_SHAPES`, colours :data:`BASE_COLOURS`, textures
  :data:`TEXTURES` (4 x 4 x 2 = 32 classes);
- **novel** classes use at least one *novel-only* value
  (:data:`NOVEL_SHAPES` / :data:`NOVEL_COLOURS`) with a downstream texture
  (6 x 6 x 2 - 32 = 40 classes); novel-only values occur in pretraining
  captions but in no base class name;
- **aux** classes (the stage-1 IVLP set that gives GA2 its hard prompt, like
  Kinetics-600's 100 extra classes for K400) use the aux-only texture
  :data:`AUX_TEXTURES` with base-named shapes and colours (16 classes): disjoint
  from every downstream class, naming no novel-only value;
- **anchor** clips show no object at all (background and scribbles): one
  label, ``0``.

Rendering: frames are float RGB in ``[0, 1]``, shape ``(T, H, W, 3)``; objects
are anti-aliased masks drawn with cv2 at 4x resolution. Two domains:

- ``'web'`` (pretraining images): flat grey-ish background, faint noise, slow
  motion;
- ``'downstream'`` (the video dataset): blocky random-colour background,
  Gaussian noise, faster motion, mp4 compression, and a *class-specific* shift
  (each class has its own colour tint, background bias and size bias, drawn
  from the world seed) -- see :class:`DomainShift`.

The **temporal split** (end of this module) is the one place where motion
is the class: ``'<colour> <shape> moving <motion>'``, base motions
left/right, novel-only motions up/down, every class paired with its
time-reversed twin (:func:`reversed_twin`, :func:`render_temporal_clip`).
"""
import math
from dataclasses import asdict, dataclass, replace
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np

# ---------------------------------------------------------------- vocabulary
BASE_SHAPES = ('circle', 'square', 'triangle', 'cross')
NOVEL_SHAPES = ('star', 'heart')
SHAPES = BASE_SHAPES + NOVEL_SHAPES

BASE_COLOURS = ('red', 'green', 'blue', 'yellow')
NOVEL_COLOURS = ('purple', 'orange')
COLOURS = BASE_COLOURS + NOVEL_COLOURS

TEXTURES = ('solid', 'striped')          # downstream (base and novel)
AUX_TEXTURES = ('dotted',)               # auxiliary classes only
ALL_TEXTURES = TEXTURES + AUX_TEXTURES

#: concepts that pretraining captions name but no base class name contains
NOVEL_ONLY_CONCEPTS = NOVEL_SHAPES + NOVEL_COLOURS

SIZES = ('small', 'large')
COUNTS = ('one', 'two')
DIRECTIONS = ('left', 'right', 'up', 'down')
ANCHOR_CLASS = 'irrelevant scene'

COLOUR_RGB = {
    'red': (0.90, 0.10, 0.10),
    'green': (0.10, 0.72, 0.15),
    'blue': (0.15, 0.25, 0.95),
    'yellow': (0.95, 0.88, 0.10),
    'purple': (0.58, 0.12, 0.80),
    'orange': (1.00, 0.52, 0.00),
}

PLURAL = {'circle': 'circles', 'square': 'squares', 'triangle': 'triangles',
          'cross': 'crosses', 'star': 'stars', 'heart': 'hearts'}
TEXTURE_SYNONYMS = {'solid': ('solid', 'plain', 'filled'),
                    'striped': ('striped', 'stripy', 'lined'),
                    'dotted': ('dotted', 'spotted', 'dotty')}
TEXTURE_WITH = {'solid': 'no pattern', 'striped': 'stripes',
                'dotted': 'dots'}
DIR_VEC = {'left': (-1.0, 0.0), 'right': (1.0, 0.0), 'up': (0.0, -1.0),
           'down': (0.0, 1.0)}


def class_name(texture: str, colour: str, shape: str) -> str:
    return f'{texture} {colour} {shape}'


def parse_class_name(name: str) -> Tuple[str, str, str]:
    texture, colour, shape = name.split(' ')
    return texture, colour, shape


def base_classes() -> List[str]:
    return [class_name(t, c, s) for t in TEXTURES for c in BASE_COLOURS
            for s in BASE_SHAPES]


def novel_classes() -> List[str]:
    return [class_name(t, c, s) for t in TEXTURES for c in COLOURS
            for s in SHAPES
            if c in NOVEL_COLOURS or s in NOVEL_SHAPES]


def aux_classes() -> List[str]:
    return [class_name(t, c, s) for t in AUX_TEXTURES for c in BASE_COLOURS
            for s in BASE_SHAPES]


def all_classes() -> List[str]:
    """Every nameable class (downstream + aux); pretraining covers them."""
    return [class_name(t, c, s) for t in ALL_TEXTURES for c in COLOURS
            for s in SHAPES]


def class_sets() -> Dict[str, List[str]]:
    return dict(base=base_classes(), novel=novel_classes(),
                aux=aux_classes(), anchor=[ANCHOR_CLASS])


# ---------------------------------------------------------------- shifts
@dataclass
class DomainShift:
    """Rendering parameters of a domain.

    ``amp``: amplitude of the blocky random-colour background (0 = flat);
    ``block``: block size in px; ``sig``: std of per-frame Gaussian noise;
    ``speed``: object drift in px per frame; ``cls_tint``: std of the
    class-specific RGB tint of object colours; ``cls_bg``: std of the
    class-specific background mean colour; ``cls_size``: std of the
    class-specific log size factor; ``clip_tint``: std of a per-clip tint
    (lighting); ``stripe_period``: (min, max) stripe/dot period in px.
    """
    amp: float = 0.0
    block: int = 8
    sig: float = 0.02
    speed: float = 0.5
    cls_tint: float = 0.0
    cls_bg: float = 0.0
    cls_size: float = 0.0
    clip_tint: float = 0.03
    bg_level: Tuple[float, float] = (0.35, 0.65)
    stripe_period: Tuple[float, float] = (3.5, 4.5)

    def to_dict(self):
        return asdict(self)


WEB = DomainShift()
#: world v2's downstream shift, calibrated for the v2 checkpoint (see
#: docs/synthetic_world.md): strong class-specific parts (object tint,
#: background colour, size) over a moderate shared part
DOWNSTREAM = DomainShift(amp=0.15, block=8, sig=0.03, speed=1.5,
                         cls_tint=0.12, cls_bg=0.2, cls_size=0.15,
                         clip_tint=0.04, bg_level=(0.4, 0.6),
                         stripe_period=(3.0, 5.0))
#: world v1's shift, calibrated for the v1 checkpoint (flat web domain, 900
#: steps): ``generate_world.py --amp 0.03 --cls-tint 0.06 --cls-bg 0.06
#: --cls-size 0.1``
DOWNSTREAM_V1 = DomainShift(amp=0.03, block=8, sig=0.03, speed=1.5,
                            cls_tint=0.06, cls_bg=0.06, cls_size=0.1,
                            clip_tint=0.04, bg_level=(0.4, 0.6),
                            stripe_period=(3.0, 5.0))


def web_shift(rng) -> DomainShift:
    """The web domain of pretraining v2, drawn per image: half the images
    on a flat grey-ish background (as v1), half on a blocky random-colour
    background of random amplitude (0.02-0.2) and block size (4/8/16 px),
    with more noise and lighting spread -- "web backgrounds with texture",
    so that the downstream background is not a cliff. Never class-specific:
    the class-specific shift is the downstream domain's own."""
    textured = rng.random() < 0.5
    return DomainShift(
        amp=float(rng.uniform(0.02, 0.2)) if textured else 0.0,
        block=int((4, 8, 16)[int(rng.integers(3))]),
        sig=float(rng.uniform(0.01, 0.05)),
        clip_tint=float(rng.uniform(0.02, 0.06)),
        bg_level=(0.25, 0.75), stripe_period=(3.0, 5.0))


def class_shift(world_seed: int, name: str, shift: DomainShift) -> dict:
    """The class-specific part of a shift: a deterministic function of the
    world seed and the class name."""
    key = [int(b) for b in name.encode()]
    rng = np.random.default_rng([int(world_seed), 7919] + key)
    return dict(tint=rng.normal(0, 1, 3) * shift.cls_tint,
                bg=rng.normal(0, 1, 3) * shift.cls_bg,
                size=float(np.exp(rng.normal(0, 1) * shift.cls_size)))


# ---------------------------------------------------------------- drawing
_SS = 4  # supersampling factor of masks


def _poly(shape: str, r: float, angle: float) -> List[np.ndarray]:
    """Polygon(s) of a shape centred at 0 with outer radius ``r``."""
    def rot(pts):
        c, s = math.cos(angle), math.sin(angle)
        pts = np.asarray(pts, np.float64)
        return pts @ np.array([[c, s], [-s, c]])
    if shape == 'square':
        a = r * 0.82
        return [rot([(-a, -a), (a, -a), (a, a), (-a, a)])]
    if shape == 'triangle':
        ang = [-math.pi / 2 + k * 2 * math.pi / 3 for k in range(3)]
        pts = [(r * math.cos(t), r * math.sin(t) + 0.2 * r) for t in ang]
        return [rot(pts)]
    if shape == 'cross':
        a, b = r, r * 0.34
        return [rot([(-a, -b), (a, -b), (a, b), (-a, b)]),
                rot([(-b, -a), (b, -a), (b, a), (-b, a)])]
    if shape == 'star':
        pts = []
        for k in range(10):
            rr = r if k % 2 == 0 else r * 0.42
            t = -math.pi / 2 + k * math.pi / 5
            pts.append((rr * math.cos(t), rr * math.sin(t) + 0.08 * r))
        return [rot(pts)]
    if shape == 'heart':
        t = np.linspace(0, 2 * math.pi, 40, endpoint=False)
        x = 16 * np.sin(t) ** 3
        y = -(13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t)
              - np.cos(4 * t))
        pts = np.stack([x, y + 1.5], 1) * (r / 16.5)
        return [rot(pts)]
    raise ValueError(f'unknown shape {shape!r}')


def shape_mask(shape: str, cx: float, cy: float, r: float, angle: float,
               size: int) -> np.ndarray:
    """Anti-aliased float mask ``(size, size)`` in [0, 1]."""
    big = np.zeros((size * _SS, size * _SS), np.uint8)
    if shape == 'circle':
        cv2.circle(big, (int(round(cx * _SS)), int(round(cy * _SS))),
                   int(round(r * 0.9 * _SS)), 255, -1, cv2.LINE_8)
    else:
        polys = [np.round((p + (cx, cy)) * _SS).astype(np.int32)
                 for p in _poly(shape, r, angle)]
        cv2.fillPoly(big, polys, 255, cv2.LINE_8)
    small = cv2.resize(big, (size, size), interpolation=cv2.INTER_AREA)
    return small.astype(np.float32) / 255.0


_GRID_CACHE: Dict[int, Tuple[np.ndarray, np.ndarray]] = {}


def _grid(size: int):
    if size not in _GRID_CACHE:
        yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) + 0.5
        _GRID_CACHE[size] = (xx, yy)
    return _GRID_CACHE[size]


def texture_pattern(texture: str, size: int, period: float, theta: float,
                    phase: Tuple[float, float]) -> np.ndarray:
    """Brightness factor ``(size, size)`` in [0.2, 1] for a texture."""
    if texture == 'solid':
        return np.ones((size, size), np.float32)
    xx, yy = _grid(size)
    u = xx * math.cos(theta) + yy * math.sin(theta) + phase[0]
    if texture == 'striped':
        s = 0.5 + 0.5 * np.cos(2 * math.pi * u / period)
        on = np.clip((s - 0.5) * 4 + 0.5, 0, 1)
        return (0.2 + 0.8 * on).astype(np.float32)
    if texture == 'dotted':
        v = -xx * math.sin(theta) + yy * math.cos(theta) + phase[1]
        du = (u / period) % 1.0 - 0.5
        dv = (v / period) % 1.0 - 0.5
        d = np.sqrt(du ** 2 + dv ** 2) * period
        on = np.clip((period * 0.3 - d) * 2 + 0.5, 0, 1)
        return (0.2 + 0.8 * on).astype(np.float32)
    raise ValueError(f'unknown texture {texture!r}')


def _reflect(x, lo, hi):
    """Reflect positions into [lo, hi] (objects bounce off the borders)."""
    span = hi - lo
    if span <= 0:
        return np.full_like(x, (lo + hi) / 2)
    y = np.mod(x - lo, 2 * span)
    return lo + np.where(y > span, 2 * span - y, y)


def _background(rng, shift: DomainShift, size: int,
                bias: Optional[np.ndarray]) -> np.ndarray:
    level = rng.uniform(*shift.bg_level)
    base = np.full(3, level) + rng.normal(0, 0.03, 3)
    if bias is not None:
        base = base + bias
    bg = np.broadcast_to(base, (size, size, 3)).astype(np.float32).copy()
    if shift.amp > 0:
        nb = max(1, int(math.ceil(size / shift.block)))
        blocks = rng.uniform(-shift.amp, shift.amp, (nb, nb, 3))
        up = np.kron(blocks, np.ones((shift.block, shift.block, 1)))
        oy, ox = rng.integers(0, shift.block, 2)
        up = np.roll(up, (int(oy), int(ox)), (0, 1))[:size, :size]
        bg += up.astype(np.float32)
    return bg


def _scribbles(rng, frames: np.ndarray, size: int) -> None:
    """Random lines and arcs (anchor clips): no object of any class."""
    T = frames.shape[0]
    n = int(rng.integers(2, 5))
    for _ in range(n):
        col = rng.uniform(0, 1, 3)
        p0 = rng.uniform(0, size, 2)
        p1 = rng.uniform(0, size, 2)
        drift = rng.normal(0, 1.0, 2)
        thick = int(rng.integers(1, 3))
        for t in range(T):
            canvas = np.zeros((size * _SS, size * _SS), np.uint8)
            a = np.round((p0 + drift * t) * _SS).astype(int)
            b = np.round((p1 + drift * t) * _SS).astype(int)
            cv2.line(canvas, tuple(int(v) for v in a),
                     tuple(int(v) for v in b), 255, thick * _SS)
            m = cv2.resize(canvas, (size, size),
                           interpolation=cv2.INTER_AREA)[..., None] / 255.0
            frames[t] = frames[t] * (1 - m) + col * m


@dataclass
class ClipSpec:
    """Everything that decides one rendered clip (sampled by
    :func:`sample_spec`)."""
    name: Optional[str]           # class name; None for anchor clips
    texture: Optional[str]
    colour: Optional[str]
    shape: Optional[str]
    size: str
    count: str
    direction: str
    seed: Tuple[int, ...]         # rng seed for the rendering


def sample_spec(rng, name: Optional[str], seed: Sequence[int]) -> ClipSpec:
    """Nuisance attributes for a clip of class ``name`` (None: anchor).
    ``name`` may also be ``'?'``: draw a random class of :func:`all_classes`
    (web images)."""
    if name == '?':
        name = all_classes()[int(rng.integers(len(all_classes())))]
    count = 'two' if rng.random() < 0.3 else 'one'
    size = 'small' if (count == 'two' or rng.random() < 0.5) else 'large'
    direction = DIRECTIONS[int(rng.integers(4))]
    if name is None:
        return ClipSpec(None, None, None, None, size, count, direction,
                        tuple(int(s) for s in seed))
    t, c, s = parse_class_name(name)
    return ClipSpec(name, t, c, s, size, count, direction,
                    tuple(int(s) for s in seed))


def _object_draws(rng, spec: ClipSpec, shift: DomainShift, cls: dict,
                  size: int):
    """The per-clip draws of an object's look and motion, in this rng order
    (both renderers share it): colour with the class and clip tints, drift
    direction and speed, texture pattern. Returns ``(rgb, dvec, speed,
    tex)``; radii come from :func:`_object_radius`."""
    scale = size / 32.0
    rgb = np.asarray(COLOUR_RGB[spec.colour], np.float32)
    rgb = rgb + cls['tint'] + rng.normal(0, shift.clip_tint, 3)
    rgb = np.clip(rgb, 0, 1).astype(np.float32)
    dvec = np.asarray(DIR_VEC[spec.direction])
    speed = shift.speed * rng.uniform(0.7, 1.3) * scale
    period = rng.uniform(*shift.stripe_period) * scale
    theta = rng.uniform(0, math.pi)
    phase = tuple(rng.uniform(0, 10, 2))
    tex = texture_pattern(spec.texture, size, period, theta, phase)
    return rgb, dvec, speed, tex


def _object_radius(rng, spec: ClipSpec, cls: dict, size: int) -> float:
    """One object's radius (px): the size class's range, the class-specific
    size factor, clipped to what a frame holds."""
    scale = size / 32.0
    r_lo, r_hi = ((4.5, 6.0) if spec.size == 'small' else (8.0, 10.5))
    r = rng.uniform(r_lo, r_hi) * scale * cls['size']
    return float(np.clip(r, 3.5 * scale, 12.5 * scale))


def render_clip(spec: ClipSpec, shift: DomainShift, num_frames: int = 8,
                size: int = 32, world_seed: int = 0,
                frame_index: Optional[int] = None) -> np.ndarray:
    """Render a clip: float32 ``(T, size, size, 3)`` RGB in [0, 1].

    With ``frame_index`` set, only that frame is rendered (``T = 1``) -- the
    same frame as in the full clip (web images are single frames)."""
    rng = np.random.default_rng(list(spec.seed))
    cls = (class_shift(world_seed, spec.name, shift)
           if spec.name is not None else None)
    bg = _background(rng, shift, size, None if cls is None else cls['bg'])
    T = num_frames
    frames = np.repeat(bg[None], T, 0)
    if spec.name is None:
        _scribbles(rng, frames, size)
    else:
        n_obj = 2 if spec.count == 'two' else 1
        rgb, dvec, speed, tex = _object_draws(rng, spec, shift, cls, size)
        occupied = []
        for k in range(n_obj):
            r = _object_radius(rng, spec, cls, size)
            angle = rng.uniform(-0.3, 0.3)
            lo, hi = r + 0.5, size - r - 0.5
            for _try in range(10):
                p0 = rng.uniform(lo, hi, 2)
                if all(np.hypot(*(p0 - q)) > r + rq for q, rq in occupied):
                    break
            occupied.append((p0, r))
            ts = np.arange(T, dtype=np.float64)
            xs = _reflect(p0[0] + dvec[0] * speed * ts, lo, hi)
            ys = _reflect(p0[1] + dvec[1] * speed * ts, lo, hi)
            for t in range(T):
                if frame_index is not None and t != frame_index:
                    continue
                m = shape_mask(spec.shape, xs[t], ys[t], r, angle, size)
                m = m[..., None]
                frames[t] = frames[t] * (1 - m) + (rgb * tex[..., None]) * m
    noise = rng.normal(0, 1, frames.shape).astype(np.float32) * shift.sig
    frames = np.clip(frames + noise, 0, 1)
    if frame_index is not None:
        return frames[frame_index:frame_index + 1]
    return frames


# ---------------------------------------------------------------- captions
def _article(word: str) -> str:
    return 'an' if word[0] in 'aeiou' else 'a'


def captions(spec: ClipSpec, rng, n: Optional[int] = None,
             video: bool = True) -> List[str]:
    """Captions of a clip in several phrasings.

    ``n=None`` returns the full fixed list (downstream metadata; every
    phrasing names all three class attributes); with ``n`` set, ``n``
    random captions from the wider pretraining distribution (synonyms,
    dropped words, nuisance attributes) are returned.
    """
    medium = 'video' if video else 'photo'
    if spec.name is None:
        full = [f'a {medium} of an {ANCHOR_CLASS}',
                'random lines on a background',
                'an empty background with scribbles',
                'nothing in particular']
        if n is None:
            return full
        return [full[int(rng.integers(len(full)))] for _ in range(n)]
    t, c, s = spec.texture, spec.colour, spec.shape
    two = spec.count == 'two'
    noun = PLURAL[s] if two else s
    cnt = 'two' if two else _article(spec.size)
    full = [
        f'{_article(t)} {t} {c} {s}',
        f'a {medium} of {_article(t)} {t} {c} {s}',
        f'{cnt} {spec.size} {t} {c} {noun}',
        f'{"two" if two else _article(c)} {c} {noun}, {t}',
        f'{_article(t)} {t} {c} {s} moving {spec.direction}',
    ]
    if n is None:
        return full
    out = []
    for _ in range(n):
        k = int(rng.integers(12))
        ts = TEXTURE_SYNONYMS[t][int(rng.integers(3))]
        pre = ['a photo of', 'a picture of', 'a video of', 'an image of',
               'a clip of'][int(rng.integers(5))]
        if k <= 2:
            cap = f'{_article(t)} {t} {c} {s}'
        elif k == 3:
            cap = f'{pre} {_article(t)} {t} {c} {s}.'
        elif k == 4:
            cap = f'{cnt} {spec.size} {ts} {c} {noun}'
        elif k == 5:
            cap = f'{"two" if two else _article(c)} {c} {noun} with ' \
                  f'{TEXTURE_WITH[t]}'
        elif k == 6:
            cap = f'{_article(ts)} {ts} {s} in {c}'
        elif k == 7:
            cap = f'{_article(c)} {c} {s}'                 # texture dropped
        elif k == 8:
            cap = f'{_article(t)} {t} {s}'                 # colour dropped
        elif k == 9:
            cap = f'something {c} and {t}'                 # shape dropped
        elif k == 10:
            cap = f'{pre} {_article(t)} {t} {c} {s} on a grey background'
        else:
            cap = f'{_article(t)} {t} {c} {s} moving {spec.direction}'
        out.append(cap)
    return out


# ---------------------------------------------------------------- temporal
# The temporal split: classes that differ ONLY in how the object moves.
# A class is ``'<colour> <shape> moving <motion>'``; texture and size are
# nuisances, one object per clip. Every class has a time-reversed twin
# (left <-> right, up <-> down) in its own vocabulary whose clips are the
# reversed clips of the other (:func:`reversed_twin`), so any model that pools
# frames order-invariantly (a frame mean) cannot tell twins apart: at best
# 50% of its colour+shape accuracy, on base and on novel alike. The motions
# up/down are named only by novel classes; pretraining captions name all
# four (``captions``: '... moving <direction>'), but pretraining images are
# single frames, so the tiny CLIP's image side has never seen motion.
TEMPORAL_COLOURS = BASE_COLOURS
TEMPORAL_SHAPES = ('circle', 'square')
TEMPORAL_BASE_MOTIONS = ('left', 'right')
#: motion concepts that no temporal base class names
TEMPORAL_NOVEL_MOTIONS = ('up', 'down')
TEMPORAL_MOTIONS = TEMPORAL_BASE_MOTIONS + TEMPORAL_NOVEL_MOTIONS
REVERSED_MOTION = {'left': 'right', 'right': 'left', 'up': 'down',
                   'down': 'up'}


def temporal_class_name(colour: str, shape: str, motion: str) -> str:
    return f'{colour} {shape} moving {motion}'


def parse_temporal_class_name(name: str) -> Tuple[str, str, str]:
    """``'red circle moving left'`` -> ``('red', 'circle', 'left')``."""
    words = name.split(' ')
    if len(words) != 4 or words[2] != 'moving' or \
            words[3] not in TEMPORAL_MOTIONS:
        raise ValueError(f'{name!r} is not a temporal class name '
                         "('<colour> <shape> moving <motion>')")
    return words[0], words[1], words[3]


def _temporal_classes(motions) -> List[str]:
    return [temporal_class_name(c, s, m) for c in TEMPORAL_COLOURS
            for s in TEMPORAL_SHAPES for m in motions]


def temporal_base_classes() -> List[str]:
    return _temporal_classes(TEMPORAL_BASE_MOTIONS)


def temporal_novel_classes() -> List[str]:
    return _temporal_classes(TEMPORAL_NOVEL_MOTIONS)


def temporal_class_sets() -> Dict[str, List[str]]:
    return dict(temporal_base=temporal_base_classes(),
                temporal_novel=temporal_novel_classes())


def temporal_appearance(name: str) -> str:
    """The static part of a temporal class (``'red circle'``): it keys the
    class-specific shift, so that twins share it (a per-class tint would
    otherwise tell them apart from one frame)."""
    colour, shape, _ = parse_temporal_class_name(name)
    return f'{colour} {shape}'


def sample_temporal_spec(rng, name: str, seed: Sequence[int]) -> ClipSpec:
    """Nuisance attributes (texture, size) of a clip of temporal class
    ``name``; one object, ``direction`` = the class's motion."""
    colour, shape, motion = parse_temporal_class_name(name)
    texture = TEXTURES[int(rng.integers(len(TEXTURES)))]
    size = SIZES[int(rng.integers(len(SIZES)))]
    return ClipSpec(name, texture, colour, shape, size, 'one', motion,
                    tuple(int(s) for s in seed))


def reversed_twin(spec: ClipSpec) -> ClipSpec:
    """The clip of the time-reversed twin class: same seed and nuisances,
    opposite motion. ``render_temporal_clip(reversed_twin(s))`` equals
    ``render_temporal_clip(s)[::-1]`` exactly when the shift's noise ``sig``
    is 0 (with noise: the same frames under other i.i.d. noise)."""
    colour, shape, motion = parse_temporal_class_name(spec.name)
    back = REVERSED_MOTION[motion]
    return replace(spec, name=temporal_class_name(colour, shape, back),
                   direction=back)


def render_temporal_clip(spec: ClipSpec, shift: DomainShift,
                         num_frames: int = 8, size: int = 32,
                         world_seed: int = 0) -> np.ndarray:
    """Render a temporal clip: float32 ``(T, size, size, 3)`` in [0, 1].

    The object moves at constant speed along its class's direction and
    never bounces: the trajectory is drawn around a centre ``c`` (uniform
    over the positions that keep the whole trajectory inside the frame;
    the speed is capped so that it fits), ``p(t) = c + d * v * (t - (T-1)/2)``.
    Reversing ``d`` gives ``p(T-1-t)``: the start distribution of a class is
    its twin's end distribution, and every other draw (background, colour,
    size, texture, noise) ignores the direction."""
    rng = np.random.default_rng(list(spec.seed))
    cls = class_shift(world_seed, temporal_appearance(spec.name), shift)
    bg = _background(rng, shift, size, cls['bg'])
    T = num_frames
    frames = np.repeat(bg[None], T, 0)
    rgb, dvec, speed, tex = _object_draws(rng, spec, shift, cls, size)
    r = _object_radius(rng, spec, cls, size)
    angle = rng.uniform(-0.3, 0.3)
    lo, hi = r + 0.5, size - r - 0.5
    travel = min(speed * max(T - 1, 0), hi - lo)
    u_along, u_across = rng.uniform(0, 1, 2)
    along = lo + travel / 2 + u_along * (hi - lo - travel)
    across = lo + u_across * (hi - lo)
    centre = (np.array([along, across]) if dvec[0] != 0
              else np.array([across, along]))
    step = travel / (T - 1) if T > 1 else 0.0
    for t in range(T):
        p = centre + dvec * (step * (t - (T - 1) / 2))
        m = shape_mask(spec.shape, p[0], p[1], r, angle, size)[..., None]
        frames[t] = frames[t] * (1 - m) + (rgb * tex[..., None]) * m
    noise = rng.normal(0, 1, frames.shape).astype(np.float32) * shift.sig
    return np.clip(frames + noise, 0, 1)


def temporal_captions(spec: ClipSpec) -> List[str]:
    """The fixed captions of a temporal clip (downstream metadata): each
    names its colour, shape and motion, and no other motion."""
    c, s, m = parse_temporal_class_name(spec.name)
    t, z = spec.texture, spec.size
    return [
        f'{_article(c)} {c} {s} moving {m}',
        f'a video of {_article(c)} {c} {s} moving {m}',
        f'{_article(z)} {z} {t} {c} {s} moving {m}',
        f'{_article(c)} {c} {s} that moves {m} across the frame',
        f'{_article(c)} {c} {s}, {t}, moving {m}',
    ]
