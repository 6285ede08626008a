"""Counts of one fuzz run, so a long run's figures can be quoted.

One ``TALLY`` per process; ``conftest`` prints it in the terminal summary (adding up the
workers' under xdist) and writes it as JSON to ``$PYTEST_MIMIC_FUZZ_TALLY`` when set.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any


class Tally:
    """Fuzzed requests by status and service, setup requests, and what the harness lacked."""

    def __init__(self) -> None:
        self.sent = 0
        self.statuses: Counter[int] = Counter()
        self.services: Counter[str] = Counter()
        self.routes: Counter[str] = Counter()
        self.injected_5xx = 0
        self.unexpected_5xx = 0
        self.slowest = 0.0
        self.slowest_request = ""
        self.setup = 0
        self.setup_statuses: Counter[int] = Counter()
        self.recipe_failures: Counter[str] = Counter()
        self.unseeded: set[str] = set()
        self.unmade: set[str] = set()

    def fuzzed(
        self, route: str, service: str, status: int, seconds: float, *, injected: bool
    ) -> None:
        """Count one fuzzed request and its answer (status 0: none came)."""
        self.sent += 1
        self.statuses[status] += 1
        self.services[service] += 1
        self.routes[route] += 1
        if seconds > self.slowest:
            self.slowest, self.slowest_request = seconds, f"{route} -> {status}"
        if status >= 500:
            if injected:
                self.injected_5xx += 1
            else:
                self.unexpected_5xx += 1

    def setup_sent(self, status: int) -> None:
        self.setup += 1
        self.setup_statuses[status] += 1

    def recipe_failed(self, name: str, why: str) -> None:
        self.recipe_failures[f"{name}: {why.splitlines()[0][:160]}"] += 1

    # -- across processes --------------------------------------------------------------

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.sent,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "services": dict(sorted(self.services.items())),
            "routes": dict(sorted(self.routes.items())),
            "injected_5xx": self.injected_5xx,
            "unexpected_5xx": self.unexpected_5xx,
            "slowest_seconds": round(self.slowest, 4),
            "slowest_request": self.slowest_request,
            "setup_requests": self.setup,
            "setup_statuses": {str(k): v for k, v in sorted(self.setup_statuses.items())},
            "recipe_failures": dict(self.recipe_failures),
            "operations_without_seed": sorted(self.unseeded),
            "arguments_without_recipe": sorted(self.unmade),
        }

    def merge(self, other: dict[str, Any]) -> None:
        """Add another process's ``as_dict()``."""
        self.sent += other["requests"]
        self.statuses.update({int(k): v for k, v in other["statuses"].items()})
        self.services.update(other["services"])
        self.routes.update(other["routes"])
        self.injected_5xx += other["injected_5xx"]
        self.unexpected_5xx += other["unexpected_5xx"]
        if other["slowest_seconds"] > self.slowest:
            self.slowest = other["slowest_seconds"]
            self.slowest_request = other["slowest_request"]
        self.setup += other["setup_requests"]
        self.setup_statuses.update({int(k): v for k, v in other["setup_statuses"].items()})
        self.recipe_failures.update(other["recipe_failures"])
        self.unseeded.update(other["operations_without_seed"])
        self.unmade.update(other["arguments_without_recipe"])

    def write(self, path: str) -> None:
        with open(path, "w", encoding="utf-8") as file:
            json.dump(self.as_dict(), file, indent=2)
            file.write("\n")

    def lines(self) -> list[str]:
        """The terminal summary."""
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(self.statuses.items()))
        lines = [
            f"{self.sent} fuzzed requests to {len(self.routes)} routes "
            f"({', '.join(f'{s}: {n}' for s, n in sorted(self.services.items()))}); "
            f"{self.setup} setup requests",
            f"statuses: {statuses}",
            f"5xx: {self.injected_5xx + self.unexpected_5xx} "
            f"({self.injected_5xx} injected by fault rules or presets, "
            f"{self.unexpected_5xx} not injected); {self.statuses[0]} unanswered; "
            f"slowest answer {self.slowest:.3f} s ({self.slowest_request})",
        ]
        if self.unseeded:
            lines.append(
                "operations fuzzed without a known-good body (add one to tests/fuzz/seeds.py): "
                + ", ".join(sorted(self.unseeded))
            )
        if self.unmade:
            lines.append(
                "path arguments fuzzed without real values (add a recipe or a seed): "
                + ", ".join(sorted(self.unmade))
            )
        for failure, count in sorted(self.recipe_failures.items()):
            lines.append(f"recipe failed {count}x: {failure}")
        return lines


TALLY = Tally()
