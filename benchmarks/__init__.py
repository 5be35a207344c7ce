"""Benchmarks of GA2-CLIP and the other methods (``benchmarks/bench.py``).

``methods.py`` is the table of models, ``common.py`` the timing and
model-building helpers, ``sections/`` one module per measurement and
``report.py`` the markdown tables.
"""
