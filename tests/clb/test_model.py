"""The state model alone: no HTTP, time from a plain variable."""

from __future__ import annotations

import pytest

from pytest_mimic.config import CloudConfig
from pytest_mimic.errors import ServiceError
from pytest_mimic.services.clb import errors, model


class Now:
    def __init__(self):
        self.value = 1_000_000.0

    def __call__(self):
        return self.value


@pytest.fixture
def now():
    return Now()


@pytest.fixture
def config():
    return {"value": CloudConfig()}


@pytest.fixture
def balancers(now, config):
    return model.LoadBalancers(now, lambda: config["value"])


def make(balancers, **spec):
    fields = {"name": "lb", "protocol": "HTTP", "port": 80, **spec}
    lb = balancers.create("t", "ORD", model.LoadBalancerSpec(**fields))
    return lb, model.Ref("t", "ORD", lb.id)


def test_status_is_read_from_the_clock(balancers, now, config):
    config["value"] = CloudConfig(clb_build_seconds=5, clb_update_seconds=7)
    lb, ref = make(balancers)
    assert lb.status_at(now()) == "BUILD"
    now.value += 5
    assert lb.status_at(now()) == "ACTIVE"
    balancers.nodes.add(ref, [model.NodeSpec("10.0.0.1", 80)], model.Transition())
    assert lb.status_at(now()) == "PENDING_UPDATE"
    assert lb.status_at(now() + 7) == "ACTIVE"


def test_a_transition_may_name_its_own_duration_or_end_in_error(balancers, now):
    lb, ref = make(balancers)
    balancers.update(ref, {"name": "x"}, model.Transition(seconds=3))
    assert (lb.status_at(now() + 2), lb.status_at(now() + 3)) == ("PENDING_UPDATE", "ACTIVE")
    now.value += 3
    balancers.update(ref, {"name": "y"}, model.Transition(error=True))
    assert lb.status_at(now() + 3600) == "ERROR"


def test_a_load_balancer_past_its_retention_is_forgotten(balancers, now, config):
    config["value"] = CloudConfig(clb_deleted_retention_seconds=60)
    lb, ref = make(balancers)
    balancers.delete(ref)
    assert balancers.find(ref) is lb
    now.value += 60
    assert balancers.find(ref) is None
    assert balancers._by_id == {}
    assert len(balancers._accounts[("t", "ORD")].load_balancers) == 0


def test_the_timeline_stays_short_however_often_a_load_balancer_changes(balancers, now):
    lb, ref = make(balancers)
    for n in range(200):
        now.value += 1
        spec = model.NodeSpec(f"10.0.{n // 250}.{n % 250 + 1}", 80)
        [node] = balancers.nodes.add(ref, [spec], model.Transition())
        now.value += 1
        balancers.nodes.delete(ref, node.id, model.Transition())
    assert len(lb.timeline._times) <= 2
    assert lb.nodes == {}
    assert lb.node_keys == {}


def test_a_node_feed_keeps_the_latest_entries_only(balancers):
    _lb, ref = make(balancers)
    [node] = balancers.nodes.add(ref, [model.NodeSpec("10.0.0.1", 80)], model.Transition())
    for weight in range(model.MAX_FEED_ENTRIES + 10):
        balancers.nodes.update(ref, node.id, {"weight": weight % 100 + 1}, model.Transition())
    assert len(balancers.nodes.feed(ref, node.id)) == model.MAX_FEED_ENTRIES


def test_ids_come_from_cloud_wide_counters_and_restart_on_reset(balancers):
    first, _ = make(balancers)
    other = balancers.create("u", "DFW", model.LoadBalancerSpec("b", "HTTP", 80))
    assert other.id == first.id + 1
    balancers.reset()
    again, _ = make(balancers)
    assert again.id == 1


def test_control_statuses_are_checked(balancers):
    lb, _ref = make(balancers)
    with pytest.raises(model.BadRequest):
        balancers.set_status(lb.id, "BUILD")
    with pytest.raises(model.NotFound):
        balancers.set_status(lb.id, "ERROR", tenant_id="someone-else")
    with pytest.raises(model.NotFound):
        balancers.nodes.set_status(lb.id, 99, "OFFLINE")


@pytest.mark.parametrize(
    ("error", "status", "fault"),
    [
        (errors.BadRequest("x"), 400, "badRequest"),
        (errors.ValidationFailed("x"), 400, "validationErrors"),
        (errors.NotFound("x"), 404, "itemNotFound"),
        (errors.Gone("x"), 410, "itemDeleted"),
        (errors.OverLimit("x"), 413, "absoluteLimit"),
        (errors.Immutable("x"), 422, "immutableEntity"),
        (errors.Unprocessable("x"), 422, "unprocessableEntity"),
    ],
)
def test_model_errors_are_service_errors_with_their_status(error, status, fault):
    """So ``RoutedService.handle`` catches them; the 413's fault is not the proxy's."""
    assert isinstance(error, ServiceError)
    assert (error.status, error.fault, error.message) == (status, fault, "x")


def test_validation_messages_are_one_per_line():
    error = errors.ValidationFailed("first", "second\nline")
    assert error.messages == ["first", "second line"]
    assert error.message.splitlines() == error.messages


def test_deleted_load_balancers_are_kept_up_to_a_count_within_their_retention(balancers, now):
    """Issue 17: 10,000 deletes kept 10,000 load balancers for 90 minutes; now the newest
    ``MAX_DELETED_KEPT`` per tenant and region, as Nova keeps its deleted servers."""
    refs = [make(balancers, name=f"lb-{n}")[1] for n in range(model.MAX_DELETED_KEPT + 5)]
    for ref in refs:
        balancers.delete(ref)
    now.value += 1  # well within the retention: only the count forgets them
    assert [balancers.find(ref) for ref in refs[:5]] == [None] * 5
    kept = [balancers.find(ref) for ref in refs[5:]]
    assert all(lb is not None and lb.status_at(now()) == "DELETED" for lb in kept)
