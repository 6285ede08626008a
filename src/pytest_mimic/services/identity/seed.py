"""Identity's section of a state document: tenants and users (tokens are not state: clients
log in again).

```toml
[[identity.tenants]]
id = "200001"
name = "acme"

[[identity.users]]
username = "alice"
password = "s3cret"          # and/or api_key
tenants = ["200001"]         # the first is the default tenant
```

A user listed without ``id`` gets one derived from its name, and without ``tenants`` a
tenant derived from it too, so the same document gives the same ids every time. The
default user and its tenant are exported only when a test changed them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_mimic.seeding import Fields, SeedError, derived_id

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pytest_mimic.services.identity.model import IdentityModel, User

__all__ = ["SEED_FIELDS", "IdentitySeed", "check", "default_user_id", "export", "load"]

SEED_FIELDS: Mapping[str, str] = {
    "tenants": "tenants (Keystone projects): id, name",
    "users": "users: username, id, password, api_key, tenants (the first is the default), "
    "default_region",
}
_TENANT_FIELDS = ("id", "name")
_USER_FIELDS = ("username", "id", "password", "api_key", "tenants", "default_region")


@dataclass(frozen=True)
class SeededTenant:
    id: str
    name: str | None


@dataclass(frozen=True)
class SeededUser:
    id: str
    username: str
    password: str | None
    api_key: str | None
    tenants: tuple[str, ...]
    default_region: str | None


@dataclass(frozen=True)
class IdentitySeed:
    """The tenants and users of a document, checked."""

    tenants: tuple[SeededTenant, ...]
    users: tuple[SeededUser, ...]


def default_user_id(username: str) -> str:
    """The id of a user a document (or the configured default user) names without one."""
    return derived_id("identity", "user", username).hex


def _default_tenant(username: str) -> str:
    # Rackspace tenant ids are account numbers; a derived one keeps that shape.
    return str(1_000_000 + derived_id("identity", "tenant", username).int % 9_000_000)


def check(section: Mapping[str, Any]) -> IdentitySeed:
    """Read ``identity``: every field checked, duplicates refused."""
    fields = Fields(section, "identity", SEED_FIELDS)
    tenants: list[SeededTenant] = []
    for where, raw in fields.tables("tenants"):
        tenant = Fields(raw, where, _TENANT_FIELDS)
        tenant_id = tenant.required_text("id", numbers=True)
        if any(t.id == tenant_id for t in tenants):
            raise tenant.error("id", f"tenant {tenant_id!r} is listed twice")
        tenants.append(SeededTenant(tenant_id, tenant.text("name")))
    users: list[SeededUser] = []
    for where, raw in fields.tables("users"):
        user = Fields(raw, where, _USER_FIELDS)
        username = user.required_text("username")
        user_id = user.text("id") or default_user_id(username)
        for other in users:
            if other.username == username:
                raise user.error("username", f"user {username!r} is listed twice")
            if other.id == user_id:
                raise user.error("id", f"{user_id!r} is also the id of {other.username!r}")
        users.append(
            SeededUser(
                user_id,
                username,
                user.text("password"),
                user.text("api_key"),
                tuple(user.text_list("tenants", numbers=True)) or (_default_tenant(username),),
                user.text("default_region"),
            )
        )
    return IdentitySeed(tuple(tenants), tuple(users))


def load(model: IdentityModel, seed: IdentitySeed) -> None:
    """Add the tenants and users; a user whose name or id is taken by another is refused
    before anything changes.
    """
    for index, user in enumerate(seed.users):
        known = model.find_user(user.username)
        if known is not None and known.id != user.id:
            raise SeedError(
                f"identity.users[{index}].id: user {user.username!r} exists with id {known.id!r}"
            )
        holder = model.users.get(user.id)
        if holder is not None and holder.username != user.username:
            raise SeedError(
                f"identity.users[{index}].id: {user.id!r} is the id of user {holder.username!r}"
            )
    for tenant in seed.tenants:
        model.add_tenant(tenant.id, name=tenant.name)
    for user in seed.users:
        model.add_user(
            user.username,
            password=user.password,
            api_key=user.api_key,
            tenant_id=user.tenants[0],
            default_region=user.default_region,
            user_id=user.id,
        )
        for tenant_id in user.tenants[1:]:
            model.add_user(user.username, tenant_id=tenant_id)


def export(model: IdentityModel, fresh: IdentityModel) -> dict[str, Any]:
    """The tenants and users of ``model`` that a ``fresh`` one does not hold as they are."""
    known_tenants = {tenant.id: tenant.name for tenant in fresh.tenants.values()}
    tenants = [
        {"id": tenant.id} if tenant.name == tenant.id else {"id": tenant.id, "name": tenant.name}
        for tenant in model.tenants.values()
        if known_tenants.get(tenant.id) != tenant.name
    ]
    known_users = {user.username: _row(user) for user in fresh.users.values()}
    users = [
        row
        for row in (_row(user) for user in model.users.values())
        if known_users.get(row["username"]) != row
    ]
    return {"tenants": tenants, "users": users}


def _row(user: User) -> dict[str, Any]:
    row: dict[str, Any] = {"username": user.username, "id": user.id}
    if user.password is not None:
        row["password"] = user.password
    if user.api_key is not None:
        row["api_key"] = user.api_key
    row["tenants"] = list(user.tenant_ids)
    if user.default_region is not None:
        row["default_region"] = user.default_region
    return row
