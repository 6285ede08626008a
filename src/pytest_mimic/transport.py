"""The contract between the dispatcher and what carries requests to it (the socket server,
the in-process transport): the environ keys they share and the exception that drops a
connection. A leaf module, so neither side imports the other.
"""

from __future__ import annotations

__all__ = ["CLIENT_TIMEOUT_KEY", "TIMED_OUT_KEY", "DropConnection"]

#: Set by a transport that knows the client's read timeout (the in-process one): injected
#: latency and hangs then last no longer than the client would wait.
CLIENT_TIMEOUT_KEY = "pytest_mimic.client_timeout"
#: Set by the dispatcher when the client's timeout ran out before injected latency did.
TIMED_OUT_KEY = "pytest_mimic.timed_out"


class DropConnection(BaseException):
    """Raised through Werkzeug (which only catches ``Exception``) to drop the connection.

    The transport catches it: ``reset`` chooses an RST over a plain close; ``hung`` says the
    connection was held without an answer first (the in-process transport turns that into
    the client's read timeout when the client would have given up).
    """

    def __init__(self, *, reset: bool, hung: bool = False) -> None:
        super().__init__("reset" if reset else "hang" if hung else "close")
        self.reset = reset
        self.hung = hung
