"""The fault engine: matching, first match wins, counts and sequences."""

from __future__ import annotations

import re

import pytest

from pytest_mimic.faults import Delay, FaultEngine, FaultRule, Pass, Respond
from pytest_mimic.services.base import Operation

CREATE = Operation("nova", "create_server", {"server_name": "web-1", "metadata": {"a": "b"}})


def test_string_patterns_match_the_whole_value():
    engine = FaultEngine()
    engine.add(FaultRule(Respond(500), attributes={"server_name": "web"}))
    engine.add(FaultRule(Respond(503), attributes={"server_name": "web-.*"}))

    decision = engine.match(CREATE)

    assert decision is not None
    assert decision.action == Respond(503)


def test_mapping_patterns_match_key_by_key_and_callables_are_predicates():
    engine = FaultEngine()
    engine.add(FaultRule(Respond(500), attributes={"metadata": {"a": "c"}}))
    engine.add(FaultRule(Respond(501), attributes={"metadata": {"a": re.compile("b")}}))
    engine.add(FaultRule(Respond(502), attributes={"server_name": lambda v: v.endswith("1")}))

    assert engine.match(CREATE).action == Respond(501)


def test_service_and_operation_narrow_the_rule():
    engine = FaultEngine()
    engine.add(FaultRule(Respond(500), service="sqs"))
    engine.add(FaultRule(Respond(501), service="nova", operation="delete_server"))

    assert engine.match(CREATE) is None


def test_first_registered_rule_wins():
    engine = FaultEngine()
    engine.add(FaultRule(Respond(500)))
    engine.add(FaultRule(Respond(501)))

    assert engine.match(CREATE).action == Respond(500)


def test_times_limits_hits_then_later_rules_apply():
    engine = FaultEngine()
    handle = engine.add(FaultRule(Respond(500), times=2))

    results = [engine.match(CREATE) for _ in range(3)]

    assert [r.action.status if r else None for r in results] == [500, 500, None]
    assert handle.hits == 2


def test_sequence_cycles_through_its_steps():
    engine = FaultEngine()
    engine.add(FaultRule(sequence=[Respond(500), Pass(), Delay(0.1)]))

    actions = [engine.match(CREATE).action for _ in range(4)]

    assert actions == [Respond(500), Pass(), Delay(0.1), Respond(500)]


def test_decide_rules_compute_the_action_or_skip():
    engine = FaultEngine()
    engine.add(FaultRule(decide=lambda op: None))
    engine.add(FaultRule(decide=lambda op: Respond(int(op.attributes["metadata"]["code"]))))

    assert engine.match(Operation("nova", "x", {"metadata": {"code": "418"}})).action == Respond(
        418
    )


def test_removed_rules_stop_matching():
    engine = FaultEngine()
    handle = engine.add(FaultRule(Respond(500)))

    handle.remove()
    handle.remove()

    assert engine.match(CREATE) is None


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"action": Respond(500), "sequence": [Pass()]}, {"sequence": []}],
    ids=["nothing", "two", "empty-sequence"],
)
def test_a_rule_needs_exactly_one_way_to_act(kwargs):
    with pytest.raises(ValueError, match=r"FaultRule|sequence"):
        FaultRule(**kwargs)
