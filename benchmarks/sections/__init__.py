"""One module per measurement, each with ``run(args, device, ctx) -> dict``.

``ctx``: ``size`` (input side), ``model(name)`` (a cached model of a
``methods.py`` entry), ``results`` (the sections run so far on this device)
and ``sections`` (the ones asked for). ``SECTIONS`` is their run order.
"""
from benchmarks.sections import data, params, text, train
from benchmarks.sections import eval as eval_cost

SECTIONS = {'eval': eval_cost.run, 'train': train.run, 'text': text.run,
            'data': data.run, 'params': params.run}
