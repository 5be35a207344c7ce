"""Unreadable videos: one-line errors that name the file, and a probe used to
skip such videos on request (``VocabVideoDataset(skip_unreadable=True)``).

A video is *unreadable* when it is missing, empty, truncated or corrupt so
that decord cannot open it, is not a video at all, or has no frames. A video
with fewer frames than the sampler asks for is *readable*: MMAction2's
``UniformSample`` repeats frames (in order) and ``SampleFrames`` loops over
the video (``out_of_bound_opt='loop'``); nothing is dropped.
"""
import os.path as osp
from typing import List, Optional, Tuple

FIX_HINT = ('check that it plays (ffprobe), re-encode it '
            '(ffmpeg -i IN -c:v libx264 OUT.mp4) or remove it from the list')


class UnreadableVideoError(ValueError):
    """A video that cannot be decoded; the message is one line and names
    the file and what to do."""


def is_decode_error(err: BaseException) -> bool:
    """Whether ``err`` comes from opening/decoding a video file (a missing
    file, or decord failing), not from a transform's settings."""
    if isinstance(err, FileNotFoundError):
        return True
    if type(err).__module__.startswith('decord'):
        return True
    first = (str(err).strip().splitlines() or [''])[0]
    return isinstance(err, RuntimeError) and first.startswith('Error reading')


def describe(err: BaseException) -> str:
    """A short reason for a decoding error (first line, no C++ location)."""
    if isinstance(err, FileNotFoundError):
        return 'file not found'
    text = (str(err).strip().splitlines() or [type(err).__name__])[0]
    if text.startswith('Error reading') or 'DECORDError' in type(err).__name__:
        return ('decord cannot open it (empty, truncated, corrupt or not a '
                'video)')
    return f'{type(err).__name__}: {text}'


def unreadable(filename: str, err: BaseException, listed_in: str = '',
               skip_hint: str = 'skip_unreadable=True on the dataset'
               ) -> UnreadableVideoError:
    """Build the one-line error for ``filename``."""
    where = f' (listed in {listed_in})' if listed_in else ''
    skip = f', or set {skip_hint} to skip such videos' if skip_hint else ''
    return UnreadableVideoError(
        f'cannot read video {filename}{where}: {describe(err)}; '
        f'{FIX_HINT}{skip}')


def probe_video(filename: str) -> Optional[str]:
    """``None`` when decord can open ``filename`` and it has frames, else
    the reason (cheap: opens the container, decodes nothing)."""
    if not osp.isfile(filename):
        return 'file not found'
    if osp.getsize(filename) == 0:
        return 'empty file'
    try:
        import decord
        reader = decord.VideoReader(filename, num_threads=1)
        n = len(reader)
        del reader
    except Exception as err:  # noqa: BLE001 - reported as a reason
        return describe(err)
    if n <= 0:
        return 'no frames'
    return None


def split_readable(filenames: List[str]) -> Tuple[List[int], List[Tuple[str, str]]]:
    """Indices of readable files and ``(filename, reason)`` of the others."""
    keep, bad = [], []
    for i, name in enumerate(filenames):
        reason = probe_video(name)
        if reason is None:
            keep.append(i)
        else:
            bad.append((name, reason))
    return keep, bad


def skipped_message(bad: List[Tuple[str, str]], total: int,
                    source: str = '') -> str:
    """Log line: how many and which videos are skipped, and over how many
    the results are computed."""
    where = f' of {source}' if source else ''
    listed = '; '.join(f'{name} ({reason})' for name, reason in bad[:20])
    more = f'; ... (+{len(bad) - 20} more)' if len(bad) > 20 else ''
    return (f'skipped {len(bad)} unreadable video(s) out of {total}{where}: '
            f'{listed}{more}; results are computed over {total - len(bad)} '
            'videos')
