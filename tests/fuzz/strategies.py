"""Hypothesis strategies for hostile requests to one route.

Every part of a request is drawn: the method (mostly the route's own, sometimes one it must
refuse), the path (real values of existing resources, unknown ids, hostile and long text,
raw percent escapes, a twisted path), the query (known parameter names with hostile values,
and random ones), the headers (a live, revoked, junk or missing token; right and wrong
content types; microversions; odd hosts) and the body (a known-good seed with one thing
changed, malformed bytes, generic JSON, or none). Branches are ordered simplest first, so a
failing example shrinks towards a valid request with one thing wrong.
"""

from __future__ import annotations

import string
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

from pytest_mimic.services.base import MAX_BODY_BYTES
from tests.fuzz.exchange import HOLE, Body, FuzzRequest, Segment, clipped
from tests.fuzz.known import LIVE, OTHER, TWISTS, Known
from tests.fuzz.routes import METHODS, UNMATCHED, Argument
from tests.fuzz.seeds import HOSTILE_JSON_TEXT, HOSTILE_VALUES, SEEDS
from tests.fuzz.world import has_recipe

if TYPE_CHECKING:
    from collections.abc import Mapping

    from hypothesis.strategies import SearchStrategy

    from tests.fuzz.routes import Route, ServiceRoutes

# -- values ----------------------------------------------------------------------------

#: Path argument values, quoted when sent.
HOSTILE_SEGMENTS: tuple[str, ...] = (
    "0",
    "-1",
    "1",
    "00",
    "1.5",
    "1e9",
    "9" * 25,
    "9" * 5000,
    "null",
    "None",
    "undefined",
    "true",
    "[]",
    "{}",
    "'",
    '"',
    "<script>",
    "' OR '1'='1",
    "%s%n",
    "${jndi:ldap://x}",
    "..",
    ".",
    "...",
    "/",
    "a/b",
    "../../etc/passwd",
    " ",
    "\t",
    "\n",
    "\x00",
    "\x7f",
    "é",
    "日本語",
    "\U0001f642",
    "\u202e",
    "\ufeff",
    "Ω" * 300,
    "a" * 256,
    "a" * 4096,
    # Past the server's request-line limit: the HTTP layer's 414, not a service's.
    "a" * 70_000,
)

#: Put in the path as they are, so the server decodes them: encoded slashes and dots,
#: NUL, invalid and overlong UTF-8, a CRLF.
RAW_SEGMENTS: tuple[str, ...] = (
    "%00",
    "%2F",
    "%2f..%2f",
    "%2e%2e",
    "%2e",
    "%FF",
    "%C0%AF",
    "%ED%A0%80",
    "%E2%80%AE",
    "%25",
    "%%",
    "%zz",
    "%u0041",
    "%0D%0AX-Injected:%201",
    ";x=1",
    "a;b",
    "..",
    "?",
    "#",
    "&",
)

#: Query parameter names the services read, or that clients commonly send.
QUERY_NAMES: tuple[str, ...] = (
    "Action",
    "Version",
    "QueueUrl",
    "limit",
    "marker",
    "name",
    "status",
    "changes-since",
    "image",
    "flavor",
    "minRam",
    "minDisk",
    "belongsTo",
    "nocatalog",
    "detail",
    "nodeaddress",
    "offset",
    "all_tenants",
    "sort_key",
    "sort_dir",
    "reservation_id",
    "ip",
    "deleted",
)

HOSTILE_QUERY_VALUES: tuple[str, ...] = (
    "",
    "0",
    "-1",
    "1",
    "1000",
    "1001",
    "2147483648",
    "9" * 5000,
    "1.5",
    "1e3",
    "0x10",
    "nan",
    "inf",
    "-inf",
    "²",
    "true",
    "null",
    "ACTIVE",
    "active",
    "DELETED",
    "ERROR",
    "BUILD",
    "*",
    ".*",
    "(a+)+$",
    "(a|a)*b",
    "(a%2B)%2B$",
    "[",
    "\\",
    "a{1000000}",
    "(?P<x>",
    "(?=a)*",
    "a" * 5000,
    "2020-01-01T00:00:00Z",
    "2020-01-01T00:00:00",
    "2020-01-01 00:00:00+00:00",
    "2020-01-01T00:00:00+99:00",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00:00+01:00",
    "10000-01-01",
    "2020-13-45",
    "now",
    "http://x/y/z",
    "/",
    "é",
    "\U0001f642",
    "\x00",
)

