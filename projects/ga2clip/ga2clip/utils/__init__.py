"""Small helpers with no dependency on the rest of the package (standard
library only), shared by ``models``, ``datasets`` and ``apis``:
:mod:`.class_lists` (the one reader/writer of class and video lists)."""
from .class_lists import (prompt_name, read_class_names, read_video_list,
                          write_class_names, write_video_list)

__all__ = ['prompt_name', 'read_class_names', 'read_video_list',
           'write_class_names', 'write_video_list']
