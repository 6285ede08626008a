"""Fuzzing: every route of every service answers hostile requests in its own format.

For each route in every installed service's route table (and, per service, paths under its
prefix that match no route), Hypothesis draws requests: real ids of existing resources and
made-up ones, hostile text, raw percent escapes, known query parameters with hostile values,
live, revoked and junk tokens, wrong content types, and bodies from known-good seeds with one
thing changed, malformed bytes or generic JSON (see ``strategies``). Each example runs in a
freshly reset cloud and sends one request over a real socket; the answer must have no 5xx
unless the journal says a fault rule or preset shaped it, a body in the answering service's
content type and, for a 4xx, its error format (read from the service's ``error_response``,
see ``oracle``), and come within 2 s. Then the server must still answer ``GET /`` on a new
connection, and no exception may be recorded on the server side.

A new service installed under the ``pytest_mimic.services`` entry point is fuzzed with no
change here; ``seeds.SEEDS`` (known-good bodies per operation) and ``world.RECIPES`` make its
fuzzing deeper, and the run's summary lists what they lack for it.

Running it:

- ``pytest tests/fuzz``: the ``ci`` profile, derandomized (the same examples every run),
  2,000 examples shared out over the routes (16 each for today's 125, never fewer than 5),
  so it stays under a minute on two cores as services add routes (20-60 s measured with
  1,500). Plain ``pytest`` runs it too.
- ``pytest tests/fuzz --hypothesis-profile=long``, or ``PYTEST_MIMIC_FUZZ=long pytest
  tests/fuzz`` (the variable works from anywhere, including the whole suite): the ``long``
  profile, 2,000 random examples per route (an hour or more);
  ``PYTEST_MIMIC_FUZZ_EXAMPLES=N`` changes the count per route of either profile (300 is
  about five minutes with ``-n 2``). Add ``-n 2`` to use both cores.
- The terminal summary ("pytest-mimic fuzz") gives requests sent, the status histogram and
  the 5xx count; ``PYTEST_MIMIC_FUZZ_TALLY=/tmp/fuzz.json`` also writes them as JSON.

A failure prints the shrunk request (``FuzzRequest(...)``), the request as sent, the values
made for it, the answer and the journal line; ``long`` also prints a
``@reproduce_failure`` blob.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from pytest_mimic.cloud import MimicCloud, MimicServerError
from pytest_mimic.services.base import RoutedService
from pytest_mimic.user_services import attach_folder
from tests.fuzz.exchange import send
from tests.fuzz.known import LIVE, OTHER, Known
from tests.fuzz.oracle import judge
from tests.fuzz.profiles import fuzz_settings
from tests.fuzz.routes import WITHOUT_ROUTE_TABLE, all_routes
from tests.fuzz.seeds import SEEDS
from tests.fuzz.strategies import RequestStrategies, writes_body
from tests.fuzz.tally import TALLY, Tally
from tests.fuzz.world import TIMEOUT, World, has_recipe


def _cloud_like_the_sessions() -> MimicCloud:
    """Every installed service and the users' own from the project's services folder."""
    cloud = MimicCloud()
    attach_folder(cloud, Path(__file__).parent.parent / "examples" / "services")
    return cloud


#: Built like the session's cloud (every installed service) but never started: only its
#: services' route tables are read, at collection.
_SERVICES = _cloud_like_the_sessions().services
ROUTES = all_routes(_SERVICES)
STRATEGIES = RequestStrategies(ROUTES)
TARGETS = [route for service in ROUTES.values() for route in service.routes]


@pytest.mark.parametrize("service", _SERVICES, ids=lambda s: s.name)
def test_every_service_is_fuzzed(service):
    """A service the harness cannot read routes from must be listed, with the reason."""
    routed = isinstance(service, RoutedService)
    assert routed or service.name in WITHOUT_ROUTE_TABLE, (
        f"{service.name!r} is not a RoutedService: give the fuzz tests a way to list its "
        "routes, or add it to routes.WITHOUT_ROUTE_TABLE saying why it needs none"
    )


@pytest.mark.parametrize("route", TARGETS, ids=str)
@fuzz_settings(len(TARGETS))
@given(data=st.data())
def test_route_answers_hostile_requests(mimic_session_cloud, route, data):
    """One hostile request to ``route``, in a fresh cloud: answered as the module says."""
    request = data.draw(STRATEGIES.requests(route), label="request")
    TALLY.unmade.update(STRATEGIES.unmade_arguments(route))
    if writes_body(route) and route.operation not in SEEDS:
        TALLY.unseeded.add(f"{route.service}.{route.operation}")
    cloud = mimic_session_cloud
    exchange = world = None
    try:
        with cloud.test(), requests.Session() as session:
            world = World(cloud, session, ROUTES, TALLY)
            exchange = send(world, request)
            service = exchange.call.service if exchange.call is not None else route.service
            injected = exchange.call is not None and exchange.call.fault is not None
            TALLY.fuzzed(str(route), service, exchange.status, exchange.seconds, injected=injected)
            problems = judge(cloud, exchange)
            assert not problems, "\n".join(problems) + "\n\n" + exchange.describe(world)
            root = requests.get(cloud.base_url + "/", timeout=TIMEOUT)
            assert root.status_code == 200, f"GET / answered {root.status_code} afterwards"
    except MimicServerError as error:
        sent = exchange.describe(world) if exchange and world else "(while making its values)"
        raise AssertionError(f"{error}\n\nThe request:\n{sent}") from None


def _every_made_name() -> list[str]:
    """Every name the fuzz tests may ask a recipe for."""
    names = {"token", "username", "password", "api_key", "tenant", "region"}
    for routes in ROUTES.values():
        for route in routes.routes:
            names.update(route.scope(argument) for argument in route.arguments)
            member = routes.child_scope(route) if route.path else None
            if member is not None:
                names.add(member)
    return sorted(name for name in names if has_recipe(name, ROUTES))


@pytest.mark.parametrize("name", _every_made_name())
def test_every_recipe_makes_its_value(mimic_session_cloud, name):
    """Recipes and first seeds work against today's services, the live and the other
    variant side by side, as one example may ask for both (else fuzzing grows shallow
    without saying so)."""
    with mimic_session_cloud.test() as cloud, requests.Session() as session:
        world = World(cloud, session, ROUTES, Tally())
        assert world.value(Known(name, LIVE))
        assert world.value(Known(name, OTHER))
        assert not world.failures, world.failures
