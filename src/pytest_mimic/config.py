"""Settings shared by the cloud and its services.

One plain object so that the pytest options, the ``serve`` flags and a test's own
``mimic_cloud.configure(...)`` all end in the same place.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from typing import Any

from pytest_mimic.validation import UnknownName, suggest


@dataclass(frozen=True)
class Credentials:
    """The user every fresh cloud knows, so the default environment logs in as it is."""

    username: str = "mimic-user"
    password: str = "mimic-password"
    api_key: str = "mimic-api-key"
    tenant_id: str = "100001"


@dataclass(frozen=True)
class CloudConfig:
    """What a test may tune; each reset of the cloud returns to the session's config.

    ``check_tokens``: services answer 401 to a missing, unknown, expired or revoked token.
    ``token_lifetime``: seconds a fresh Identity token lives.
    ``server_build_seconds``: how long a new Nova server stays in BUILD.
    ``strict_compute_refs``: validate ``imageRef``/``flavorRef`` as real Nova does, instead of
    accepting any id as the original Mimic did.
    ``clb_build_seconds``, ``clb_update_seconds``, ``clb_delete_seconds``: how long a Cloud
    Load Balancer stays in BUILD, PENDING_UPDATE after a change, and PENDING_DELETE (0: the
    next read sees the end state). ``clb_deleted_retention_seconds``: how long a DELETED load
    balancer can still be read before it is a 404.
    ``options``: free-form settings for third-party services.
    """

    regions: tuple[str, ...] = ("ORD", "DFW", "IAD")
    default_region: str = "ORD"
    credentials: Credentials = field(default_factory=Credentials)
    check_tokens: bool = True
    token_lifetime: float = 24 * 3600.0
    server_build_seconds: float = 0.0
    strict_compute_refs: bool = False
    clb_build_seconds: float = 0.0
    clb_update_seconds: float = 0.0
    clb_delete_seconds: float = 0.0
    clb_deleted_retention_seconds: float = 90 * 60.0
    options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for item in dataclasses.fields(self):
            _check_type(item.name, getattr(self, item.name))

    def replace(self, **changes: Any) -> CloudConfig:
        """Return a copy with ``changes``.

        Unknown names raise ``UnknownName`` naming the settings; a value of the wrong type
        (``check_tokens="false"``) raises ``TypeError``: strings are not coerced here (see
        ``parse_setting`` for text from ini files, the command line and HTTP).
        """
        for name in changes:
            if name not in SETTINGS:
                raise UnknownName(
                    f"no setting named {name!r}{suggest(name, SETTINGS)}; settings: "
                    + ", ".join(SETTINGS)
                )
        return dataclasses.replace(self, **changes)

    def settings(self) -> dict[str, Any]:
        """Every setting as JSON-ready values (the control plane's ``GET`` answer)."""
        values = dataclasses.asdict(self)
        values["regions"] = list(self.regions)
        return values


#: Settings that take plain values, and the type each must have.
_KINDS: dict[str, type | tuple[type, ...]] = {
    "regions": tuple,
    "default_region": str,
    "check_tokens": bool,
    "token_lifetime": float,
    "server_build_seconds": float,
    "strict_compute_refs": bool,
    "clb_build_seconds": float,
    "clb_update_seconds": float,
    "clb_delete_seconds": float,
    "clb_deleted_retention_seconds": float,
    "options": dict,
}
#: Every setting name ``replace`` / ``configure`` accepts.
SETTINGS: tuple[str, ...] = (*_KINDS, "credentials")


def _check_type(name: str, value: Any) -> None:
    if name == "credentials":
        if not isinstance(value, Credentials):
            raise TypeError(f"setting 'credentials' must be a Credentials, not {value!r}")
        return
    kind = _KINDS[name]
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"setting {name!r} must be a number of seconds, not {value!r}")
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"setting {name!r} must be finite and >= 0, not {value!r}")
        return
    if kind is tuple:
        if (
            not isinstance(value, tuple)
            or not value
            or not all(isinstance(item, str) and item for item in value)
        ):
            raise TypeError(f"setting {name!r} must be a non-empty tuple of names, not {value!r}")
        return
    if not isinstance(value, kind):
        expected = getattr(kind, "__name__", str(kind))
        raise TypeError(f"setting {name!r} must be {expected}, not {value!r}")


def parse_setting(name: str, value: Any) -> Any:
    """``value`` for setting ``name`` from text or JSON (ini files, ``serve --set``, HTTP):
    ``"false"`` is a bool, ``"600"`` a number, ``"ORD,DFW"`` a region list. Anything that
    does not fit raises ``ValueError`` naming the setting.
    """
    if name not in SETTINGS or name == "credentials":
        settable = [n for n in SETTINGS if n != "credentials"]
        raise UnknownName(
            f"no setting named {name!r}{suggest(name, settable)}; settings: " + ", ".join(settable)
        )
    kind = _KINDS[name]
    text = value.strip() if isinstance(value, str) else None
    if kind is bool:
        if isinstance(value, bool):
            return value
        if text is not None and text.lower() in {
            "true",
            "yes",
            "on",
            "1",
            "false",
            "no",
            "off",
            "0",
        }:
            return text.lower() in {"true", "yes", "on", "1"}
        raise ValueError(f"{name}: {value!r} is not true or false")
    if kind is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        else:
            try:
                number = float(text) if text is not None else math.nan
            except ValueError:
                raise ValueError(f"{name}: {value!r} is not a number") from None
        if not math.isfinite(number) or number < 0:
            raise ValueError(f"{name}: {value!r} is not a finite number >= 0")
        return number
    if kind is tuple:
        items = value if isinstance(value, list) else (text or "").split(",")
        names = tuple(str(item).strip() for item in items if str(item).strip())
        if not names:
            raise ValueError(f"{name}: {value!r} names no region")
        return names
    if kind is dict:
        if isinstance(value, dict):
            return value
        try:
            parsed = json.loads(text or "")
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            raise ValueError(f"{name}: {value!r} is not a JSON object")
        return parsed
    if text is None:
        raise ValueError(f"{name}: {value!r} is not text")
    return text
