"""``pytest-mimic serve`` under CLB create/delete churn holds its memory (issue 17: every
deleted load balancer was kept for its 90-minute retention, +27 MB per 10,000)."""

from __future__ import annotations

from tests.support.churn import churn, serving

from pytest_mimic.services.clb.model import MAX_DELETED_KEPT

#: Rounds past the retention cap (1,000 per tenant and region), so every round forgets.
ROUNDS, PER_ROUND = 4, 1_500
#: What the last two rounds may add: without the cap they added about 11 MB.
PLATEAU_MB = 4.0


def test_serve_memory_plateaus_under_load_balancer_churn():
    assert PER_ROUND > MAX_DELETED_KEPT
    with serving() as (base, pid):
        figures = churn(base, pid, ROUNDS, PER_ROUND)
    growth = figures[-1] - figures[-3]
    assert growth < PLATEAU_MB, f"RSS by round (MB): {[round(mb, 1) for mb in figures]}"
