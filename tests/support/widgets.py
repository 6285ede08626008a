"""A small service used to test the core: widgets that take time to build."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pytest_mimic.services.base import (
    RoutedService,
    ServiceContext,
    ServiceError,
    behaviors,
    expect_object,
    json_response,
    new_id,
    parse_json_body,
    peek_json_body,
    route,
)
from pytest_mimic.services.lifecycle import Timeline

if TYPE_CHECKING:
    from werkzeug.wrappers import Request, Response


class WidgetService(RoutedService):
    """``POST /widgets {"name", "build_seconds"}`` builds a widget that is READY later."""

    name: ClassVar[str] = "widgets"
    prefix: ClassVar[str] = "/widgets"
    described_attributes: ClassVar[frozenset[str]] = frozenset({"widget_name"})

    def __init__(self, context: ServiceContext) -> None:
        super().__init__(context)
        self.widgets: dict[str, tuple[str, Timeline]] = {}

    def reset(self) -> None:
        self.widgets.clear()

    def urls(self) -> dict[str, str]:
        return {"widgets": self.prefix}

    def describe(self, operation: str, request: Request, arguments: Any) -> dict[str, Any]:
        body = peek_json_body(request)
        if operation == "create_widget" and isinstance(body, dict):
            return {"widget_name": body.get("name")}
        return {}

    @route("/", methods=["POST"], operation="create_widget", auth=False)
    def create(self, request: Request) -> Response:
        body = expect_object(parse_json_body(request), "body")
        now = self.context.now()
        timeline = Timeline.starting(now, "BUILD")
        timeline.set(now + float(body.get("build_seconds", 0)), "READY")
        if any(b.name == "error" for b in behaviors(request)):
            timeline = Timeline.starting(now, "ERROR")
        widget_id = new_id()
        self.widgets[widget_id] = (str(body.get("name", "")), timeline)
        return json_response({"id": widget_id}, 201)

    @route("/<widget_id>", operation="get_widget", auth=False)
    def get(self, request: Request, widget_id: str) -> Response:
        if widget_id not in self.widgets:
            raise ServiceError(404, f"Widget {widget_id} not found.")
        name, timeline = self.widgets[widget_id]
        status = timeline.status_at(self.context.now())
        return json_response({"id": widget_id, "name": name, "status": status})

    @route("/boom", methods=["POST"], operation="explode", auth=False)
    def boom(self, request: Request) -> Response:
        raise RuntimeError("the widget factory exploded")
