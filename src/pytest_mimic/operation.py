"""What a request asks for: the one value the dispatcher, fault engine and journal share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["Operation"]


@dataclass(frozen=True)
class Operation:
    """What a request asks for, in the service's own terms.

    ``name`` is the operation (``create_server``, ``authenticate``); ``attributes`` are the
    facts fault rules and journal queries match on (tenant, region, server name...).
    """

    service: str
    name: str
    attributes: Mapping[str, Any] = field(default_factory=dict)
