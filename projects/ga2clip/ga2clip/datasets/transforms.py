"""Video transforms missing from MMAction2."""
import numpy as np
from mmcv.transforms import BaseTransform

from mmaction.registry import TRANSFORMS


@TRANSFORMS.register_module()
class VideoRandomGrayscale(BaseTransform):
    """With probability ``prob``, turn every frame of the clip to grayscale
    (same decision for the whole clip; 3 channels kept), as torchvision's
    ``RandomGrayscale(p=0.2)`` in the GA2-CLIP/ViFi-CLIP training pipeline.
    mmcv's ``RandomGrayscale`` works on one image (``results['img']``), not
    on ``results['imgs']``.

    Required keys: ``imgs`` (list of HxWx3 RGB arrays). Modified: ``imgs``.
    """

    def __init__(self, prob: float = 0.2) -> None:
        if not 0 <= prob <= 1:
            raise ValueError(f'prob must be in [0, 1], got {prob}')
        self.prob = prob

    def transform(self, results: dict) -> dict:
        if np.random.rand() >= self.prob:
            return results
        weights = np.array([0.299, 0.587, 0.114], dtype=np.float32)
        out = []
        for img in results['imgs']:
            gray = (img[..., :3].astype(np.float32) @ weights)
            gray = gray.round().clip(0, 255).astype(img.dtype) \
                if img.dtype == np.uint8 else gray.astype(img.dtype)
            out.append(np.repeat(gray[..., None], 3, axis=-1))
        results['imgs'] = out
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(prob={self.prob})'
