"""Old state handed to the reaper is freed off the caller's thread, and only once dropped."""

from __future__ import annotations

import threading
import weakref

from pytest_mimic.reaper import Reaper


class State:
    """Something a reset leaves behind; records the thread that freed it."""

    freed_on: list[str] = []  # noqa: RUF012 - shared record across instances, on purpose

    def __del__(self) -> None:
        State.freed_on.append(threading.current_thread().name)


def test_discarded_state_is_freed_by_the_reaper_thread():
    reaper = Reaper()
    state = State()
    alive = weakref.ref(state)
    State.freed_on.clear()

    reaper.discard(state)
    del state
    reaper.drain()

    assert alive() is None
    assert State.freed_on == ["pytest-mimic reaper"]


def test_a_full_queue_frees_inline_so_memory_stays_bounded():
    reaper = Reaper()
    gate = threading.Event()

    class Blocking:
        def __del__(self) -> None:
            gate.wait(10)

    reaper.discard(Blocking())  # the reaper thread now waits inside this one's __del__
    for _ in range(4):
        reaper.discard([0] * 10)  # fills the queue
    overflow = State()
    alive = weakref.ref(overflow)
    State.freed_on.clear()

    reaper.discard(overflow)
    del overflow

    assert alive() is None
    assert State.freed_on == [threading.current_thread().name]
    gate.set()
    reaper.drain()


def test_a_reset_empties_nova_at_once(mimic_cloud):
    nova = mimic_cloud.service("nova")
    tenant = mimic_cloud.credentials.tenant_id
    nova.set_quotas(tenant, maxTotalInstances=-1, maxTotalRAMSize=-1, maxTotalCores=-1)
    from pytest_mimic.services.nova.model import ServerQuery, ServerSpec

    nova.compute.create_servers(tenant, mimic_cloud.region, ServerSpec("r", "img", "2", count=50))

    mimic_cloud.reset()

    page = nova.compute.list_servers(tenant, mimic_cloud.region, ServerQuery(limit=1000))
    assert page.items == []
