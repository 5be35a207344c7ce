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


@TRANSFORMS.register_module()
class SegmentSample(BaseTransform):
    """MMAction2's ``UniformSample`` (``clip_len`` equal segments, one
    random frame each in training) with a choice of the test frame.

    Args:
        clip_len, num_clips, test_mode: as ``UniformSample``.
        test_frame: ``'middle'`` (``UniformSample``'s test frames, used
            unchanged) or ``'start'``: frame ``int(i * n / clip_len)`` of
            segment ``i`` (the released GA2-CLIP test loader, TSN's
            ``_get_val_indices``); with ``num_clips`` > 1 clip ``k`` starts
            ``linspace(0, n / clip_len - 1, num_clips)[k]`` frames later
            (its ``_get_test_indices``).

    Config: ``VocabVideoDataset(test_frame='start')`` turns the test-mode
    ``UniformSample`` of its pipeline into this transform.
    """

    def __init__(self, clip_len: int, num_clips: int = 1,
                 test_mode: bool = False, test_frame: str = 'middle'):
        from mmaction.datasets.transforms import UniformSample
        if test_frame not in TEST_FRAMES:
            raise ValueError(f'test_frame must be one of {TEST_FRAMES}, '
                             f'got {test_frame!r}')
        self.test_frame = test_frame
        self.clip_len, self.num_clips, self.test_mode = (clip_len, num_clips,
                                                         test_mode)
        self._uniform = UniformSample(clip_len, num_clips, test_mode)

    def transform(self, results: dict) -> dict:
        if not self.test_mode or self.test_frame == 'middle':
            return self._uniform.transform(results)
        n = int(results['total_frames'])
        tick = n / float(self.clip_len)
        starts = np.linspace(0, max(tick - 1, 0), num=self.num_clips,
                             dtype=int) if self.num_clips > 1 else [0]
        inds = [int(s + tick * i) % n for s in starts
                for i in range(self.clip_len)]
        results['frame_inds'] = (np.array(inds) + results['start_index']
                                 ).astype(np.int32)
        results['clip_len'] = self.clip_len
        results['frame_interval'] = None
        results['num_clips'] = self.num_clips
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(clip_len={self.clip_len}, '
                f'num_clips={self.num_clips}, test_mode={self.test_mode}, '
                f'test_frame={self.test_frame!r})')


TEST_FRAMES = ('middle', 'start')
