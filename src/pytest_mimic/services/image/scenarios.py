"""The Image service's known failures, as scenarios of the one fault engine (the ``Behave``
name the service understands is ``not-found``)."""

from __future__ import annotations

from pytest_mimic.faults import Behave, FaultRule, Respond
from pytest_mimic.scenarios import Parameter, Scenario, Setup

__all__ = ["SCENARIOS"]

#: Every operation that looks an image up, by id or in a list.
_LOOKUPS = (
    "list_images|get_image|update_image|delete_image|upload_image_data|download_image_data|"
    "add_image_tag|delete_image_tag"
)


def _not_found() -> Setup:
    rule = FaultRule(action=Behave("not-found"), service="image", operation=_LOOKUPS)
    return Setup(rules=[rule])


def _slow_snapshot(seconds: float) -> Setup:
    return Setup(settings={"image_snapshot_seconds": seconds})


def _down() -> Setup:
    message = "The server is currently unavailable. Please try again at a later time."
    return Setup(rules=[FaultRule(action=Respond(503, message), service="image")])


SCENARIOS = (
    Scenario(
        "image.not_found",
        "every image lookup finds nothing: GET /v2/images/{id} answers 404 and lists come "
        "back empty, as when the image was deleted or lives in another region",
        _not_found,
    ),
    Scenario(
        "image.slow_snapshot",
        "server snapshots (createImage) stay queued, then saving, for a while before active "
        "(simulated time: use time_travel)",
        _slow_snapshot,
        (Parameter("seconds", float, 600.0, "seconds until the snapshot is active"),),
    ),
    Scenario(
        "image.down",
        "the Image API answers 503 to everything: an outage of Glance",
        _down,
    ),
)
