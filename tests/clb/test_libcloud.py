"""The whole load balancer life through unmodified apache-libcloud (Rackspace LB driver)."""

from __future__ import annotations

import pytest
from libcloud.common.exceptions import BaseHTTPError
from libcloud.common.types import LibcloudError
from libcloud.loadbalancer.base import Algorithm, Member
from libcloud.loadbalancer.types import MemberCondition, State


def wait_until_active(driver, balancer_id, time_travel, step=1.0, limit=600):
    """Poll like a client does, moving the clock instead of sleeping."""
    for _ in range(int(limit / step)):
        balancer = driver.get_balancer(balancer_id)
        if balancer.state == State.RUNNING:
            return balancer
        time_travel.advance(step)
    raise AssertionError(f"load balancer {balancer_id} never became ACTIVE")


def test_libcloud_drives_the_whole_life(mimic_cloud, libcloud_lb, time_travel):
    mimic_cloud.configure(clb_build_seconds=20, clb_update_seconds=5, clb_delete_seconds=10)
    driver = libcloud_lb
    time_travel.advance_on_sleep()

    assert {"http", "https", "tcp"} <= set(driver.list_protocols())
    assert ("https", 443) in driver.ex_list_protocols_with_default_ports()
    assert "ROUND_ROBIN" in driver.ex_list_algorithm_names()

    created = driver.create_balancer(
        "web-1",
        [Member(None, "10.0.0.10", 80)],
        protocol="http",
        port=80,
        algorithm=Algorithm.ROUND_ROBIN,
    )
    assert created.state == State.PENDING  # BUILD
    balancer = wait_until_active(driver, created.id, time_travel)
    assert balancer.extra["algorithm"] == Algorithm.ROUND_ROBIN
    assert balancer.extra["created"] is not None  # timestamps without a fraction parse
    assert [b.id for b in driver.list_balancers()] == [created.id]
    (first,) = driver.balancer_list_members(balancer)
    assert (first.ip, first.port) == ("10.0.0.10", 80)

    added = driver.balancer_attach_member(balancer, Member(None, "10.0.0.11", 8080))
    assert added.id is not None
    assert driver.get_balancer(balancer.id).state == State.PENDING  # PENDING_UPDATE
    balancer = wait_until_active(driver, balancer.id, time_travel)
    assert driver.balancer_detach_member(balancer, added) is True
    balancer = wait_until_active(driver, balancer.id, time_travel)
    assert [m.id for m in driver.balancer_list_members(balancer)] == [first.id]

    updated = driver.ex_balancer_update_member(
        balancer, first, weight=7, condition=MemberCondition.DRAINING
    )
    assert updated.extra == {"weight": 7, "condition": MemberCondition.DRAINING, "status": "ONLINE"}

    renamed = driver.update_balancer(balancer, name="web-renamed")  # PUT, then polls GET
    assert (renamed.name, renamed.state) == ("web-renamed", State.RUNNING)

    assert driver.destroy_balancer(renamed) is True
    assert driver.get_balancer(renamed.id).state == State.PENDING  # PENDING_DELETE
    time_travel.advance(10)
    assert driver.get_balancer(renamed.id).state == State.DELETED
    assert driver.list_balancers() == []
    time_travel.advance(mimic_cloud.config.clb_deleted_retention_seconds)
    with pytest.raises(BaseHTTPError) as raised:
        driver.get_balancer(renamed.id)
    assert raised.value.code == 404


def test_libcloud_update_balancer_raises_when_the_balancer_turns_error(
    libcloud_lb, clb_service, mimic_cloud, time_travel
):
    mimic_cloud.configure(clb_update_seconds=30)
    time_travel.advance_on_sleep()
    balancer = libcloud_lb.create_balancer("web-1", [Member(None, "10.0.0.10", 80)])
    clb_service.set_status(balancer.id, "ERROR")
    with pytest.raises(BaseHTTPError) as raised:
        libcloud_lb.update_balancer(balancer, name="x")
    assert raised.value.code == 422
    clb_service.set_status(balancer.id, "ACTIVE")
    mimic_cloud.inject(
        "clb",
        "get_load_balancer",
        status=200,
        body={"loadBalancer": {"id": balancer.id, "name": "x", "status": "ERROR"}},
    )
    with pytest.raises(LibcloudError, match="ERROR state"):
        libcloud_lb.update_balancer(balancer, name="x")


def test_libcloud_bulk_detach_and_destroy(libcloud_lb):
    driver = libcloud_lb
    balancer = driver.create_balancer(
        "web-1", [Member(None, f"10.0.0.{n}", 80) for n in range(1, 5)]
    )
    members = driver.balancer_list_members(balancer)
    after = driver.ex_balancer_detach_members(balancer, members[:3])  # DELETE ?id=..&id=..
    assert [m.ip for m in after.extra["members"]] == ["10.0.0.4"]
    other = driver.create_balancer("web-2", [Member(None, "10.0.0.9", 80)])
    assert driver.ex_destroy_balancers([balancer, other]) is True
    assert driver.list_balancers() == []


def test_libcloud_settings_round_trip(libcloud_lb):
    from libcloud.loadbalancer.drivers.rackspace import (
        RackspaceAccessRule,
        RackspaceAccessRuleType,
        RackspaceConnectionThrottle,
        RackspaceHTTPHealthMonitor,
    )

    driver = libcloud_lb
    balancer = driver.create_balancer("web-1", [Member(None, "10.0.0.10", 80)])
    monitor = RackspaceHTTPHealthMonitor("HTTP", 10, 5, 3, "/health", "", "^[234][0-9][0-9]$")
    balancer = driver.ex_update_balancer_health_monitor(balancer, monitor)
    assert balancer.extra["healthMonitor"].path == "/health"
    throttle = RackspaceConnectionThrottle(1, 100, 50, 60)
    balancer = driver.ex_update_balancer_connection_throttle(balancer, throttle)
    assert balancer.extra["connectionThrottle"].max_connections == 100
    balancer = driver.ex_enable_balancer_connection_logging(balancer)
    assert balancer.extra["connectionLoggingEnabled"] is True
    balancer = driver.ex_enable_balancer_session_persistence(balancer)
    assert balancer.extra["sessionPersistenceType"] == "HTTP_COOKIE"
    balancer = driver.ex_update_balancer_error_page(balancer, "<html>down</html>")
    assert driver.ex_get_balancer_error_page(balancer) == "<html>down</html>"
    rule = driver.ex_create_balancer_access_rule(
        balancer, RackspaceAccessRule(rule_type=RackspaceAccessRuleType.DENY, address="0.0.0.0/0")
    )
    assert rule.id is not None
    assert [r.address for r in driver.ex_balancer_access_list(balancer)] == ["0.0.0.0/0"]
    driver.ex_destroy_balancer_access_rule(balancer, rule)
    assert driver.ex_balancer_access_list(balancer) == []
    assert driver.ex_disable_balancer_custom_error_page(balancer)
    balancer = driver.ex_disable_balancer_health_monitor(balancer)
    assert "healthMonitor" not in balancer.extra
    usage = driver.ex_list_current_usage(balancer)
    assert usage["loadBalancerUsageRecords"]
