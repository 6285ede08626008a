"""Property-based fuzzing of every route of every service (see ``test_fuzz_routes``)."""

from __future__ import annotations
