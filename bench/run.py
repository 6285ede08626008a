"""Measure pytest-mimic against baselines taken in the same run and print one markdown table.

Every figure is the median of interleaved rounds (A B, then B A, ...) and is divided by a
baseline measured in the same rounds: a do-nothing app on the same server, the socket path,
json.dumps of the same document, a test without the fixture. Each row runs in a fresh
interpreter, where the client and the server share the process as they do under pytest (the
server on a thread). Goals from the speed issue are reported in the table, never asserted.
Run from the repository root:

    python -m bench                 # the full run (a few minutes on 2 cores)
    python -m bench --quick         # CI-sized, fewer and shorter rounds
    python -m bench --only spine,nova-list --json results.json
    python -m bench --list          # the rows and their groups
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

if not __package__:  # python bench/run.py: import the package, not the folder's modules
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.harness import Bench, BenchError, Line, load_rows, number, select_rows

if TYPE_CHECKING:
    from collections.abc import Sequence

    from bench.harness import Row

_HEADER = (
    "| row | measurement | figure | baseline (same run, interleaved) | ratio "
    "| per-round ratio, 25-75 % | goal | met? |"
)
_RULE = "| --- | --- | ---: | --- | ---: | --- | --- | --- |"


def _spread(ratios: list[float]) -> str:
    if len(ratios) < 2:
        return "-"
    low, _, high = statistics.quantiles(ratios, n=4, method="inclusive")
    return f"{low:.2f}-{high:.2f}"


def table(results: Sequence[tuple[Row, list[Line]]]) -> str:
    """The markdown table of every line of every row measured."""
    out = [_HEADER, _RULE]
    for measured, lines in results:
        for position, line in enumerate(lines):
            ratio = line.ratio
            base = line.base
            baseline = "-"
            if line.baseline is not None and base is not None:
                baseline = f"{line.baseline}: {number(base)} {line.unit}"
            cells = [
                f"`{measured.name}`" if position == 0 else "",
                line.what,
                f"{number(line.figure)} {line.unit}",
                baseline,
                "-" if ratio is None else f"{ratio:.2f}",
                _spread(line.round_ratios),
                "-" if line.goal is None else line.goal.describe(),
                line.met,
            ]
            out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = ""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next(
                (row.split(":", 1)[1].strip() for row in cpuinfo if row.startswith("model name")),
                "",
            )
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": {
            name: version(name)
            for name in ("pytest-mimic-cloud", "werkzeug", "requests", "responses")
        },
    }


def _load() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def _isolated(measured: Row, bench: Bench) -> list[Line]:
    """Run ``measured`` in a fresh interpreter, so its figures do not depend on what other
    rows left in this process's heap (a reset after a big listing costs twice as much).
    """
    with tempfile.TemporaryDirectory(prefix="mimic-bench-") as folder:
        result = Path(folder) / "row.json"
        command = [sys.executable, str(Path(__file__).resolve()), "--child", measured.name]
        command += [str(result), *(["--quick"] if bench.quick else [])]
        command += [] if bench.verbose else ["--quiet"]
        done = subprocess.run(command, stdin=subprocess.DEVNULL, check=False)
        if done.returncode != 0 or not result.exists():
            raise BenchError(f"exit status {done.returncode}; its traceback is on stderr")
        document = json.loads(result.read_text())
    bench.notes += document["notes"]
    return [Line.from_json(line) for line in document["lines"]]


def _child(measured: Row, bench: Bench, result: Path) -> int:
    """The child's side of ``_isolated``: measure one row, write its lines as JSON."""
    try:
        lines = list(measured.run(bench))
    except Exception:
        traceback.print_exc()
        return 1
    document = {"lines": [line.to_json() for line in lines], "notes": bench.notes}
    result.write_text(json.dumps(document))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick", action="store_true", help="a CI-sized run: fewer, shorter rounds"
    )
    parser.add_argument("--only", metavar="ROW_NAMES", help="comma list of rows or groups")
    parser.add_argument("--json", metavar="FILE", type=Path, help="also save the results here")
    parser.add_argument("--list", action="store_true", help="list the rows and exit")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    parser.add_argument("--child", nargs=2, metavar=("ROW", "RESULT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    rows = load_rows()
    if args.child:
        name, result = args.child
        return _child(rows[name], Bench(quick=args.quick, verbose=not args.quiet), Path(result))
    if args.list:
        for known in rows.values():
            print(f"{known.name:<22} [{known.group}] {known.title}")
        return 0
    try:
        chosen = select_rows(rows, args.only)
    except BenchError as error:
        parser.error(str(error))

    bench = Bench(quick=args.quick, verbose=not args.quiet)
    load_before = _load()
    started = time.monotonic()
    results: list[tuple[Row, list[Line]]] = []
    failed: list[str] = []
    for position, chosen_row in enumerate(chosen, 1):
        bench.progress(
            f"{chosen_row.name} ({position}/{len(chosen)}, {time.monotonic() - started:.0f} s)"
        )
        try:
            results.append((chosen_row, _isolated(chosen_row, bench)))
        except BenchError as error:  # a report: say what failed, measure the rest
            failed.append(chosen_row.name)
            bench.note(f"{chosen_row.name}: FAILED: {error}")
    seconds = time.monotonic() - started
    load_after = _load()
    about = machine()

    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    mode = "--quick" if args.quick else "full"
    print(table(results))
    print()
    print(
        "Figures are medians of interleaved rounds (A B, then B A, ...); ratio = figure / "
        "baseline, medians of the same rounds; the spread is of the per-round ratios. "
        "Each row runs in a fresh interpreter holding both the client (one requests.Session) "
        "and the server thread, as under pytest. Goals are reported, not asserted."
    )
    print()
    print(
        f"Machine: {about['cpus']} CPUs ({about['cpu_model'] or 'unknown model'}), "
        f"Python {about['python']}, {about['platform']}; "
        + ", ".join(f"{name} {v}" for name, v in about["packages"].items())
        + "."
    )
    print(
        f"Run: {mode}, {when}, {seconds:.0f} s; load average (1, 5, 15 min) before "
        f"{', '.join(map(str, load_before))}, after {', '.join(map(str, load_after))}."
    )
    if bench.notes:
        print()
    for note in bench.notes:
        print(f"- {note}")

    if args.json:
        document = {
            "schema": 1,
            "mode": mode,
            "when": when,
            "seconds": round(seconds, 1),
            "loadavg_before": load_before,
            "loadavg_after": load_after,
            "machine": about,
            "rows": [
                {
                    "name": measured.name,
                    "group": measured.group,
                    "title": measured.title,
                    "lines": [line.to_json() for line in lines],
                }
                for measured, lines in results
            ],
            "notes": bench.notes,
            "failed": failed,
        }
        args.json.write_text(json.dumps(document, indent=2) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
