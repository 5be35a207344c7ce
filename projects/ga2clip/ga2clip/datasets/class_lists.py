"""Class and video lists: moved to :mod:`ga2clip.utils.class_lists` (the one
reader of the ``id,name`` format, shared with ``models`` and ``apis``);
re-exported here so ``ga2clip.datasets.class_lists`` keeps working."""
from ..utils.class_lists import (_BRACKETS, _require, prompt_name,  # noqa: F401
                                 read_class_names, read_video_list,
                                 write_class_names, write_video_list)

__all__ = ['prompt_name', 'read_class_names', 'read_video_list',
           'write_class_names', 'write_video_list']
