from __future__ import annotations

import pytest

from tests.support.widgets import WidgetService


@pytest.fixture
def widgets(mimic_session_cloud, mimic_cloud):
    """The core's test service, added to the session cloud next to the real ones; its URL."""
    if "widgets" not in {s.name for s in mimic_session_cloud.services}:
        mimic_session_cloud.register(WidgetService)
    return mimic_cloud.url("widgets")