#: Request headers clients send, or hostile ones send on purpose. Not ``Content-Length`` or
#: ``Transfer-Encoding``: ``requests`` frames the body itself, and a second, contradicting
#: framing would be a malformed conversation (the raw-socket tests' business, not ours).
HEADER_NAMES: tuple[str, ...] = (
    "Accept",
    "Accept-Encoding",
    "Accept-Language",
    "Authorization",
    "Content-Encoding",
    "Cookie",
    "Expect",
    "Host",
    "If-None-Match",
    "Origin",
    "Range",
    "X-Auth-Project-Id",
    "X-Forwarded-For",
    "X-Forwarded-Host",
    "X-Forwarded-Proto",
    "X-Mimic-Next-Status",
    "X-Mimic-Next-Body",
    "X-Mimic-Next-Headers",
)

HEADER_VALUES: tuple[str, ...] = (
    "",
    "null",
    "*/*",
    "gzip",
    "100-continue",
    "bytes=0-0",
    "evil.example",
    "[::1",
    "127.0.0.1:99999",
    "ex ample",
    "é",
    "a" * 8000,
    "100",
    "200",
    "503",
    "99999",
    '{"X-Fuzz": "b"}',
    '{"X A": "b"}',
    '{"X-Fuzz": "a\\r\\nb"}',
    '{"X-Fuzz": "\\u0100"}',
)

CONTENT_TYPES: tuple[str, ...] = (
    "application/json; charset=utf-8",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=fuzz",
    "multipart/form-data",
    "application/xml",
    "application/json; charset=latin-1",
    "application/json, text/plain",
    "*/*",
    "",
    "a" * 300,
    # the Image service's JSON patch and image data
    "application/openstack-images-v2.1-json-patch",
    "application/openstack-images-v2.0-json-patch",
    "application/octet-stream",
)

MICROVERSIONS: tuple[str, ...] = ("2.1", "latest", "2.99", "3.0", "2", "2.1.1", "x", "", "9" * 50)

#: Bodies no JSON encoder would write.
RAW_BODIES: tuple[tuple[str, bytes], ...] = (
    ("empty", b""),
    ("space", b" "),
    ("{", b"{"),
    ("[", b"["),
    ("}", b"}"),
    ("null", b"null"),
    ("nul", b"nul"),
    ("0", b"0"),
    ("quote", b'"'),
    ("member without value", b'{"a":}'),
    ("single quotes", b"{'a': 1}"),
    ("trailing comma", b'{"a": 1,}'),
    ("NaN", b"NaN"),
    ("-Infinity", b"-Infinity"),
    ("1e999", b"1e999"),
    ("5000 digits", b"9" * 5000),
    ("UTF-8 BOM", b"\xef\xbb\xbf{}"),
    ("UTF-16 with BOM", "{}".encode("utf-16")),
    ("invalid UTF-8", b"\xc3\x28"),
    ("lone surrogate escape", b'{"a": "\\ud800"}'),
    ("NUL bytes", b"\x00" * 10),
    ("form", b"a=b&c=d"),
    ("multipart", b'--fuzz\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--fuzz--\r\n'),
    ("duplicate keys", b'{"a": 1, "a": 2}'),
    ("100,000 [", b"[" * 100_000),
    ("50,000 nested objects", b'{"a":' * 50_000 + b"1" + b"}" * 50_000),
    ("one byte over the body limit", b" " * (MAX_BODY_BYTES + 1)),
)

_JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
)
#: Any JSON document, small.
JSON_VALUES: SearchStrategy[Any] = st.recursive(
    _JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=10,
)

