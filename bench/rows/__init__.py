"""The table's rows, one module per service.

Every module here (but ``_``-prefixed helpers) is imported by the harness; its functions
decorated with ``bench.harness.row`` become rows of the table, grouped under the module's
name (``core`` first, then the others by name). A new service adds a module, say
``clb.py``, with ``@row("clb-nodes", "...")`` functions that return ``Line`` objects, each
a figure divided by a baseline measured in the same interleaved rounds. Nothing else
changes: ``--only clb-nodes`` (or ``--only clb`` for the whole group) and ``--json`` work at
once.
"""
