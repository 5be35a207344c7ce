"""Every Python file in tools/ is a thin entry point: at most 40 lines, no
function or class of its own (the logic lives in the ga2clip package)."""
import ast

import pytest

from conftest import REPO_ROOT

TOOLS = sorted((REPO_ROOT / 'tools').rglob('*.py'))


def test_tools_found():
    names = {p.relative_to(REPO_ROOT / 'tools').as_posix() for p in TOOLS}
    assert {'run_protocol.py', 'make_splits.py', 'demo.py', 'train.py',
            'data/prepare_videos.py'} <= names


@pytest.mark.parametrize('path', TOOLS,
                         ids=[p.relative_to(REPO_ROOT).as_posix()
                              for p in TOOLS])
def test_tool_is_thin(path):
    text = path.read_text()
    lines = text.count('\n') + (not text.endswith('\n'))
    assert lines <= 40, (f'{path.relative_to(REPO_ROOT)} has {lines} lines; '
                         'move its logic into projects/ga2clip/ga2clip/')
    defs = [n.name for n in ast.walk(ast.parse(text, str(path)))
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef,
                              ast.ClassDef))]
    assert not defs, (f'{path.relative_to(REPO_ROOT)} defines {defs}; '
                      'move them into projects/ga2clip/ga2clip/')