_LATIN1_PRINTABLE = string.ascii_letters + string.digits + string.punctuation + "¡éÿ"
_HEADER_TEXT = st.text(alphabet=_LATIN1_PRINTABLE, max_size=40)


def _weighted(*choices: tuple[int, SearchStrategy[Any]]) -> SearchStrategy[Any]:
    """``one_of`` with each strategy ``weight`` times as likely (the first shrinks best).

    Each repetition is a distinct strategy object: ``one_of`` drops repeated ones.
    """
    return st.one_of(*[s.map(_same) for weight, s in choices for _ in range(weight)])


def _same(value: Any) -> Any:
    return value


def _known(name: str, twists: tuple[str, ...] = ()) -> SearchStrategy[Known]:
    return st.builds(
        Known,
        st.just(name),
        variant=st.sampled_from((LIVE, LIVE, LIVE, OTHER)),
        twist=st.sampled_from(("",) * 15 + twists),
    )


# -- requests --------------------------------------------------------------------------


class RequestStrategies:
    """Strategies for the routes of one set of services (``routes``: name -> routes)."""

    def __init__(self, routes: Mapping[str, ServiceRoutes]) -> None:
        self.routes = routes
        self._cache: dict[Route, SearchStrategy[FuzzRequest]] = {}

    def unmade_arguments(self, route: Route) -> list[str]:
        """The route's path arguments that only ever get made-up values."""
        return [
            f"{route.service}.{name}"
            for name in route.arguments
            if not has_recipe(route.scope(name), self.routes)
        ]

    def requests(self, route: Route) -> SearchStrategy[FuzzRequest]:
        """Hostile requests for ``route``."""
        if route not in self._cache:
            self._cache[route] = st.builds(
                FuzzRequest,
                route=st.just(route),
                method=self.methods(route),
                path=self.paths(route),
                query=st.lists(
                    st.tuples(
                        st.one_of(st.sampled_from(QUERY_NAMES), st.text(max_size=12)),
                        self.query_values(route),
                    ),
                    max_size=4,
                ).map(tuple),
                query_quoted=st.sampled_from((True, True, True, False)),
                headers=self.headers(),
                body=self.bodies(route),
                chunked=st.sampled_from((False, False, False, False, True)),
            )
        return self._cache[route]

    def methods(self, route: Route) -> SearchStrategy[str]:
        own = route.methods or METHODS
        foreign = tuple(m for m in METHODS if m not in own)
        if not foreign:
            return st.sampled_from(own)
        return _weighted((6, st.sampled_from(own)), (1, st.sampled_from(foreign)))

    # -- path ----------------------------------------------------------------------------

    def paths(self, route: Route) -> SearchStrategy[tuple[Segment, ...]]:
        if route.operation == UNMATCHED:
            words = self.routes[route.service].words
            segment = st.one_of(
                st.sampled_from(words or ("x",)).map(lambda w: Segment(w, raw=True)),
                self._hostile_segments(),
            )
            return st.lists(st.tuples(st.just(Segment("/", raw=True)), segment), max_size=5).map(
                lambda pairs: tuple(s for pair in pairs for s in pair)
            )
        last = route.arguments[-1] if route.arguments else None
        parts = [
            self.argument(route, part.name, last=part.name == last)
            if isinstance(part, Argument)
            else st.just(Segment(part, raw=True))
            for part in route.parts
        ]
        twists = st.sampled_from(
            ("",) * 20
            + ("trailing slash", "double slash", "extra segment", "upper case", "dot segment")
        )
        return st.tuples(st.tuples(*parts), twists).map(lambda drawn: _twisted(*drawn))

    def argument(self, route: Route, name: str, *, last: bool) -> SearchStrategy[Segment]:
        """Mostly a real value (more so for the leading arguments, the region and tenant,
        so that hostile values in the last one reach its handler)."""
        scope = route.scope(name)
        if not has_recipe(scope, self.routes):
            return self._hostile_segments()
        known = _known(scope, TWISTS).map(Segment)
        return _weighted((3 if last else 8, known), (1, self._hostile_segments()))

    @staticmethod
    def _hostile_segments() -> SearchStrategy[Segment]:
        return st.one_of(
            st.uuids().map(lambda u: Segment(str(u))),
            st.sampled_from(HOSTILE_SEGMENTS).map(Segment),
            st.sampled_from(RAW_SEGMENTS).map(lambda v: Segment(v, raw=True)),
            st.text(min_size=1, max_size=40).map(Segment),
            st.integers(-(10**20), 10**20).map(lambda i: Segment(str(i))),
        )

    # -- query ---------------------------------------------------------------------------

    def query_values(self, route: Route) -> SearchStrategy[str | Known | None]:
        options: list[SearchStrategy[Any]] = [
            st.sampled_from(HOSTILE_QUERY_VALUES),
            st.text(max_size=30),
            st.integers().map(str),
            st.none(),
            st.just(Known("tenant")),
        ]
        service = self.routes[route.service]
        if service.operations:
            options.insert(0, st.sampled_from(service.operations))
        if route.operation != UNMATCHED:
            member = service.child_scope(route)
            if member is not None and has_recipe(member, self.routes):
                options.insert(0, _known(member, ("upper", "suffix", "truncate")))
        return st.one_of(*options)

    # -- headers -------------------------------------------------------------------------

    @staticmethod
    def headers() -> SearchStrategy[tuple[tuple[str, str | Known], ...]]:
        token = _weighted(
            (8, st.just(Known("token"))),
            (1, st.just(Known("token", OTHER))),
            (1, st.none()),
            (1, st.sampled_from(("", "null", "Bearer x", "a" * 8000))),
            (1, _HEADER_TEXT),
        )
        content_type = _weighted(
            (3, st.just("application/json")),
            (1, st.none()),
            (1, st.sampled_from(CONTENT_TYPES)),
        )
        subject = st.one_of(
            st.none(), st.just(Known("token")), st.just(Known("token", OTHER)), _HEADER_TEXT
        )
        microversion = _weighted(
            (4, st.none()),
            (1, st.tuples(st.just("X-OpenStack-Nova-API-Version"), st.sampled_from(MICROVERSIONS))),
            (
                1,
                st.tuples(
                    st.just("OpenStack-API-Version"),
                    st.sampled_from(MICROVERSIONS).map(lambda v: f"compute {v}".strip()),
                ),
            ),
        )
        others = st.lists(
            st.tuples(
                st.one_of(
                    st.sampled_from(HEADER_NAMES), st.from_regex(r"\AX-[A-Za-z0-9-]{1,20}\Z")
                ),
                st.one_of(st.sampled_from(HEADER_VALUES), _HEADER_TEXT),
            ),
            max_size=2,
        )

        def assemble(drawn: tuple[Any, ...]) -> tuple[tuple[str, str | Known], ...]:
            token_value, type_value, subject_value, version, extra = drawn
            headers: list[tuple[str, str | Known]] = []
            if token_value is not None:
                headers.append(("X-Auth-Token", token_value))
            if type_value is not None:
                headers.append(("Content-Type", type_value))
            if subject_value is not None:
                headers.append(("X-Subject-Token", subject_value))
            if version is not None:
                headers.append(version)
            return tuple(headers + extra)

        return st.tuples(token, content_type, subject, microversion, others).map(assemble)

    # -- body ----------------------------------------------------------------------------

    def bodies(self, route: Route) -> SearchStrategy[Body | None]:
        generic = st.one_of(
            JSON_VALUES.map(lambda v: Body(f"JSON {clipped(v, 60)}", document=v)),
            st.sampled_from(RAW_BODIES).map(lambda lb: Body(lb[0], raw=lb[1])),
            st.binary(max_size=64).map(lambda b: Body(f"bytes {clipped(b, 60)}", raw=b)),
        )
        seeds = SEEDS.get(route.operation, ())
        if seeds:
            return _weighted((4, mutated(route.operation, seeds)), (1, generic), (1, st.none()))
        if writes_body(route):
            return _weighted((2, generic), (1, st.none()))
        return _weighted((3, st.none()), (1, generic))


