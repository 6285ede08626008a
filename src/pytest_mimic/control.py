"""The HTTP control plane under ``/mimic``: doors to the clock and the presets for clients
that are not Python (another process, another language), as the original Mimic had.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, ClassVar

from pytest_mimic.clock import isoformat_z
from pytest_mimic.services.base import (
    RoutedService,
    ServiceError,
    expect_object,
    json_response,
    parse_json_body,
    route,
)

if TYPE_CHECKING:
    from werkzeug.wrappers import Request, Response


class ControlService(RoutedService):
    """``POST /mimic/v1.1/tick``, ``POST /mimic/v1.1/reset`` and ``GET /mimic/v1.0/presets``."""

    name: ClassVar[str] = "mimic"
    prefix: ClassVar[str] = "/mimic"

    @route("/v1.1/tick", methods=["POST"], operation="tick", auth=False)
    def tick(self, request: Request) -> Response:
        """Advance the clock by ``{"amount": seconds}``; answers ``{"advanced", "now"}``.

        A move past 9999-12-31 (``clock.LATEST``) is a 400 and leaves the clock alone; up to
        there every fake keeps working (token expiries stop at 9999-12-31T23:59:59).
        """
        body = expect_object(parse_json_body(request), "body")
        amount: Any = body.get("amount")
        if isinstance(amount, bool) or not isinstance(amount, int | float):
            raise ServiceError(400, "'amount' must be a number of seconds.")
        try:
            seconds = float(amount)  # a 400-digit integer overflows here
        except OverflowError:
            seconds = math.inf
        if seconds < 0 or not math.isfinite(seconds):
            raise ServiceError(400, "'amount' must be a finite, non-negative number of seconds.")
        try:
            now = self.context.clock.advance(seconds)
        except ValueError as error:
            raise ServiceError(400, f"'amount' is too large: {error}.") from None
        return json_response({"advanced": amount, "now": isoformat_z(now)})

    @route("/v1.1/reset", methods=["POST"], operation="reset", auth=False)
    def reset_cloud(self, request: Request) -> Response:
        """Fresh state everywhere, as between two tests: services, fault rules, journal,
        clock, settings and recorded errors. Answers 204.
        """
        if self.context.reset_cloud is None:
            raise ServiceError(501, "This server has no cloud to reset.")
        self.context.reset_cloud()
        return json_response(None, 204)

    @route("/v1.0/presets", operation="list_presets", auth=False)
    def list_presets(self, request: Request) -> Response:
        """Every service's magic values, merged into one document."""
        merged: dict[str, Any] = {}
        for service in self.context.services:
            merged.update(service.presets())
        return json_response(merged)
