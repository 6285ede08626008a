"""The dashboard (a live page of the running cloud) and the per-test HTML report."""

from __future__ import annotations

from pytest_mimic.dashboard.report import write_report
from pytest_mimic.dashboard.service import DASHBOARD_PATH, DashboardService

__all__ = ["DASHBOARD_PATH", "DashboardService", "write_report"]
