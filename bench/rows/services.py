"""Every installed service that declares samples: its first sample through the dispatcher.

A service joins this row by declaring ``samples()`` (see ``Sample``), with no edit here: one
line per service, requests per second of its first sample against the do-nothing app on
the same server replaying the very answer, measured in the same interleaved rounds.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

import requests

from bench.ceiling import DoNothingApp, serving
from bench.harness import Bench, BenchError, Line, expect, interleave, per_second, row
from bench.rows._cloud import bench_cloud, token
from pytest_mimic.cloud import MimicCloud

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_mimic.services.base import Sample, Service


def _with_samples(cloud: MimicCloud) -> list[Service]:
    return [service for service in cloud.services if service.samples()]


#: Named in the row's title, so ``--list`` shows which services it measures.
_MEASURED = ", ".join(service.name for service in _with_samples(MimicCloud())) or "none"


def _path(cloud: MimicCloud, service: Service, sample: Sample) -> str:
    """The sample's path on the server, for the default region and tenant."""
    path = sample.path.format(region=cloud.region, tenant=cloud.credentials.tenant_id)
    return service.prefix.rstrip("/") + path


def _rate(
    session: requests.Session,
    url: str,
    sample: Sample,
    headers: dict[str, str],
    count: int,
) -> float:
    """Requests per second of ``sample`` sent to ``url``, each checked against its expect."""
    send = partial(session.request, sample.method, url, json=sample.body, headers=headers)

    def call() -> None:
        answer: Any = send()
        if answer.status_code not in sample.expect:
            raise BenchError(
                f"{sample.method} {url} answered {answer.status_code}, "
                f"expected {sample.expect}: {answer.text[:300]}"
            )

    return per_second(count, call)


def _fresh(session: requests.Session, cloud: MimicCloud, auth: dict[str, str]) -> None:
    """A reset between samples, so what a sample makes cannot pile up into a quota; the
    reset forgets tokens too, so ``auth`` gets a new one."""
    cloud.reset()
    auth["X-Auth-Token"] = token(session, cloud)


@row("services", f"each service's first sample vs a do-nothing app ({_MEASURED})")
def services(bench: Bench) -> list[Line]:
    count = bench.pick(60, 20)
    rounds = bench.pick(20, 6)
    lines: list[Line] = []
    session = requests.Session()
    with bench_cloud() as cloud:
        auth = {"X-Auth-Token": token(session, cloud)}
        for service in _with_samples(cloud):
            sample = service.samples()[0]
            headers = auth if sample.auth else {}
            path = _path(cloud, service, sample)
            what = f"{service.name}: {sample.method} {sample.path}"
            bench.progress(f"  {what}")
            canned = DoNothingApp()
            canned.record(
                expect(
                    session.request(
                        sample.method, cloud.base_url + path, json=sample.body, headers=headers
                    ),
                    *sample.expect,
                )
            )
            with serving(canned) as ceiling:
                sides: dict[str, Callable[[], float]] = {
                    "do-nothing": partial(
                        _rate, session, ceiling.url + path, sample, headers, count
                    ),
                    "service": partial(
                        _rate, session, cloud.base_url + path, sample, headers, count
                    ),
                }
                got = interleave(sides, rounds, between=partial(_fresh, session, cloud, auth))
            lines.append(
                Line(
                    f"{what} (requests, keep-alive)",
                    "req/s",
                    got["service"],
                    "do-nothing app on the same server, same answer",
                    got["do-nothing"],
                )
            )
    session.close()
    return lines
