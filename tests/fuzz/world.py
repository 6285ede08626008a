"""One example's cloud: makes the values ``Known`` symbols name, on first use.

Each value has a recipe. A few are written out below (a login, the default region, a
snapshot); every other path argument is made generically from the service's own route
table: ``<server_id>`` of ``.../servers/<server_id>`` is the ``id`` in the answer to a
``POST .../servers`` with that operation's first seed body, and its ``OTHER`` variant is the
same made and then deleted. So a new service's resources are real in its fuzzing as soon as
``seeds.SEEDS`` has a body for its create operations.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from tests.fuzz.known import LIVE, OTHER, Known
from tests.fuzz.routes import Argument
from tests.fuzz.seeds import SEEDS

if TYPE_CHECKING:
    import requests

    from pytest_mimic.cloud import MimicCloud
    from tests.fuzz.routes import Route, ServiceRoutes
    from tests.fuzz.tally import Tally

#: Connect and read timeouts of every request (seconds). Not the liveness bound (that is
#: ``oracle.LIVENESS_SECONDS``): this only keeps a hung server from hanging the run.
TIMEOUT = (5.0, 10.0)

#: The default user's live token.
TOKEN = Known("token")

_IPV4 = re.compile(r"(\d{1,3})(\.\d{1,3}\.\d{1,3}\.\d{1,3}(?:/\d{1,2})?)")


class RecipeFailed(Exception):
    """A recipe could not make its value; the example goes on with a stand-in."""


Recipe = Callable[["World"], str]


def _token_of(world: World, username: str, password: str) -> str:
    body = {"auth": {"passwordCredentials": {"username": username, "password": password}}}
    answer = world.setup("POST", world.cloud.url("auth") + "/tokens", body=body, token=None)
    return str(answer.json()["access"]["token"]["id"])


def _default_token(world: World) -> str:
    creds = world.cloud.credentials
    return _token_of(world, creds.username, creds.password)


def _revoked_token(world: World) -> str:
    # Another user's: a login of the default user returns the live token, which must stay live.
    token = _token_of(world, "fuzz-revoked", "pw")
    world.setup("DELETE", world.cloud.url("auth") + "/tokens", token=token)
    return token


def _constant(value: str) -> Recipe:
    return lambda world: value


def _other_region(world: World) -> str:
    others = [r for r in world.cloud.config.regions if r != world.cloud.region]
    return others[0] if others else "NOWHERE"


def _base_image(world: World) -> str:
    images = world.setup("GET", world.cloud.url("compute") + "/images").json()["images"]
    return str(images[0]["id"])


def _snapshot(world: World) -> str:
    server = world.value(Known("nova:/<region>/v2/<tenant>/servers/<server_id>"))
    url = f"{world.cloud.url('compute')}/servers/{quote(server, safe='')}/action"
    answer = world.setup("POST", url, body={"createImage": {"name": "fuzz-snapshot"}})
    return answer.headers["Location"].rstrip("/").rpartition("/")[2]


def _call_number(world: World) -> str:
    """The number of a journal call of this example (a login makes one)."""
    world.value(TOKEN)
    return "0"


def _rule(world: World) -> str:
    """A fault rule that matches nothing the fuzzer sends."""
    return world.cloud.inject("identity", "version", status=500, api="fuzz-never").rule.id


def _removed_rule(world: World) -> str:
    handle = world.cloud.inject("identity", "version", status=500, api="fuzz-never")
    handle.remove()
    return handle.rule.id


#: Recipes by name: ``service.argument`` for one service's path argument, a bare argument
#: name for every service's, or a plain name used in seeds and headers. Variant ``n`` uses
#: recipe ``n`` (or the last one).
RECIPES: Mapping[str, tuple[Recipe, ...]] = {
    "token": (_default_token, _revoked_token),
    "username": (lambda w: w.cloud.credentials.username, _constant("fuzz-stranger")),
    "password": (lambda w: w.cloud.credentials.password,),
    "api_key": (lambda w: w.cloud.credentials.api_key,),
    "tenant": (lambda w: w.cloud.credentials.tenant_id, _constant("fuzz-other-tenant")),
    "region": (lambda w: w.cloud.region, _other_region),
    "identity.token_id": (_default_token, _revoked_token),
    "nova.key": (_constant("fuzz-key"), _constant("fuzz-missing-key")),
    "nova.network": (_constant("public"), _constant("private")),
    "nova.flavor_id": (_constant("general1-1"), _constant("fuzz-missing-flavor")),
    "nova.image_id": (_base_image, _snapshot),
    "image.tag": (_constant("fuzz-tag"), _constant("fuzz-missing-tag")),
    "dashboard.name": (_constant("nova.create_fails"), _constant("nova.fuzz_no_such_scenario")),
    "dashboard.asset": (_constant("dashboard.js"), _constant("index.html")),
    "dashboard.number": (_call_number, _constant("999999")),
    "dashboard.rule_id": (_rule, _removed_rule),
    # The control plane's own path arguments (its rule ids are made by its POST route).
    "mimic.name": (_constant("nova.flaky_api"), _constant("clb.slow_updates")),
    "mimic.service": (_constant("nova"), _constant("clb")),
    "mimic.operation": (_constant("create_server"), _constant("*")),
}


def explicit_recipe(name: str) -> str | None:
    """The ``RECIPES`` key for ``name`` (a plain name or a path argument's scope), if any."""
    if ":" not in name:
        return name if name in RECIPES else None
    service, _, path = name.partition(":")
    argument = path.rpartition("<")[2].rstrip(">")
    for key in (f"{service}.{argument}", argument):
        if key in RECIPES:
            return key
    return None


def has_recipe(name: str, routes: Mapping[str, ServiceRoutes]) -> bool:
    """Whether a ``Known(name)`` can be made: a written recipe, or a create route with a seed."""
    if explicit_recipe(name) is not None:
        return True
    service = routes.get(name.partition(":")[0])
    creator = service.creator(service.equivalent(name)) if service is not None else None
    return creator is not None and creator.operation in SEEDS


class World:
    """The values of one example, made on first use through ``session``."""

    def __init__(
        self,
        cloud: MimicCloud,
        session: requests.Session,
        routes: Mapping[str, ServiceRoutes],
        tally: Tally,
    ) -> None:
        self.cloud = cloud
        self.session = session
        self.routes = routes
        self.tally = tally
        self.values: dict[tuple[str, int], str] = {}
        self.failures: list[str] = []

    # -- values ------------------------------------------------------------------------

    def value(self, known: Known) -> str:
        """The real value ``known`` names (made now if this example has not made it yet)."""
        key = (known.name, known.variant)
        if key not in self.values:
            try:
                self.values[key] = self._make(known.name, known.variant)
            except RecipeFailed as failure:
                self.values[key] = self._stand_in(known, str(failure))
            except (KeyError, IndexError, TypeError, ValueError) as surprise:
                self.values[key] = self._stand_in(known, f"unexpected answer: {surprise!r}")
        return known.apply_twist(self.values[key])

    def _stand_in(self, known: Known, why: str) -> str:
        self.failures.append(f"{known!r}: {why}")
        self.tally.recipe_failed(known.name, why)
        return f"fuzz-unmade-{len(self.failures)}"

    def resolve(self, document: Any) -> Any:
        """``document`` with every ``Known`` (values and object keys) replaced by its value."""
        if isinstance(document, Known):
            return self.value(document)
        if isinstance(document, dict):
            return {self.resolve(k): self.resolve(v) for k, v in document.items()}
        if isinstance(document, list | tuple):
            return [self.resolve(item) for item in document]
        return document

    def _make(self, name: str, variant: int) -> str:
        key = explicit_recipe(name)
        if key is not None:
            recipes = RECIPES[key]
            return recipes[min(variant, len(recipes) - 1)](self)
        service = self.routes.get(name.partition(":")[0])
        same = service.equivalent(name) if service is not None else name
        if same != name:
            return self.value(Known(same, variant))
        return self._create(name, variant)

    def _create(self, scope: str, variant: int) -> str:
        service_name, _, path = scope.partition(":")
        service = self.routes.get(service_name)
        creator = service.creator(scope) if service is not None else None
        if service is None or creator is None:
            raise RecipeFailed("no recipe, and no POST route that makes it")
        seeds = SEEDS.get(creator.operation)
        if not seeds:
            raise RecipeFailed(f"no seed body for {creator.operation!r} in seeds.SEEDS")
        collection = self.path(creator)
        body = _distinct(self.resolve(seeds[0]), variant)
        answer = self.setup("POST", collection, body=body)
        argument = path.rpartition("<")[2].rstrip(">")
        made = _field(_json(answer), argument)
        if made is None and service.lister(creator) is not None:
            # Some creates answer 202 with no body (CLB's access list): read the collection.
            made = _field(_json(self.setup("GET", collection)), argument)
        if made is None:
            raise RecipeFailed(f"the answer to {creator.operation} names no {argument!r}")
        if variant == OTHER:
            if service.remover(scope) is None:
                raise RecipeFailed("no DELETE route to make a deleted one")
            self.setup("DELETE", f"{collection.rstrip('/')}/{quote(made, safe='')}")
        return made

    def path(self, route: Route) -> str:
        """The absolute URL of ``route`` with a live value for every argument."""
        text = ""
        for part in route.parts:
            if isinstance(part, Argument):
                text += quote(self.value(Known(route.scope(part.name))), safe="")
            else:
                text += part
        return self.cloud.base_url + route.prefix + text

    # -- setup requests ----------------------------------------------------------------

    def setup(
        self, method: str, url: str, *, body: Any = None, token: str | Known | None = TOKEN
    ) -> requests.Response:
        """A request that makes something for the example, with ``token`` (the default
        user's by default); ``RecipeFailed`` unless it answers 2xx."""
        if isinstance(token, Known):
            token = self.value(token)
        headers = {"X-Auth-Token": token} if token is not None else {}
        answer = self.session.request(
            method, url, json=body, headers=headers, timeout=TIMEOUT, allow_redirects=False
        )
        self.tally.setup_sent(answer.status_code)
        if not 200 <= answer.status_code < 300:
            raise RecipeFailed(
                f"{method} {url.removeprefix(self.cloud.base_url)} answered "
                f"{answer.status_code}: {answer.text[:200]}"
            )
        return answer


def _json(answer: requests.Response) -> Any:
    try:
        return answer.json()
    except ValueError:
        return None


def _distinct(document: Any, variant: int) -> Any:
    """``document`` with its ``fuzz-...`` names and IPv4 addresses (and networks: the first
    octet changes) told apart by ``variant``: a second thing made from the same seed must
    not clash with the first (keypairs are named by the body; a load balancer refuses a
    second node, or access-list item, at the same address)."""
    if variant == LIVE:
        return document
    if isinstance(document, str) and document.startswith("fuzz-"):
        return f"{document}-{variant}"
    address = _IPV4.fullmatch(document) if isinstance(document, str) else None
    if address is not None:
        first, rest = address.groups()
        return f"{(int(first) + variant) % 256}{rest}"
    if isinstance(document, dict):
        return {key: _distinct(value, variant) for key, value in document.items()}
    if isinstance(document, list):
        return [_distinct(value, variant) for value in document]
    return document


def _field(document: Any, argument: str) -> str | None:
    """The value of the field named ``argument`` (or ``id``, for ``..._id``/``...Id``
    arguments) nearest the top of ``document``, as text."""
    wanted = [argument]
    if argument.lower().endswith("id"):
        wanted.append("id")
    for name in wanted:
        level = [document]
        while level:
            deeper = []
            for node in level:
                if isinstance(node, dict):
                    if name in node and isinstance(node[name], str | int):
                        return str(node[name])
                    deeper.extend(node.values())
                elif isinstance(node, list):
                    deeper.extend(node)
            level = deeper
    return None
