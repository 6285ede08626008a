"""Every service's own samples, from many threads at once: each answer as the service says.

A service declares requests it answers as it should (``Service.samples``); here 8 threads
send all of them, in order, for a few iterations, against one tenant. Every answer must be
one its sample expects, none a 5xx, and no exception may be recorded on the server side. The
test is parametrized by service name, so a service installed under the entry point shows up
here by declaring samples, with no edit. Bounded by iterations, not time.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest
import requests

from pytest_mimic.cloud import MimicCloud

if TYPE_CHECKING:
    from pytest_mimic.services.base import Sample

THREADS = 8
ITERATIONS = 6
#: Liveness bound for joining the workers: a deadlock fails the test instead of hanging it.
JOIN_SECONDS = 120

#: Built like the session's cloud (every installed service) but never started: only the
#: names of the services that declare samples are read, at collection.
WITH_SAMPLES = [service.name for service in MimicCloud().services if service.samples()]


def _token(cloud: MimicCloud) -> str:
    creds = cloud.credentials
    body = {
        "auth": {
            "passwordCredentials": {"username": creds.username, "password": creds.password},
            "tenantId": creds.tenant_id,
        }
    }
    answer = requests.post(f"{cloud.auth_url}/tokens", json=body, timeout=10)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access"]["token"]["id"])


def _url(cloud: MimicCloud, prefix: str, sample: Sample) -> str:
    path = sample.path.format(region=cloud.region, tenant=cloud.credentials.tenant_id)
    return cloud.base_url + prefix.rstrip("/") + path


@pytest.mark.parametrize("name", WITH_SAMPLES)
def test_samples_from_many_threads_answer_as_expected(mimic_cloud, name):
    service = mimic_cloud.service(name)
    samples = list(service.samples())
    token = _token(mimic_cloud) if any(sample.auth for sample in samples) else ""
    failures: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            with requests.Session() as http:
                for _ in range(ITERATIONS):
                    for sample in samples:
                        headers = {"X-Auth-Token": token} if sample.auth else {}
                        answer = http.request(
                            sample.method,
                            _url(mimic_cloud, service.prefix, sample),
                            json=sample.body,
                            headers=headers,
                            timeout=30,
                        )
                        if answer.status_code not in sample.expect:
                            with lock:
                                failures.append(
                                    f"{sample.method} {sample.path} -> {answer.status_code} "
                                    f"(expected {sample.expect}): {answer.text[:200]}"
                                )
        except BaseException as error:  # reported in the test thread
            with lock:
                errors.append(error)

    threads = [threading.Thread(target=worker, name=f"{name}-{i}") for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_SECONDS)
    stuck = [thread.name for thread in threads if thread.is_alive()]

    assert not stuck, f"workers still running after {JOIN_SECONDS} s (deadlock?): {stuck}"
    assert not errors, errors
    assert not failures, failures[:5]
    served = mimic_cloud.calls(name)
    assert len(served) == THREADS * ITERATIONS * len(samples)
    assert not [call for call in served if call.status >= 500]
    mimic_cloud.check()
