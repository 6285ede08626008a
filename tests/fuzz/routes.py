"""What gets fuzzed: every route of every service a ``MimicCloud`` registers.

Routes are read from each ``RoutedService``'s own Werkzeug route table (``_url_map``), so a
service installed under the ``pytest_mimic.services`` entry point is fuzzed as soon as it
exists, with no change here. Each service also gets one ``unmatched`` route: paths under its
prefix that match none of its rules, which must still be answered in its own format. A
service with no route table gets only that one (see ``WITHOUT_ROUTE_TABLE``). A service's
own control routes (``Service.control``), which the control plane mounts under
``/mimic/v1.1/<service>/``, are fuzzed as routes of the control plane at that path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from pytest_mimic.services.base import RoutedService

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from pytest_mimic.services.base import Service

#: Services that are not ``RoutedService``s, and why. They are fuzzed through their prefix
#: only (any method, hostile paths, queries, headers and bodies, their operation names as
#: values); any other such service fails ``test_every_service_is_fuzzed`` until listed here.
WITHOUT_ROUTE_TABLE: dict[str, str] = {
    "servers": "the how-to's own service (tests/examples/services): an app of the user's, "
    "whose routes live in the file, not in a Werkzeug table of ours",
    "sqs": "the AWS protocols pick an operation by the Action parameter or the X-Amz-Target "
    "header, not by path; no table lists them with their parameters yet",
}

#: Where the control plane (under its prefix) mounts each service's own control routes.
MOUNT = "/v1.1"

#: The pseudo-operation of a service's ``unmatched`` route.
UNMATCHED = "unmatched"

#: Every method a fuzzed request may use: a route's own, and others it must refuse cleanly.
METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND")

_ARGUMENT = re.compile(r"<(?:[A-Za-z_]\w*(?:\([^)]*\))?:)?([A-Za-z_]\w*)>")


@dataclass(frozen=True)
class Argument:
    """A ``<name>`` placeholder of a rule."""

    name: str


@dataclass(frozen=True)
class Route:
    """One rule of one service (or the service's ``unmatched`` paths).

    ``path`` is in Werkzeug rule syntax, relative to ``prefix``; ``methods`` are the rule's
    own (Werkzeug adds ``HEAD`` to every ``GET`` rule, and so do we).
    """

    service: str
    prefix: str
    path: str
    methods: tuple[str, ...]
    operation: str

    def __str__(self) -> str:
        if self.operation == UNMATCHED:
            return f"{self.service}:{UNMATCHED}"
        shown = ",".join(m for m in self.methods if m != "HEAD")
        return f"{self.service}:{shown}:{self.path}"

    @cached_property
    def parts(self) -> tuple[str | Argument, ...]:
        """The path as static text and ``Argument`` placeholders, in order."""
        parts: list[str | Argument] = []
        position = 0
        for match in _ARGUMENT.finditer(self.path):
            if match.start() > position:
                parts.append(self.path[position : match.start()])
            parts.append(Argument(match.group(1)))
            position = match.end()
        if position < len(self.path):
            parts.append(self.path[position:])
        return tuple(parts)

    @property
    def arguments(self) -> tuple[str, ...]:
        return tuple(part.name for part in self.parts if isinstance(part, Argument))

    def scope(self, argument: str) -> str:
        """``service:path`` up to and including ``<argument>``: names what the argument is."""
        text = ""
        for part in self.parts:
            if isinstance(part, Argument):
                text += f"<{part.name}>"
                if part.name == argument:
                    return f"{self.service}:{text}"
            else:
                text += part
        raise KeyError(argument)


@dataclass(frozen=True)
class ServiceRoutes:
    """A service's routes, and what fuzzing needs to know about them."""

    service: str
    prefix: str
    routes: tuple[Route, ...]
    #: The service's operation names, when it has no route table (else empty).
    operations: tuple[str, ...] = ()
    #: For the control plane: the routes of the services whose control routes it mounts,
    #: so that ``<domain_id>`` of a mounted route is made by that service's create route.
    mounts: Mapping[str, ServiceRoutes] = field(default_factory=dict, compare=False)

    @cached_property
    def words(self) -> tuple[str, ...]:
        """The static path segments of the service's rules (``v2``, ``servers``...), or its
        operation names."""
        found: dict[str, None] = dict.fromkeys(self.operations)
        for route in self.routes:
            for part in route.parts:
                if isinstance(part, str):
                    for word in part.split("/"):
                        if word:
                            found[word] = None
        return tuple(found)

    def creator(self, scope: str) -> Route | None:
        """The ``POST`` route that makes what ``scope`` names: ``.../servers`` for
        ``.../servers/<server_id>``, if the service has one (or a service it mounts)."""
        service, _, path = scope.partition(":")
        if service != self.service:
            owner = self.mounts.get(service)
            return owner.creator(scope) if owner is not None else None
        parent, _, last = path.rpartition("/")
        if not _ARGUMENT.fullmatch(last):
            return None
        for route in self.routes:
            if route.path.rstrip("/") == parent and "POST" in route.methods:
                return route
        return None

    def lister(self, collection: Route) -> Route | None:
        """The ``GET`` route at the same path as ``collection``, if any."""
        for route in self.routes:
            if route.path == collection.path and "GET" in route.methods:
                return route
        return None

    def equivalent(self, scope: str) -> str:
        """A scope naming the same thing that has a creator, else ``scope`` itself.

        A control route ``/control/<region>/.../loadbalancer/<lb_id>`` names the load
        balancers that ``/<region>/.../loadbalancers/<lb_id>`` makes: same arguments, in the
        same order (a scope with the same collection name, too, is preferred).
        """
        if self.creator(scope) is not None:
            return scope
        path = scope.partition(":")[2]
        arguments = _ARGUMENT.findall(path)
        tail = path.rsplit("/", 2)[-2:]
        # A mounted control route names what the service it belongs to makes.
        owner = next(
            (o for name, o in self.mounts.items() if path.startswith(f"{MOUNT}/{name}/")), self
        )
        candidates = []
        for route in owner.routes:
            for name in route.arguments:
                other = route.scope(name)
                other_path = other.partition(":")[2]
                if _ARGUMENT.findall(other_path) == arguments and owner.creator(other):
                    candidates.append((other_path.rsplit("/", 2)[-2:] != tail, other))
        return min(candidates)[1] if candidates else scope

    def remover(self, scope: str) -> Route | None:
        """The ``DELETE`` route at exactly ``scope``, if any."""
        path = scope.partition(":")[2]
        for route in self.routes:
            if route.path == path and "DELETE" in route.methods:
                return route
        return None

    def child_scope(self, route: Route) -> str | None:
        """For a collection route (``.../servers``), the scope of one member's id, if the
        service has a route for members; used as a real ``marker`` for list queries."""
        base = route.path.rstrip("/") + "/"
        for other in self.routes:
            member = _ARGUMENT.fullmatch(other.path.removeprefix(base))
            if other.path.startswith(base) and member is not None:
                return other.scope(member.group(1))
        return None


def service_routes(
    service: Service, others: Mapping[str, ServiceRoutes] | None = None
) -> ServiceRoutes:
    """The routes of ``service``: its rules and its ``unmatched`` paths, or only the latter
    (with its operation names) if it has no route table. For the control plane, also the
    control routes it mounts for each service (``others``: those services' routes)."""
    prefix_only = Route(service.name, service.prefix, "", (), UNMATCHED)
    if not isinstance(service, RoutedService):
        names = getattr(service, "operation_names", lambda: None)() or ()
        return ServiceRoutes(service.name, service.prefix, (prefix_only,), tuple(sorted(names)))
    routes = _rules(service, service.prefix)
    mounted: Mapping[str, RoutedService] = getattr(service, "mounted", dict)()
    for name, control in mounted.items():
        routes += _rules(control, service.prefix, f"{MOUNT}/{name}")
    routes.append(prefix_only)
    owners = {name: (others or {})[name] for name in mounted if name in (others or {})}
    return ServiceRoutes(service.name, service.prefix, tuple(routes), mounts=owners)


def _rules(table: RoutedService, prefix: str, under: str = "") -> list[Route]:
    """``Route``s of a route table, its paths ``under`` a path below ``prefix``."""
    routes: list[Route] = []
    # The route table is private to the library; there is no public listing yet.
    for rule in type(table)._url_map.iter_rules():
        own = rule.methods or set()
        methods = tuple(m for m in METHODS if m in own) + tuple(sorted(own - set(METHODS)))
        routes.append(Route(table.name, prefix, under + rule.rule, methods, str(rule.endpoint)))
    return routes


def all_routes(services: Sequence[Service]) -> dict[str, ServiceRoutes]:
    """``service name -> routes`` for every service (the control plane's last, as it
    borrows the others' to make the values of the control routes it mounts)."""
    found: dict[str, ServiceRoutes] = {}
    for service in sorted(services, key=lambda s: hasattr(s, "mounted")):
        found[service.name] = service_routes(service, found)
    return {service.name: found[service.name] for service in services}
