"""pytest-mimic: in-process, stateful fakes of OpenStack, Rackspace and AWS services."""

from __future__ import annotations

from pytest_mimic.clock import Clock, TimeTravel
from pytest_mimic.cloud import MimicCloud, MimicServerError
from pytest_mimic.config import CloudConfig, Credentials
from pytest_mimic.faults import (
    Action,
    Behave,
    CloseConnection,
    Delay,
    FaultHandle,
    FaultRule,
    Hang,
    Pass,
    ResetConnection,
    Respond,
)
from pytest_mimic.journal import Call, Journal
from pytest_mimic.seeding import SeedError
from pytest_mimic.services.base import CatalogEntry, Operation, RoutedService, Service

__all__ = [
    "Action",
    "Behave",
    "Call",
    "CatalogEntry",
    "Clock",
    "CloseConnection",
    "CloudConfig",
    "Credentials",
    "Delay",
    "FaultHandle",
    "FaultRule",
    "Hang",
    "Journal",
    "MimicCloud",
    "MimicServerError",
    "Operation",
    "Pass",
    "ResetConnection",
    "Respond",
    "RoutedService",
    "SeedError",
    "Service",
    "TimeTravel",
]
