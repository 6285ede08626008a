"""The compute model alone: no HTTP, time only from a hand-moved clock."""

from __future__ import annotations

import re

import pytest

from pytest_mimic.clock import Clock
from pytest_mimic.config import CloudConfig
from pytest_mimic.errors import ServiceError
from pytest_mimic.services.nova import model


@pytest.fixture
def clock():
    clock = Clock()
    clock.freeze()
    return clock


@pytest.fixture
def config():
    return {"value": CloudConfig()}


@pytest.fixture
def compute(clock, config):
    return model.Compute(clock.now, lambda: config["value"])


def spec(name="s", **changes):
    return model.ServerSpec(**{"name": name, "image_ref": "img", "flavor_ref": "2", **changes})


def test_build_turns_active_when_the_clock_passes_the_build_time(compute, clock, config):
    config["value"] = CloudConfig(server_build_seconds=30)
    [server] = compute.create_servers("t", "ORD", spec())
    assert server.status_at(clock.now()) == "BUILD"
    assert server.progress_at(clock.advance(15)) == 50
    assert server.status_at(clock.advance(15)) == "ACTIVE"
    assert server.updated_at(clock.now()) == server.created + 30


def test_active_then_error_records_a_fault(compute, clock):
    behaviour = model.CreationBehaviour(error_after=10)
    [server] = compute.create_servers("t", "ORD", spec(), behaviour)
    assert server.fault_at(clock.now()) is None
    assert server.fault_at(clock.advance(10))["code"] == 500


def test_deleted_servers_release_quota_and_vanish(compute):
    [server] = compute.create_servers("t", "ORD", spec())
    compute.delete_server("t", "ORD", server.id)
    assert compute.find_server("t", "ORD", server.id) is None
    assert compute.limits("t", "ORD")["totalInstancesUsed"] == 0
    with pytest.raises(model.NotFound):
        compute.delete_server("t", "ORD", server.id)


def test_min_max_count_creates_numbered_servers(compute):
    servers = compute.create_servers("t", "ORD", spec("web", count=3))
    assert [s.name for s in servers] == ["web-1", "web-2", "web-3"]
    assert len({s.access_ipv4 for s in servers}) == 3


def test_quota_counts_the_whole_request(compute):
    compute.set_quotas("t", maxTotalInstances=2)
    with pytest.raises(model.Forbidden, match="Requested 3, but already used 0 of 2 instances"):
        compute.create_servers("t", "ORD", spec(count=3))


def test_unknown_quota_name_is_a_type_error(compute):
    with pytest.raises(TypeError):
        compute.set_quotas("t", maxWidgets=1)


def test_name_filter_is_a_regex_search(compute):
    for name in ("web-1", "api-web", "db"):
        compute.create_servers("t", "ORD", spec(name))
    page = compute.list_servers("t", "ORD", model.ServerQuery(name=re.compile("web")))
    assert [s.name for s in page.items] == ["api-web", "web-1"]


def test_unknown_marker_is_novas_400(compute):
    with pytest.raises(model.MarkerNotFound) as raised:
        compute.list_servers("t", "ORD", model.ServerQuery(marker="nope"))
    assert (raised.value.status, raised.value.message) == (400, "marker [nope] not found")


@pytest.mark.parametrize(
    ("error", "status", "fault"),
    [
        (model.InvalidInput, 400, "badRequest"),
        (model.Forbidden, 403, "forbidden"),
        (model.NotFound, 404, "itemNotFound"),
        (model.Conflict, 409, "conflictingRequest"),
    ],
)
def test_model_errors_carry_novas_status_and_fault(error, status, fault):
    """The HTTP layer renders model errors as they are: nothing maps them on the way."""
    raised = error("why")
    assert isinstance(raised, ServiceError)
    assert (raised.status, raised.fault, raised.message) == (status, fault, "why")


def test_a_page_of_10000_servers_reads_only_about_the_page(compute, monkeypatch):
    """Paging cost follows the page size, not the tenant size: count status reads."""
    compute.set_quotas("t", maxTotalInstances=-1, maxTotalRAMSize=-1)
    servers = compute.create_servers("t", "ORD", spec(count=10_000))
    reads = []
    original = model.Server.status_at

    def counting(self, now):
        reads.append(self.id)
        return original(self, now)

    monkeypatch.setattr(model.Server, "status_at", counting)
    query = model.ServerQuery(marker=servers[9_000].id, limit=10)
    page = compute.list_servers("t", "ORD", query)
    assert [s.id for s in page.items] == [s.id for s in servers[8_999:8_989:-1]]
    assert page.more
    assert len(reads) <= 10


def test_actions_respect_state(compute, clock):
    [server] = compute.create_servers("t", "ORD", spec())
    compute.rescue("t", "ORD", server.id)
    with pytest.raises(model.Conflict, match="vm_state rescued"):
        compute.reboot("t", "ORD", server.id, hard=False)
    compute.unrescue("t", "ORD", server.id)
    compute.reboot("t", "ORD", server.id, hard=False)
    with pytest.raises(model.Conflict, match="task_state rebooting"):
        compute.resize("t", "ORD", server.id, "3")
    clock.advance(model.ACTION_SECONDS["reboot_soft"])
    compute.resize("t", "ORD", server.id, "3")


def test_resize_beyond_ram_quota_is_forbidden(compute):
    compute.set_quotas("t", maxTotalRAMSize=1000)
    [server] = compute.create_servers("t", "ORD", spec())
    with pytest.raises(model.Forbidden, match="ram"):
        compute.resize("t", "ORD", server.id, "3")
    assert compute.server("t", "ORD", server.id).flavor.id == "2"


def test_strict_refs_reject_unknown_ids(compute, config):
    config["value"] = CloudConfig(strict_compute_refs=True)
    with pytest.raises(model.InvalidInput, match="image"):
        compute.create_servers("t", "ORD", spec())


def test_reset_forgets_servers_keypairs_and_quotas(compute):
    compute.set_quotas("t", maxTotalInstances=1)
    compute.create_servers("t", "ORD", spec())
    compute.create_keypair("t", "ORD", "k", None)
    compute.reset()
    assert compute.keypairs("t", "ORD") == []
    assert len(compute.create_servers("t", "ORD", spec(count=2))) == 2
