"""A user's app as a ``Service``: the contract with defaults, so the core needs nothing new.

Each service gets a class of its own (``UserService`` subclassed per name): the contract's
``name``, ``prefix``, ``hosts`` and ``scenarios()`` are class-level, and the core reads some
of them from the class (the scenario registry asks each service's class).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from pytest_mimic.errors import ServiceError
from pytest_mimic.services.base import CatalogEntry, Operation, Service, ServiceContext
from pytest_mimic.user_services.errors import error_response
from pytest_mimic.user_services.operations import BASIC_ATTRIBUTES, PathTemplates, WerkzeugRoutes

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from werkzeug.routing import Map
    from werkzeug.wrappers import Request, Response

    from pytest_mimic.scenarios import Scenario
    from pytest_mimic.user_services.collection import Collection
    from pytest_mimic.user_services.operations import Matcher

__all__ = ["ServiceFactory", "ServiceParts", "UnavailableService", "UserService"]

ServiceFactory = Callable[[ServiceContext], Service]


@dataclass(frozen=True)
class ServiceParts:
    """What a file or an app declares, ready to build a service from (once per cloud).

    ``respond`` runs the app on a request; ``matcher`` names operations without running
    it; ``on_reset`` is the module's own ``reset()``, if it has one.
    """

    name: str
    respond: Callable[[Request], Response]
    matcher: Matcher
    catalog_type: str
    catalog_name: str
    collections: Sequence[Collection] = ()
    on_reset: Callable[[], object] | None = None
    scenarios: Sequence[Scenario] = ()
    behaviors: Mapping[str, str] = field(default_factory=dict)
    #: Where it came from, for people reading the service's repr (a file path, an app's repr).
    origin: str = ""

    def factory(self) -> ServiceFactory:
        """``(context) -> Service`` for ``MimicCloud.register``."""
        kind = type(
            f"UserService[{self.name}]",
            (UserService,),
            {
                "name": self.name,
                "prefix": f"/{self.name}",
                "hosts": (self.name,),
                "behaviors": dict(self.behaviors),
                "declared_scenarios": tuple(self.scenarios),
                "__module__": __name__,
            },
        )
        return lambda context: kind(context, self)


class _JsonErrors(Service):
    """Own services answer errors as ``{"error": {"message", "code"}}`` (injected faults,
    503s and the dispatcher's 413s included).
    """

    def error_response(
        self,
        status: int,
        message: str,
        *,
        fault: str | None = None,
        headers: Mapping[str, str] | None = None,
        request: Request | None = None,
    ) -> Response:
        return error_response(status, message, headers=headers)


class UserService(_JsonErrors):
    """A user's app mounted at ``/<name>/`` and ``Host: <name>``, listed in the catalog.

    Errors, injected faults included, answer ``{"error": {"message": ..., "code": N}}``.
    When built and before each test, its module's collections go back to their seed items
    and its ``reset()`` is called.
    """

    name: ClassVar[str] = "user"
    prefix: ClassVar[str] = "/user"
    declared_scenarios: ClassVar[tuple[Scenario, ...]] = ()

    def __init__(self, context: ServiceContext, parts: ServiceParts) -> None:
        super().__init__(context)
        self.parts = parts
        for collection in parts.collections:
            collection.bind(context.clock.now)
        # A module registered again (one test after another) starts from its seed state too.
        self.reset()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.parts.origin}>"

    @classmethod
    def scenarios(cls) -> Sequence[Scenario]:
        return cls.declared_scenarios

    def reset(self) -> None:
        for collection in self.parts.collections:
            collection.reset()
        if self.parts.on_reset is not None:
            self.parts.on_reset()

    def state(self) -> Mapping[str, Any]:
        return {c.name: c.list() for c in self.parts.collections}

    def catalog_entries(self) -> Sequence[CatalogEntry]:
        return (CatalogEntry(self.parts.catalog_type, self.parts.catalog_name, self.prefix),)

    @property
    def url_map(self) -> Map | None:
        """The Werkzeug route table of route functions or a Flask app (``None`` for other
        kinds): for tools that read routes, such as a fuzzer.
        """
        matcher = self.parts.matcher
        return matcher.url_map if isinstance(matcher, WerkzeugRoutes) else None

    def operation_names(self) -> frozenset[str] | None:
        return self.parts.matcher.names()

    def attribute_names(self) -> frozenset[str]:
        return BASIC_ATTRIBUTES | self.parts.matcher.parameters()

    def resolve(self, request: Request) -> Operation:
        operation, parameters = self.parts.matcher.match(request)
        return Operation(self.name, operation, {**parameters, **_basics(request)})

    def handle(self, request: Request, operation: Operation) -> Response:
        try:
            return self.parts.respond(request)
        except ServiceError as error:  # raised through a plain WSGI app
            return self.render(error, request)


class UnavailableService(_JsonErrors):
    """The stand-in for a service file that cannot load: every request answers 503 with why.

    It keeps the name taken, so the other services and the catalog stay as they were, and
    the next reload of a fixed file replaces it.
    """

    name: ClassVar[str] = "unavailable"
    prefix: ClassVar[str] = "/unavailable"

    def __init__(self, context: ServiceContext, problem: str) -> None:
        super().__init__(context)
        self.problem = problem

    @classmethod
    def factory(cls, name: str, problem: str) -> ServiceFactory:
        """``(context) -> Service`` standing in for the file ``name`` that failed."""
        kind = type(
            f"UnavailableService[{name}]",
            (cls,),
            {"name": name, "prefix": f"/{name}", "hosts": (name,), "__module__": __name__},
        )
        return lambda context: kind(context, problem)

    def state(self) -> Mapping[str, Any]:
        return {"error": self.problem}

    def resolve(self, request: Request) -> Operation:
        operation, _ = PathTemplates().match(request)
        return Operation(self.name, operation, _basics(request))

    def handle(self, request: Request, operation: Operation) -> Response:
        return self.error_response(503, self.problem)


def _basics(request: Request) -> dict[str, Any]:
    return {
        "method": request.method,
        "path": request.path,
        "query": request.query_string.decode("latin-1"),
    }
