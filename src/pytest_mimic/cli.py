"""``pytest-mimic serve``: the same cloud, in the foreground, for clients outside pytest."""

from __future__ import annotations

import argparse
import json
import logging
import os
import shlex
import signal
import sys
import tomllib
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pytest_mimic.clock import real_sleep
from pytest_mimic.cloud import MimicCloud, is_loopback
from pytest_mimic.config import CloudConfig, parse_setting
from pytest_mimic.names import suggest
from pytest_mimic.parsing import parse_seconds
from pytest_mimic.server import IDLE_TIMEOUT
from pytest_mimic.state import Document, SeedError

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
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the fake cloud in the foreground")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    serve.set_defaults(command_parser=serve)
    serve.add_argument(
        "--port",
        type=_port,
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
    serve.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a cloud setting, as the ini options and mimic_cloud.configure() take it "
        "(e.g. check_tokens=false; repeatable; names as the ini options, without mimic_)",
    )
    serve.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="FILE",
        help="a TOML file of settings ([settings] table), scenarios (scenarios = [...]) and "
        "the state to start from ([seed] tables, or seed = 'FILE')",
    )
    serve.add_argument(
        "--seed",
        type=Path,
        default=None,
        metavar="FILE",
        help="a TOML or JSON state document (users, servers, load balancers, queues...) the "
        "server starts from and every reset returns to; GET /mimic/v1.1/state writes one",
    )
    serve.add_argument(
        "--scenario",
        dest="scenarios",
        action="append",
        default=[],
        metavar="NAME[:PARAM=VALUE,...]",
        help="a scenario kept across resets (repeatable; list them with pytest --mimic-scenarios)",
    )
    serve.add_argument(
        "--services-dir",
        type=_folder,
        default=None,
        metavar="DIR",
        help="a folder of your own services, one NAME.py each, mounted at /NAME/ and "
        "at Host NAME; edits take effect on the next request",
    )
    serve.add_argument("--verbose", "-v", action="store_true", help="log every request")
    return parser


def _version() -> str:
    try:
        return metadata.version("pytest-mimic-cloud")
    except metadata.PackageNotFoundError:
        try:
            return metadata.version("pytest-mimic")
        except metadata.PackageNotFoundError:
            return "unknown"


@dataclass(frozen=True)
class ServeConfig:
    """What ``--config``, ``--set`` and ``--seed`` give, read and checked once."""

    settings: dict[str, Any] = field(default_factory=dict)
    scenarios: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    #: The state document (or the path of one) to start from, if any.
    seed: Document | None = None


#: The keys a ``--config`` file may have.
CONFIG_KEYS = ("settings", "scenarios", "seed")


def read_config(
    pairs: Sequence[str], config_file: Path | None, seed_file: Path | None = None
) -> ServeConfig:
    """Settings, scenarios and seed from ``--config FILE``, then ``--set`` (which wins) and
    ``--seed FILE``.

    Raises ``ValueError`` with a message naming the bad setting, file or scenario.
    """
    settings, scenarios, seed = read_settings(pairs, config_file)
    if seed_file is not None:
        if seed is not None:
            raise ValueError(
                f"--seed {seed_file} and a seed in --config {config_file}: give one of them"
            )
        seed = seed_file
    return ServeConfig(settings, scenarios, seed)


def read_settings(
    pairs: Sequence[str], config_file: Path | None
) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]], Document | None]:
    """Settings, scenarios and seed from ``--config FILE`` then ``--set`` (which wins).

    A seed is a ``[seed]`` table (its sections ``[seed.nova]``...) or ``seed = "FILE"``
    (relative to the config file). Raises ``ValueError`` with a message naming the bad
    setting, file or scenario.
    """
    settings: dict[str, Any] = {}
    scenarios: list[tuple[str, dict[str, Any]]] = []
    seed: Document | None = None
    base = CloudConfig()
    if config_file is not None:
        try:
            document = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except OSError as error:
            raise ValueError(f"--config {config_file}: {error.strerror or error}") from None
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"--config {config_file}: not valid TOML: {error}") from None
        for key in document:
            if key not in CONFIG_KEYS:
                raise ValueError(
                    f"--config {config_file}: no table or key named {key!r}"
                    f"{suggest(key, CONFIG_KEYS)}; use [settings], scenarios = [...] and "
                    "[seed] (or seed = 'FILE')"
                )
        raw_seed = document.get("seed")
        if isinstance(raw_seed, str):
            seed = config_file.parent / raw_seed
        elif isinstance(raw_seed, dict):
            seed = raw_seed
        elif raw_seed is not None:
            raise ValueError(
                f"--config {config_file}: seed must be a table or the path of a state document"
            )
        table = document.get("settings", {})
        if not isinstance(table, dict):
            raise ValueError(f"--config {config_file}: [settings] must be a table")
        for name, value in table.items():
            settings[name] = parse_setting(name, value, base)
        listed = document.get("scenarios", [])
        if not isinstance(listed, list) or not all(isinstance(x, str) for x in listed):
            raise ValueError(f"--config {config_file}: scenarios must be a list of strings")
        scenarios += [parse_scenario(text) for text in listed]
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise ValueError(f"--set {pair!r}: expected NAME=VALUE")
        settings[name.strip()] = parse_setting(name.strip(), value, base)
    return settings, scenarios, seed


