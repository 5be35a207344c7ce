"""Reading and writing class lists (``id,name`` csv) and video lists
(``<relative path> <label id>`` txt), with errors that name the file and line.

The one reader of the class-list format: datasets (``class_file``), models
(``vocabularies=dict(name=<csv>)``, also through ``--cfg-options``) and
``tools/infer.py`` all call :func:`read_class_names`, so a UTF-8 byte-order
mark, an optional ``id,name`` header and quoted names behave the same
everywhere. Only the standard library is imported here, so ``models`` and
``datasets`` both depend on this module and not on each other.

Class names become prompt text as they are, except that bracketed
placeholders are unwrapped (``Pushing [something] from left to right`` ->
``Pushing something from left to right``, the form of SSv2's ``labels.json``
and of the shipped SSv2 lists). Surrounding whitespace is stripped.
"""
import csv
import os.path as osp
import re
from typing import List, Sequence, Tuple

_BRACKETS = re.compile(r'\[([^\[\]]*)\]')


def prompt_name(name: str, strip_brackets: bool = True) -> str:
    """The prompt text of a class name: ``[something]`` -> ``something``,
    whitespace collapsed."""
    if strip_brackets:
        name = _BRACKETS.sub(r'\1', name)
    return ' '.join(name.split())


def _require(path: str, what: str) -> None:
    if not osp.isfile(path):
        raise FileNotFoundError(f'{what} not found: {path}')


def read_class_names(path: str, strip_brackets: bool = True) -> List[str]:
    """Read an ``id,name`` csv (UTF-8, a byte-order mark allowed; header
    optional; names may be quoted and contain commas). The ids are
    ``0..N-1``, each once (rows in any order); names must be unique.

    Returns the list of class names (index = label id).
    """
    _require(path, 'class list')
    with open(path, newline='', encoding='utf-8-sig') as f:
        rows = [(lineno, row) for lineno, row in enumerate(csv.reader(f), 1)
                if row and ''.join(row).strip()]
    if rows and rows[0][0] == 1 and rows[0][1][0].strip().lower() == 'id':
        rows = rows[1:]
    by_id = {}
    for lineno, row in rows:
        if len(row) < 2:
            raise ValueError(f'{path}:{lineno}: expected "id,name", got '
                             f'{",".join(row)!r}')
        # An unquoted name with commas: join the rest back.
        idx, name = row[0].strip(), ','.join(row[1:])
        if not idx.isdigit() or int(idx) >= len(rows):
            raise ValueError(
                f'{path}:{lineno}: class id {idx!r} out of range (ids must be '
                f'0..{len(rows) - 1}, each once)')
        if int(idx) in by_id:
            raise ValueError(f'{path}:{lineno}: class id {idx} appears twice '
                             f'(ids must be 0..{len(rows) - 1}, each once)')
        by_id[int(idx)] = prompt_name(name, strip_brackets)
    names: List[str] = [by_id[i] for i in range(len(by_id))]
    if not names:
        raise ValueError(f'{path}: class list is empty')
    seen = {}
    for i, name in enumerate(names):
        if name in seen:
            raise ValueError(
                f'{path}: duplicate class name {name!r} (ids {seen[name]} '
                f'and {i}); give every class a unique name')
        seen[name] = i
    return names


def write_class_names(path: str, names: Sequence[str]) -> None:
    """Write an ``id,name`` csv (names quoted where needed)."""
    with open(path, 'w', newline='', encoding='utf-8') as f:
        writer = csv.writer(f, lineterminator='\n')
        writer.writerow(['id', 'name'])
        for i, name in enumerate(names):
            writer.writerow([i, name])


def _split_video_line(line: str):
    """``(path, label text)`` of one list line: ``path label`` (the
    label is the last field; the path may contain spaces) or the official
    K400 form ``path, label`` / ``path,label``; None when there is no
    label."""
    parts = line.rsplit(None, 1)
    if len(parts) == 2 and parts[1].lstrip('-').isdigit():
        return parts[0], parts[1]
    rel, sep, label = line.rpartition(',')
    if sep and rel.strip() and label.strip().lstrip('-').isdigit():
        return rel.rstrip(), label.strip()
    return None


def read_video_list(path: str,
                    num_classes: int = None,
                    class_file: str = None,
                    root: str = None) -> List[Tuple[str, int, int]]:
    """Read ``<relative path> <label id>`` lines (the path may contain
    spaces; the label is the last field), also in the official K400 form
    ``<relative path>, <label id>``. Blank lines are skipped; ``#`` does
    not start a comment (HMDB file names begin with it).

    A comma right after the path belongs to the separator, unless
    ``root`` is given and only the path with the comma exists under it
    (a video really named ``clip.mp4,``).

    Returns ``[(relative path, label, line number)]``. With ``num_classes``,
    a label outside ``0..num_classes-1`` raises a one-line ``ValueError``
    naming the list, the line and ``class_file``.
    """
    _require(path, 'annotation file')
    entries = []
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            parts = _split_video_line(line)
            if parts is None:
                raise ValueError(f'{path}:{lineno}: expected "<relative path> '
                                 f'<label id>" (or "<relative path>, <label '
                                 f'id>"), got {line!r}')
            rel, label = parts[0], int(parts[1])
            if rel.endswith(','):
                bare = rel[:-1].rstrip()
                keep = root is not None and bare and not osp.exists(
                    osp.join(root, bare)) and osp.exists(osp.join(root, rel))
                if bare and not keep:
                    rel = bare
            if num_classes is not None and not 0 <= label < num_classes:
                raise ValueError(
                    f'{path}:{lineno}: label {label} out of range for the '
                    f'{num_classes} classes of {class_file or "the class list"}'
                    ' (add the missing classes to the class list or fix the '
                    'label)')
            entries.append((rel, label, lineno))
    return entries


def write_video_list(path: str, entries) -> None:
    """Write ``(relative path, label, ...)`` tuples as a video list."""
    with open(path, 'w', encoding='utf-8') as f:
        for entry in entries:
            f.write(f'{entry[0]} {entry[1]}\n')
