"""Shared pieces of the benchmark: paths, vocabularies, model building from
the table in ``methods.py``, interleaved timing, peak memory, machine info."""
import copy
import os
import platform
import statistics
import subprocess
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional

from benchmarks.methods import Method

REPO = Path(__file__).resolve().parents[1]
MODEL_CFGS = REPO / 'configs' / '_base_' / 'models'
PIPELINES = REPO / 'configs' / '_base_' / 'datasets' / 'video_pipelines.py'
LABEL_DIRS = [REPO / 'projects' / 'ga2clip' / 'data' / 'labels',
              Path('/work/shared/data/splits/labels')]
VOCAB_FILES = {'K400': 'kinetics_400_labels.csv', 'SSv2': 'ssv2_labels.csv',
               'K400-base': 'kinetics_400_base_labels.csv'}
TARGETS = dict(eval=1.10, train=1.15, text=3.0)


# -- setup -----------------------------------------------------------------
def labels_file(name: str) -> Path:
    for d in LABEL_DIRS:
        path = d / VOCAB_FILES[name]
        if path.is_file():
            return path
    raise FileNotFoundError(f'{VOCAB_FILES[name]} not found in {LABEL_DIRS}')


def vocabulary(name: str) -> List[str]:
    from ga2clip.models import read_class_csv
    return read_class_csv(str(labels_file(name)))


def model_cfg(method: Method, quick: bool, frames: int = 8) -> Dict:
    """The model config of a ``methods.py`` entry: the tiny model with
    ``quick``, else ViT-B/16 shapes with random weights; ``frames`` goes to
    its ``frames_key``."""
    from mmengine.config import Config
    path = MODEL_CFGS / f"{method.config}{'_tiny' if quick else '_vit-b16'}.py"
    if not path.is_file():
        raise FileNotFoundError(
            f'benchmarks/methods.py: method {method.name!r} needs {path}; add '
            'that config or fix its config= stem')
    cfg = Config.fromfile(str(path)).model.to_dict()
    if not quick:
        cfg['clip'] = dict(name='ViT-B-16-quickgelu', pretrained=None)
    overrides = dict(method.overrides)
    if method.frames_key:
        overrides[method.frames_key] = frames
    for key, value in overrides.items():
        *parents, last = key.split('.')
        node = cfg
        for k in parents:
            if not isinstance(node.get(k), dict):
                raise ValueError(
                    f'benchmarks/methods.py: method {method.name!r} sets '
                    f'{key!r}, but {path.name} has no dict {k!r}; fix the key')
            node = node[k]
        node[last] = copy.deepcopy(value)
    return cfg


def build(cfg: Dict, device):
    import ga2clip  # noqa: F401
    from mmaction.registry import MODELS
    return MODELS.build(copy.deepcopy(cfg)).to(device)


def count_params(model) -> Dict[str, int]:
    seen, total, train = set(), 0, 0
    for p in model.parameters():
        if id(p) in seen:
            continue
        seen.add(id(p))
        total += p.numel()
        train += p.numel() if p.requires_grad else 0
    return dict(trainable=train, total=total)


def samples(n: int, vocab: str, anchors: int = 0, labels=None):
    from mmaction.structures import ActionDataSample
    out = []
    for i in range(n + anchors):
        s = ActionDataSample().set_gt_label(
            int(labels[i % len(labels)]) if labels is not None else i % 3)
        s.set_metainfo(dict(vocab=vocab, is_anchor=i >= n))
        out.append(s)
    return out


# -- measurement -------------------------------------------------------------
def sync(device):
    import torch
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def rss_kib(field: str) -> Optional[int]:
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith(field + ':'):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def malloc_trim() -> None:
    """Give freed heap memory back to the OS (glibc), so that RSS before a
    call is its real baseline."""
    try:
        import ctypes
        ctypes.CDLL('libc.so.6').malloc_trim(0)
    except (OSError, AttributeError):
        pass


def reset_peak_rss() -> bool:
    try:
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')  # resets VmHWM (Linux >= 4.0)
        return True
    except OSError:
        return False


class PeakMemory:
    """Peak memory of a call: CUDA ``max_memory_allocated``, or the
    process RSS high-water mark (``VmHWM``, reset through
    ``/proc/self/clear_refs``; lifetime ``ru_maxrss`` where that fails).
    ``delta`` is the peak minus the usage just before the call (MiB)."""

    def __init__(self, device):
        self.device = device
        self.kind = 'cuda_max_allocated' if device.type == 'cuda' else (
            'rss_vmhwm' if reset_peak_rss() and rss_kib('VmRSS') else
            'ru_maxrss (process lifetime)')

    def start(self):
        import torch
        if self.kind == 'cuda_max_allocated':
            torch.cuda.reset_peak_memory_stats(self.device)
            self.before = torch.cuda.memory_allocated(self.device)
        elif self.kind == 'rss_vmhwm':
            malloc_trim()
            self.before = rss_kib('VmRSS') * 1024
            reset_peak_rss()
        else:
            self.before = float('nan')

    def stop(self) -> Dict[str, float]:
        import torch
        if self.kind == 'cuda_max_allocated':
            peak = torch.cuda.max_memory_allocated(self.device)
        elif self.kind == 'rss_vmhwm':
            peak = rss_kib('VmHWM') * 1024
        else:
            import resource
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        return dict(peak_mib=peak / 2**20,
                    delta_mib=(peak - self.before) / 2**20)


def interleaved(fns: Dict[str, Callable], device, repeats: int,
                warmup: int = 1, memory: Optional[Dict] = None
                ) -> Dict[str, List[float]]:
    """Seconds per call of each function, interleaved over repeats. With
    ``memory`` (a dict), the largest peak of each function is stored there."""
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    times = {name: [] for name in fns}
    meter = PeakMemory(device)
    for _ in range(repeats):
        for name, fn in fns.items():
            sync(device)
            meter.start()
            t = time.perf_counter()
            fn()
            sync(device)
            times[name].append(time.perf_counter() - t)
            if memory is not None:
                mem = meter.stop()
                old = memory.get(name)
                if old is None or mem['peak_mib'] > old['peak_mib']:
                    memory[name] = dict(kind=meter.kind, **mem)
    return times


def timed(fn: Callable, device) -> float:
    """Seconds of one call (the first call of a cold model)."""
    sync(device)
    t0 = time.perf_counter()
    fn()
    sync(device)
    return time.perf_counter() - t0


def paired_ratio(times, name, base) -> float:
    return statistics.median(a / b for a, b in zip(times[name], times[base]))


def med(xs) -> float:
    return statistics.median(xs)


# -- machine -----------------------------------------------------------------
def machine_info() -> Dict:
    import torch
    info = dict(python=platform.python_version(), platform=platform.platform(),
                torch=torch.__version__, torch_threads=torch.get_num_threads(),
                cpu_count=os.cpu_count())
    try:
        lscpu = subprocess.run(['lscpu'], capture_output=True, text=True,
                               timeout=10).stdout
        for line in lscpu.splitlines():
            key, _, val = line.partition(':')
            if key.strip() in ('Model name', 'CPU(s)', 'Thread(s) per core',
                               'L3 cache'):
                info[key.strip()] = val.strip()
        flags = next((ln for ln in lscpu.splitlines()
                      if ln.startswith('Flags')), '')
        info['simd'] = ' '.join(f for f in ('avx2', 'avx512f', 'avx512_bf16',
                                            'amx_bf16') if f in flags.split())
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        info['loadavg'] = os.getloadavg()
    except OSError:
        pass
    if torch.cuda.is_available():
        info['cuda'] = torch.cuda.get_device_name(0)
    return info
