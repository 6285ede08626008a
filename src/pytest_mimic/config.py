"""Settings shared by the cloud and its services.

One object so that the ini options, the ``serve`` flags, the control plane and a test's
own ``mimic_cloud.configure(...)`` all end in the same place. The cloud-wide settings
(regions, the default user, token checks) are declared here; every other setting is
declared by the service it belongs to (``Service.settings``) and read by it with
``config.value(SETTING)``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from pytest_mimic.names import UnknownName, suggest
from pytest_mimic.server import IDLE_TIMEOUT
from pytest_mimic.server import MAX_CONNECTIONS as SERVER_MAX_CONNECTIONS
from pytest_mimic.settings import Setting, SettingsSchema

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "CHECK_TOKENS",
    "CORE_SETTINGS",
    "DEFAULT_REGION",
    "MAX_CONNECTIONS",
    "REGIONS",
    "REQUEST_HEAD_SECONDS",
    "CloudConfig",
    "Credentials",
    "default_schema",
    "parse_setting",
]

T = TypeVar("T")


@dataclass(frozen=True)
class Credentials:
    """The user every fresh cloud knows, so the default environment logs in as it is."""

    username: str = "mimic-user"
    password: str = "mimic-password"
    api_key: str = "mimic-api-key"
    tenant_id: str = "100001"


REGIONS = Setting[tuple[str, ...]](
    "regions", "names", ("ORD", "DFW", "IAD"), "regions every catalog entry is listed in"
)
DEFAULT_REGION = Setting[str]("default_region", "text", "ORD", "the region clients are sent to")
CHECK_TOKENS = Setting[bool](
    "check_tokens", "bool", True, "answer 401 to service calls without a valid token"
)
REQUEST_HEAD_SECONDS = Setting[float](
    "request_head_seconds",
    "seconds",
    IDLE_TIMEOUT,
    "seconds a client may take to send a whole request head (request line and headers), "
    "at most the idle timeout; a slower one is answered 408 and closed",
    minimum=0.001,
)
MAX_CONNECTIONS = Setting[int](
    "max_connections",
    "count",
    SERVER_MAX_CONNECTIONS,
    "connections the server serves at once; one more is answered 503 with Retry-After",
    minimum=1,
    maximum=100_000,
)
#: The settings of the cloud itself; every other one belongs to a service.
CORE_SETTINGS: tuple[Setting[Any], ...] = (
    REGIONS,
    DEFAULT_REGION,
    CHECK_TOKENS,
    REQUEST_HEAD_SECONDS,
    MAX_CONNECTIONS,
)

#: Names ``replace`` takes besides the declared settings.
_SPECIAL = ("credentials", "options")


def default_schema() -> SettingsSchema:
    """The core settings and those of every installed service."""
    from pytest_mimic.registry import declared_settings, installed_services

    return SettingsSchema((*CORE_SETTINGS, *declared_settings(installed_services())))


class CloudConfig:
    """What a test may tune; each reset of the cloud returns to the session's config.

    ``CloudConfig(server_build_seconds=600)`` sets any declared setting by name;
    ``options={...}`` is the same with the names as keys (for settings a third-party
    service declares). ``credentials`` is the default user. Values are checked as given:
    an unknown name raises ``UnknownName`` naming the settings, a value of the wrong type
    ``TypeError``, one out of bounds ``ValueError``.
    """

    __slots__ = ("_credentials", "_schema", "_values")

    def __init__(
        self,
        *,
        credentials: Credentials | None = None,
        options: dict[str, Any] | None = None,
        schema: SettingsSchema | None = None,
        **settings: Any,
    ) -> None:
        self._schema = schema if schema is not None else default_schema()
        self._credentials = Credentials() if credentials is None else credentials
        if not isinstance(self._credentials, Credentials):
            raise TypeError(f"setting 'credentials' must be a Credentials, not {credentials!r}")
        self._values: dict[str, Any] = {n: s.default for n, s in self._schema.items()}
        for name, value in _changes(options, settings).items():
            self._values[name] = self._setting(name).check(value)

    def _setting(self, name: str) -> Setting[Any]:
        if name not in self._schema:
            valid = [*self._schema, *_SPECIAL]
            raise UnknownName(
                f"no setting named {name!r}{suggest(name, valid)}; settings: " + ", ".join(valid)
            )
        return self._schema[name]

    # -- reading ---------------------------------------------------------------------

    def value(self, setting: Setting[T]) -> T:
        """The value of a declared setting, typed as its declaration."""
        return self._values[setting.name]  # type: ignore[no-any-return]

    def __getitem__(self, name: str) -> Any:
        if name == "credentials":
            return self._credentials
        return self._values[self._setting(name).name]

    def __getattr__(self, name: str) -> Any:
        # ``config.server_build_seconds`` for any declared setting, as tests read them.
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except UnknownName as error:
            raise AttributeError(str(error)) from None

    @property
    def credentials(self) -> Credentials:
        return self._credentials

    @property
    def regions(self) -> tuple[str, ...]:
        return self.value(REGIONS)

    @property
    def default_region(self) -> str:
        return self.value(DEFAULT_REGION)

    @property
    def check_tokens(self) -> bool:
        return self.value(CHECK_TOKENS)

    @property
    def schema(self) -> SettingsSchema:
        """Every setting this config knows."""
        return self._schema

    def settings(self) -> dict[str, Any]:
        """Every setting as JSON-ready values (the control plane's ``GET`` answer)."""
        values: dict[str, Any] = {
            name: list(value) if isinstance(value, tuple) else value
            for name, value in self._values.items()
        }
        values["credentials"] = dataclasses.asdict(self._credentials)
        return values

    # -- changing --------------------------------------------------------------------

    def replace(self, **changes: Any) -> CloudConfig:
        """A copy with ``changes`` (checked as the constructor checks them)."""
        copy = object.__new__(CloudConfig)
        copy._schema = self._schema
        copy._credentials = changes.pop("credentials", self._credentials)
        if not isinstance(copy._credentials, Credentials):
            raise TypeError(
                f"setting 'credentials' must be a Credentials, not {copy._credentials!r}"
            )
        copy._values = dict(self._values)
        for name, value in _changes(changes.pop("options", None), changes).items():
            copy._values[name] = self._setting(name).check(value)
        return copy

    def parse(self, name: str, value: Any) -> Any:
        """``value`` for setting ``name`` from text or JSON (ini, ``serve --set``, HTTP)."""
        if name == "options":
            if not isinstance(value, dict):
                raise ValueError(f"setting 'options' must be an object, not {value!r}")
            return {key: self.parse(key, item) for key, item in value.items()}
        if name == "credentials":
            raise UnknownName("'credentials' cannot be set from text; set username etc. in Python")
        return self._setting(name).parse(value)

    def with_settings(self, settings: Iterable[Setting[Any]]) -> CloudConfig:
        """This config, knowing ``settings`` too (at their defaults)."""
        schema = self._schema.extended(settings)
        if schema is self._schema:
            return self
        copy = CloudConfig(credentials=self._credentials, schema=schema)
        copy._values.update(self._values)
        return copy

    def __repr__(self) -> str:
        changed = {n: v for n, v in self._values.items() if self._schema[n].default != v}
        return f"CloudConfig({', '.join(f'{k}={v!r}' for k, v in changed.items())})"


def _changes(options: Any, settings: dict[str, Any]) -> dict[str, Any]:
    if options is None:
        return settings
    if not isinstance(options, dict):
        raise TypeError(f"setting 'options' must be a dict of settings, not {options!r}")
    return {**options, **settings}


def parse_setting(name: str, value: Any, config: CloudConfig | None = None) -> Any:
    """``value`` for setting ``name`` from text or JSON: ``"false"`` is a bool, ``"600"``
    a number, ``"ORD,DFW"`` a region list. Anything that does not fit raises
    ``ValueError`` naming the setting; an unknown name ``UnknownName``.
    """
    return (config or CloudConfig()).parse(name, value)