def writes_body(route: Route) -> bool:
    """Whether the route's own methods carry a body (so a missing seed is worth a mention)."""
    return any(method in ("POST", "PUT", "PATCH") for method in route.methods)


# -- mutations of known-good bodies ----------------------------------------------------

Location = tuple[Any, ...]


def _locations(document: Any, here: Location = ()) -> list[Location]:
    """Every place below the root of ``document``: object keys and list indexes."""
    found: list[Location] = []
    if isinstance(document, dict):
        for key, value in document.items():
            found.append((*here, key))
            found += _locations(value, (*here, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found.append((*here, index))
            found += _locations(value, (*here, index))
    return found


def _copy(document: Any) -> Any:
    if isinstance(document, dict):
        return {key: _copy(value) for key, value in document.items()}
    if isinstance(document, list):
        return [_copy(value) for value in document]
    return document


def _at(document: Any, where: Location) -> Any:
    for step in where:
        document = document[step]
    return document


def _shown(where: Location) -> str:
    return "".join(f"[{step!r}]" for step in where)


@st.composite
def mutated(draw: st.DrawFn, operation: str, seeds: tuple[Any, ...]) -> Body:
    """A seed of ``operation`` as it is, or with one place changed: a hostile value, raw
    JSON text, the member deleted, a member added, or the root replaced."""
    index = draw(st.integers(0, len(seeds) - 1))
    document = _copy(seeds[index])
    encoding = draw(st.sampled_from(("utf-8",) * 6 + ("utf-8-raw", "utf-16", "latin-1")))
    label = f"{operation} seed {index}"
    locations = _locations(document)
    change = draw(st.sampled_from(("as is", "value", "value", "text", "delete", "add", "root")))
    if change == "as is" or not locations:
        return Body(label, document=document, encoding=encoding)
    if change == "root":
        root = draw(st.sampled_from(("list", "null", "string", "member")))
        replaced = {
            "list": [document],
            "null": None,
            "string": "fuzz",
            "member": next(iter(document.values())) if isinstance(document, dict) else None,
        }[root]
        return Body(f"{label} with the root as {root}", document=replaced, encoding=encoding)
    where = draw(st.sampled_from(locations))
    parent, last = _at(document, where[:-1]), where[-1]
    if change == "value":
        value = draw(st.one_of(st.sampled_from(HOSTILE_VALUES), JSON_VALUES))
        parent[last] = value
        label += f" with {_shown(where)} = {clipped(value, 60)}"
    elif change == "text":
        text = draw(st.sampled_from(HOSTILE_JSON_TEXT))
        parent[last] = HOLE
        return Body(
            f"{label} with {_shown(where)} = JSON text {clipped(text, 60)}",
            document=document,
            hole=text,
            encoding=encoding,
        )
    elif change == "delete":
        del parent[last]
        label += f" without {_shown(where)}"
    else:
        target = _at(document, where)
        container = target if isinstance(target, dict) else parent
        key = draw(
            st.one_of(st.sampled_from(("id", "name", "type", "metadata", "")), st.text(max_size=10))
        )
        value = draw(st.one_of(st.sampled_from(HOSTILE_VALUES), JSON_VALUES))
        if isinstance(container, dict):
            container[key] = value
        else:
            container.append(value)
        label += f" plus {key!r} = {clipped(value, 60)} near {_shown(where)}"
    return Body(label, document=document, encoding=encoding)


def _twisted(segments: tuple[Segment, ...], twist: str) -> tuple[Segment, ...]:
    """A route's path with a near miss: the kind of typo a real client's URL join makes."""
    if twist == "trailing slash":
        return (*segments, Segment("/", raw=True))
    if twist == "double slash":
        return (Segment("/", raw=True), *segments)
    if twist == "extra segment":
        return (*segments, Segment("/fuzz-extra", raw=True))
    if twist == "dot segment":
        return (*segments, Segment("/%2e", raw=True))
    if twist == "upper case":
        return tuple(
            Segment(s.value.upper(), raw=True) if isinstance(s.value, str) and s.raw else s
            for s in segments
        )
    return segments
