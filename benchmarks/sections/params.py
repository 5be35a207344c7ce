"""Trainable / total parameters of each table method with ``params=True``."""
from typing import Dict

from benchmarks import methods
from benchmarks.common import count_params


def run(args, device, ctx) -> Dict:
    rows = []
    for name in methods.params_names():
        model = ctx['model'](name)
        rows.append(dict(name=name, **count_params(model)))
    return dict(rows=rows, note='GA2 anchor modes add no parameter')
