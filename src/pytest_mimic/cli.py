"""``pytest-mimic serve``: the same cloud, in the foreground, for clients outside pytest."""

from __future__ import annotations

import argparse
import logging
import math
import os
import signal
import sys
from typing import TYPE_CHECKING

from pytest_mimic.clock import real_sleep
from pytest_mimic.cloud import MimicCloud, is_loopback
from pytest_mimic.server import IDLE_TIMEOUT

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import FrameType

DEFAULT_PORT = 8900
#: Calls ``serve`` keeps in its journal: nothing resets a standalone server between tests.
DEFAULT_JOURNAL_SIZE = 1000
#: How often the foreground loop looks for a stop signal (a signal also cuts a sleep short).
STOP_POLL_SECONDS = 0.05


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pytest-mimic", description="Fake OpenStack, Rackspace and AWS services."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the fake cloud in the foreground")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve.add_argument(
        "--port",
        type=int,
        default=None,
        help=f"port to listen on (default $PORT or {DEFAULT_PORT}; 0 picks a free one)",
    )
    serve.add_argument(
        "--no-keep-alive",
        dest="keep_alive",
        action="store_false",
        help="close every connection after its response (default: HTTP/1.1 keep-alive)",
    )
    serve.add_argument(
        "--idle-timeout",
        type=_positive_seconds,
        default=IDLE_TIMEOUT,
        metavar="SECONDS",
        help=f"seconds an idle kept-alive connection stays open (default {IDLE_TIMEOUT:g})",
    )
    serve.add_argument(
        "--journal-size",
        type=_positive_count,
        default=DEFAULT_JOURNAL_SIZE,
        metavar="CALLS",
        help="calls the journal keeps, oldest dropped first; memory stays bounded "
        f"(default {DEFAULT_JOURNAL_SIZE}; POST /mimic/v1.1/reset empties it)",
    )
    serve.add_argument("--verbose", "-v", action="store_true", help="log every request")
    return parser


def _positive_seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {text!r}")
    return seconds


def _positive_count(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return count


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    port = args.port
    if port is None:
        raw = os.environ.get("PORT", str(DEFAULT_PORT))
        try:
            port = int(raw)
        except ValueError:
            print(f"pytest-mimic: $PORT must be a number, not {raw!r}", file=sys.stderr)
            return 2
    return serve(
        args.host,
        port,
        verbose=args.verbose,
        keep_alive=args.keep_alive,
        idle_timeout=args.idle_timeout,
        journal_size=args.journal_size,
    )


def serve(
    host: str,
    port: int,
    *,
    verbose: bool = False,
    keep_alive: bool = True,
    idle_timeout: float = IDLE_TIMEOUT,
    journal_size: int = DEFAULT_JOURNAL_SIZE,
) -> int:
    """Run until Ctrl-C or SIGTERM; returns the process exit code."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(message)s",
        stream=sys.stderr,
    )
    # Handlers go in before anything is printed: a supervisor that reads our first line and
    # sends SIGTERM must be obeyed, even when it started us with SIGTERM ignored (the default
    # disposition we would otherwise rely on is then SIG_IGN, and the signal is lost).
    # The handler takes no lock: it runs between two bytecodes of the main thread, which may
    # be holding that very lock (Event.set from a handler can deadlock Event.wait).
    received: list[int] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    cloud = MimicCloud(
        host=host,
        port=port,
        keep_alive=keep_alive,
        idle_timeout=idle_timeout,
        journal_size=journal_size,
    )
    try:
        cloud.start()
    except OSError as error:
        print(
            f"pytest-mimic: cannot listen on {host}:{port}: {error.strerror or error}",
            file=sys.stderr,
        )
        return 1
    if not is_loopback(host):
        print(
            f"WARNING: listening on {host}: anyone who can reach this address can use the "
            "fake cloud (it has no real security).",
            file=sys.stderr,
        )
    print(f"pytest-mimic serving on {cloud.base_url}")
    for name, value in cloud.environment().items():
        if name not in {"NO_PROXY", "no_proxy"}:
            print(f"  export {name}={value}")
    sys.stdout.flush()

    while not received:
        real_sleep(STOP_POLL_SECONDS)
    cloud.stop()
    print("pytest-mimic stopped")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