def parse_scenario(text: str) -> tuple[str, dict[str, Any]]:
    """``"nova.slow_build:seconds=30"`` -> ``("nova.slow_build", {"seconds": 30.0})``;
    values are read as JSON when they can be (numbers, true/false), else as text.
    """
    name, _, rest = text.partition(":")
    parameters: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in rest.split(","))):
        key, sep, value = part.partition("=")
        if not sep:
            raise ValueError(f"--scenario {text!r}: parameters are KEY=VALUE, not {part!r}")
        try:
            parameters[key.strip()] = json.loads(value)
        except ValueError:
            parameters[key.strip()] = value.strip()
    return name.strip(), parameters


def _port(text: str) -> int:
    try:
        return check_port(int(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a port number from 0 to 65535 (0 picks a free one), not {text!r}"
        ) from None


def check_port(port: int) -> int:
    """``port`` if a socket can bind it (0 to 65535), else ``ValueError``: a bigger number
    would end in an ``OverflowError`` from the socket module, far from the flag that gave it.
    """
    if not 0 <= port <= 65535:
        raise ValueError(f"{port} is not a port number (0 to 65535)")
    return port


def _positive_seconds(text: str) -> float:
    try:
        return parse_seconds(text, "the value", positive=True)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a positive number of seconds, not {text!r}"
        ) from None


def _folder(text: str) -> Path:
    folder = Path(text)
    if not folder.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is not a folder")
    return folder.resolve()


def _positive_count(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return count


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line, with a mistake in a command's flags shown with that command's usage
    (argparse would show the top-level one) and the closest flag suggested.
    """
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        command: argparse.ArgumentParser = args.command_parser
        flags = [flag for action in command._actions for flag in action.option_strings]
        first = extra[0].split("=", 1)[0]
        command.error(f"unrecognized arguments: {' '.join(extra)}{suggest(first, flags)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    port = args.port
    if port is None:
        raw = os.environ.get("PORT", str(DEFAULT_PORT))
        try:
            port = check_port(int(raw))
        except ValueError:
            print(
                f"pytest-mimic: $PORT must be a port number from 0 to 65535, not {raw!r}",
                file=sys.stderr,
            )
            return 2
    try:
        given = read_config(args.settings, args.config, args.seed)
        config = CloudConfig().replace(**given.settings)
    except (TypeError, ValueError) as error:
        print(f"pytest-mimic: {error}", file=sys.stderr)
        return 2
    return serve(
        args.host,
        port,
        verbose=args.verbose,
        keep_alive=args.keep_alive,
        idle_timeout=args.idle_timeout,
        journal_size=args.journal_size,
        config=config,
        scenarios=[*given.scenarios, *(parse_scenario(text) for text in args.scenarios)],
        services_dir=args.services_dir,
        seed=given.seed,
    )


def serve(
    host: str,
    port: int,
    *,
    verbose: bool = False,
    keep_alive: bool = True,
    idle_timeout: float = IDLE_TIMEOUT,
    journal_size: int = DEFAULT_JOURNAL_SIZE,
    config: CloudConfig | None = None,
    scenarios: Sequence[tuple[str, dict[str, Any]]] = (),
    services_dir: Path | None = None,
    seed: Document | None = None,
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
        config=config,
        keep_alive=keep_alive,
        idle_timeout=idle_timeout,
        journal_size=journal_size,
    )
    if services_dir is not None:
        from pytest_mimic.user_services import attach_folder

        attach_folder(cloud, services_dir)
    try:
        for name, parameters in scenarios:
            cloud.keep_scenario(name, **parameters)
    except (TypeError, ValueError) as error:
        print(f"pytest-mimic: --scenario: {error}", file=sys.stderr)
        return 2
    if seed is not None:
        try:
            cloud.keep_seed(seed)
        except SeedError as error:
            print(f"pytest-mimic: seed: {error}", file=sys.stderr)
            return 2
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
    print(banner(cloud))
    sys.stdout.flush()

    while not received:
        real_sleep(STOP_POLL_SECONDS)
    cloud.stop()
    print("pytest-mimic stopped")
    return 0


def banner(cloud: MimicCloud) -> str:
    """What ``serve`` prints once it listens: the address, then shell lines (indented) that
    point every client we name at it, then unindented lines (how to use them, and the
    dashboard's address), so a reader knows where the lines to paste end.
    """
    lines = [f"pytest-mimic serving on {cloud.base_url}"]
    for name, value in cloud.environment().items():
        if name not in {"NO_PROXY", "no_proxy"}:
            lines.append(f"  export {name}={shlex.quote(value)}")
    lines += [f"  {line}" for line in cloud.shell_setup()]
    lines.append("Paste the indented lines into a shell (sh, bash, zsh); Ctrl-C stops the server.")
    lines.append(f"Dashboard: {cloud.dashboard_url}")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
