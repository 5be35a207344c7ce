"""The package's import graph has no cycle (every import counted, also the
ones inside functions), and every module imports on its own in a fresh
interpreter."""
import ast
import subprocess
import sys
from pathlib import Path

from conftest import REPO_ROOT

PKG_ROOT = REPO_ROOT / 'projects' / 'ga2clip'
PKG = PKG_ROOT / 'ga2clip'


def _modules():
    """{dotted name: (path, is_package)} of every module of ``ga2clip``."""
    out = {}
    for path in sorted(PKG.rglob('*.py')):
        parts = list(path.relative_to(PKG_ROOT).with_suffix('').parts)
        is_pkg = parts[-1] == '__init__'
        if is_pkg:
            parts = parts[:-1]
        out['.'.join(parts)] = (path, is_pkg)
    return out


def import_graph():
    """{module: {ga2clip modules it imports}}. ``from X import name`` counts
    as an import of ``X.name`` when that is a module, else of ``X``;
    parent packages imported implicitly are not edges."""
    mods = _modules()
    graph = {}
    for name, (path, is_pkg) in mods.items():
        package = name if is_pkg else name.rpartition('.')[0]
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split('.')
                    base = base[:len(base) - node.level + 1]
                    base = '.'.join(base + ([node.module] if node.module
                                            else []))
                else:
                    base = node.module or ''
                targets = [f'{base}.{a.name}' if f'{base}.{a.name}' in mods
                           else base for a in node.names]
            else:
                continue
            edges.update(t for t in targets if t in mods and t != name)
        graph[name] = edges
    return graph


def find_cycle(graph):
    """One cycle as a list of modules, or None."""
    state, stack = {}, []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_graph_sees_imports():
    graph = import_graph()
    assert 'ga2clip.models' in graph['ga2clip']
    assert 'ga2clip.apis.inference' in graph['ga2clip.apis']
    # a cycle is reported when there is one
    assert find_cycle({'a': {'b'}, 'b': {'c'}, 'c': {'a'}}) == [
        'a', 'b', 'c', 'a']
    assert find_cycle({'a': {'b'}, 'b': set()}) is None


def test_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, 'import cycle: ' + ' -> '.join(cycle)
