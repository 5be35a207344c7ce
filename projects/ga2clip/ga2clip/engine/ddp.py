"""A DDP wrapper that also works on CPU-only machines (gloo)."""
import torch
from mmengine.model import MMDistributedDataParallel
# Registered in mmengine's root registry: the Runner looks wrappers up there
# (``MODEL_WRAPPERS.get``), and mmaction's child registry sees its parent.
from mmengine.registry import MODEL_WRAPPERS


@MODEL_WRAPPERS.register_module()
class CPUCompatDDP(MMDistributedDataParallel):
    """:class:`MMDistributedDataParallel` that drops ``device_ids`` when CUDA
    is absent, so ``torchrun --nproc_per_node=2 tools/train.py ...`` works on
    a laptop or CI (see :mod:`ga2clip.compat`, fix 3). On GPUs it is exactly
    ``MMDistributedDataParallel``."""

    def __init__(self, module, detect_anomalous_params=False, **kwargs):
        if not torch.cuda.is_available():
            kwargs.pop('device_ids', None)
            kwargs.pop('output_device', None)
        super().__init__(
            module=module,
            detect_anomalous_params=detect_anomalous_params,
            **kwargs)
