"""``python -m pytest_mimic serve``: the console script without relying on PATH."""

from __future__ import annotations

import sys

from pytest_mimic.cli import main

sys.exit(main())
