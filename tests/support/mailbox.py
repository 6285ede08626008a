"""A small service used to test waiting handlers and the claim hook: a mailbox of letters
that become readable at a simulated time, taken by a long poll.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pytest_mimic.clock import real_monotonic
from pytest_mimic.services.base import (
    RoutedService,
    ServiceContext,
    json_response,
    parse_json_body,
    route,
)

if TYPE_CHECKING:
    from werkzeug.wrappers import Request, Response


class MailboxService(RoutedService):
    """``POST /mailbox/letters {"text", "delay"}``; ``GET /mailbox/letters?wait=S`` long-polls.

    Requests to ``/`` with an ``X-Mailbox`` header are claimed and served as the service's
    own ``/letters``.
    """

    name: ClassVar[str] = "mailbox"
    prefix: ClassVar[str] = "/mailbox"

    def __init__(self, context: ServiceContext) -> None:
        super().__init__(context)
        self.letters: list[tuple[float, str]] = []

    def reset(self) -> None:
        self.letters = []

    def claims(self, request: Request) -> bool:
        return "X-Mailbox" in request.headers

    @route("/letters", methods=["POST"], operation="post_letter", auth=False)
    @route("/", methods=["POST"], operation="post_letter", auth=False)
    def post(self, request: Request) -> Response:
        body: Any = parse_json_body(request)
        self.letters.append((self.context.now() + float(body.get("delay", 0)), body["text"]))
        self.context.notify_change()
        return json_response({"posted": body["text"]}, 201)

    @route("/letters", operation="take_letter", auth=False)
    def take(self, request: Request) -> Response:
        deadline = real_monotonic() + float(request.args.get("wait", 0))
        while True:
            now = self.context.now()
            for index, (due, text) in enumerate(self.letters):
                if due <= now:
                    del self.letters[index]
                    return json_response({"letter": text})
            left = deadline - real_monotonic()
            if left <= 0:
                return json_response({"letter": None})
            self.context.wait_for_change(request, left)

    @route("/count", operation="count_letters", auth=False)
    def count(self, request: Request) -> Response:
        return json_response({"count": len(self.letters)})
