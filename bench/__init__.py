"""pytest-mimic's one benchmark: ``python -m bench`` prints one table of ratios.

``bench.run`` is the command, ``bench.harness`` the registry and the interleaved sampling,
``bench.ceiling`` the do-nothing app the fake is compared with, and ``bench.rows`` holds one
module of rows per service. It reports; it never fails on a figure.
"""
