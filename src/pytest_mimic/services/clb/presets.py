"""Mimic's load balancer metadata presets, as rules of the one fault engine.

A load balancer whose metadata carries one of these keys (given in the create request, as
``[{"key": ..., "value": ...}]``, or added later) behaves differently:

- ``lb_building``: seconds (a number or numeric text; empty: 10): the new load balancer stays
  in BUILD that long.
- ``lb_pending_update``: seconds (empty: 10): each node change (add, delete, bulk delete) is
  followed by PENDING_UPDATE that long, instead of the configured update time.
- ``lb_pending_delete``: seconds (empty: 10): a delete is followed by PENDING_DELETE that long.
- ``lb_error_state``: any value: the first node change leaves the load balancer in ERROR,
  where only a delete is allowed.

The HTTP layer puts the load balancer's metadata into each operation's attributes
(``metadata``), and these standing rules turn it into ``Behave`` actions, so presets show in
the journal as faults with source ``preset <key>``. Unlike the original Mimic, a preset only
acts on its own operations (an add-node never starts a ``lb_pending_delete``), and statuses
use the real underscore spelling.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pytest_mimic.faults import Action, Behave, FaultRule, Respond
from pytest_mimic.parsing import parse_seconds

if TYPE_CHECKING:
    from pytest_mimic.services.base import Operation

__all__ = ["DEFAULT_SECONDS", "NODE_CHANGES", "PRESETS", "preset_seconds", "standing_rules"]

#: Seconds a preset lasts when its value is empty (as in the original Mimic).
DEFAULT_SECONDS = 10.0
#: The operations ``lb_pending_update`` and ``lb_error_state`` act on.
NODE_CHANGES = ("add_nodes", "delete_node", "delete_nodes")

#: What ``GET /mimic/v1.0/presets`` lists for load balancers.
PRESETS: Mapping[str, Any] = {
    "loadbalancers": {
        "lb_building": "<seconds>: a new load balancer stays in BUILD that long",
        "lb_pending_update": "<seconds>: each node change is followed by PENDING_UPDATE that long",
        "lb_pending_delete": "<seconds>: a delete is followed by PENDING_DELETE that long",
        "lb_error_state": "any value: the first node change leaves the load balancer in ERROR",
    }
}


def preset_seconds(value: Any, key: str) -> float:
    """A preset's duration: a number or numeric text, 10 when empty; ``ValueError`` else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT_SECONDS
    return parse_seconds(value, key)


def _metadata(operation: Operation) -> Mapping[str, Any]:
    metadata = operation.attributes.get("metadata")
    return metadata if isinstance(metadata, Mapping) else {}


def _timed(key: str, behaviour: str) -> Any:
    def decide(operation: Operation) -> Action | None:
        metadata = _metadata(operation)
        if key not in metadata:
            return None
        try:
            seconds = preset_seconds(metadata[key], key)
        except ValueError as error:
            return Respond(400, str(error))
        return Behave(behaviour, {"duration": seconds})

    return decide


def _error_state(operation: Operation) -> Action | None:
    return Behave("error") if "lb_error_state" in _metadata(operation) else None


def _bulk_pending_delete(operation: Operation) -> Action | None:
    """Per load balancer durations for ``DELETE /loadbalancers?id=..``."""
    each = operation.attributes.get("metadata_by_id")
    if not isinstance(each, Mapping):
        return None
    durations: dict[int, float] = {}
    for lb_id, metadata in each.items():
        if isinstance(metadata, Mapping) and "lb_pending_delete" in metadata:
            try:
                durations[lb_id] = preset_seconds(
                    metadata["lb_pending_delete"], "lb_pending_delete"
                )
            except ValueError as error:
                return Respond(400, str(error))
    return Behave("pending_delete", {"by_id": durations}) if durations else None


def standing_rules() -> list[FaultRule]:
    """The presets as rules, in precedence order: ``lb_error_state`` before
    ``lb_pending_update`` (an LB with both ends in ERROR, as in the original Mimic)."""
    node_changes = "|".join(NODE_CHANGES)
    return [
        FaultRule(
            service="clb",
            operation="create_load_balancer",
            decide=_timed("lb_building", "build"),
            source="preset lb_building",
        ),
        FaultRule(
            service="clb",
            operation=node_changes,
            decide=_error_state,
            source="preset lb_error_state",
        ),
        FaultRule(
            service="clb",
            operation=node_changes,
            decide=_timed("lb_pending_update", "pending_update"),
            source="preset lb_pending_update",
        ),
        FaultRule(
            service="clb",
            operation="delete_load_balancer",
            decide=_timed("lb_pending_delete", "pending_delete"),
            source="preset lb_pending_delete",
        ),
        FaultRule(
            service="clb",
            operation="delete_load_balancers",
            decide=_bulk_pending_delete,
            source="preset lb_pending_delete",
        ),
    ]
