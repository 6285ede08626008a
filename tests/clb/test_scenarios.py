"""CLB's named failure scenarios, through the mimic_scenario marker."""

from __future__ import annotations

import pytest
from tests.clb.conftest import error, immutable


@pytest.mark.mimic_scenario("clb.slow_updates", seconds=30)
def test_slow_updates_reproduces_the_autoscaling_race(clb, time_travel):
    lb_id = clb.create()
    assert clb.add_nodes(lb_id, clb.node(2)).status_code == 202
    assert error(clb.add_nodes(lb_id, clb.node(3))) == (422, immutable(lb_id, "PENDING_UPDATE"))
    time_travel.advance(30)
    assert clb.add_nodes(lb_id, clb.node(3)).status_code == 202


@pytest.mark.mimic_scenario("clb.stuck_in_build")
def test_stuck_in_build(clb, time_travel):
    lb_id = clb.create()
    time_travel.advance(20 * 3600)  # (tokens live 24 h)
    assert clb.status(lb_id) == "BUILD"


@pytest.mark.mimic_scenario("clb.slow_build", seconds=60)
def test_slow_build(clb, time_travel):
    lb_id = clb.create()
    assert clb.status(lb_id) == "BUILD"
    time_travel.advance(60)
    assert clb.status(lb_id) == "ACTIVE"


@pytest.mark.mimic_scenario("clb.error_on_node_change")
def test_error_on_node_change(clb):
    lb_id = clb.create()
    clb.add_nodes(lb_id, clb.node(2))
    assert clb.status(lb_id) == "ERROR"


@pytest.mark.mimic_scenario("clb.rate_limited", retry_after=9, times=1)
def test_rate_limited(clb):
    response = clb.get("/loadbalancers")
    assert (response.status_code, response.headers["Retry-After"]) == (413, "9")
    assert response.json()["overLimit"]["code"] == 413
    assert clb.get("/loadbalancers").status_code == 200


@pytest.mark.mimic_scenario("clb.create_fails", status=503, times=1)
def test_create_fails_once(clb, mimic_cloud):
    body = {"loadBalancer": {"name": "x", "protocol": "HTTP"}}
    assert error(clb.post("/loadbalancers", json=body))[0] == 503
    assert clb.get("/loadbalancers").json() == {"loadBalancers": []}
    assert clb.post("/loadbalancers", json=body).status_code == 202


@pytest.mark.mimic_scenario("clb.flaky_api", one_in=2)
def test_flaky_api(clb):
    statuses = [clb.get("/loadbalancers").status_code for _ in range(4)]
    assert statuses == [503, 200, 503, 200]


@pytest.mark.mimic_scenario("clb.flaky_api", one_in=10**9)
def test_a_flaky_api_of_one_in_a_billion_costs_one_counter(clb):
    """Issue 17: a list of ``one_in`` steps wedged the server; now a counter."""
    statuses = [clb.get("/loadbalancers").status_code for _ in range(3)]
    assert statuses == [503, 200, 200]
