"""Users, tenants and tokens of the fake Identity service; plain Python, no HTTP.

Zero configuration, as in the original Mimic, but consistent: an unknown username is
registered on its first login with the secret it used (and the tenant it named, or a new
one); from then on only that secret works. A login with the other kind of secret (a
password for a user registered by API key, or the reverse) is refused too, instead of
registering it: otherwise whether "wrong key gives 401" held would depend on which test
ran first, and pyrax, which retries a refused key as a password, would always get in.
Declared users (``add_user``) log in with exactly the secrets declared; one declared with
none keeps the first secret a login presents, as an unknown user does.

Time comes only from the ``Clock`` given to the model. Every public mutator checks
everything first and changes state last, so a refused request leaves nothing behind.
What it refuses it raises as ``ServiceError`` subclasses (``AuthenticationFailed``,
``TokenNotFound``) that carry their status; the HTTP layer renders them unchanged.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from pytest_mimic.clock import clamp
from pytest_mimic.errors import ServiceError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from pytest_mimic.clock import Clock

__all__ = [
    "AuthenticationFailed",
    "IdentityModel",
    "Tenant",
    "Token",
    "TokenNotFound",
    "User",
]

PASSWORD = "PASSWORD"
APIKEY = "APIKEY"
IMPERSONATION = "IMPERSONATION"

#: Roles every user holds; Rackspace's default role for an account's first user.
DEFAULT_ROLES: tuple[dict[str, str], ...] = (
    {"id": "3", "name": "identity:user-admin", "description": "User Admin Role."},
)


class AuthenticationFailed(ServiceError):
    """Credentials, tenant or token were refused (HTTP 401, ``unauthorized``)."""

    default_status: ClassVar[int] = 401
    default_fault: ClassVar[str | None] = "unauthorized"


class TokenNotFound(ServiceError):
    """The token is unknown, expired, revoked or not for the tenant asked (HTTP 404,
    ``itemNotFound``)."""

    default_status: ClassVar[int] = 404
    default_fault: ClassVar[str | None] = "itemNotFound"


@dataclass
class Tenant:
    """A tenant (a Keystone v3 project): an id, a display name, always enabled."""

    id: str
    name: str


@dataclass
class User:
    """A user with at most one password and one API key, and the tenants it may use.

    ``tenant_ids[0]`` is the default tenant, used when a login names none;
    ``default_region`` of ``None`` means the cloud's default region.
    """

    id: str
    username: str
    password: str | None = None
    api_key: str | None = None
    tenant_ids: list[str] = field(default_factory=list)
    default_region: str | None = None

    @property
    def default_tenant_id(self) -> str:
        """The tenant a login without tenant is scoped to."""
        return self.tenant_ids[0]


@dataclass
class Token:
    """An issued token, always scoped to one tenant.

    ``methods`` is how the user proved who they are (``PASSWORD``, ``APIKEY``...);
    ``impersonator_id`` is the user who asked for an impersonation token. ``expires`` is
    ``issued`` plus the lifetime, but never later than ``clock.LAST_DATE``.
    """

    id: str
    user_id: str
    tenant_id: str
    issued: float
    expires: float
    methods: tuple[str, ...]
    impersonator_id: str | None = None
    revoked: bool = False

    def valid_at(self, now: float) -> bool:
        """Whether the token may be used at ``now``."""
        return not self.revoked and now < self.expires


def _new_hex() -> str:
    return uuid.uuid4().hex


def _new_tenant_id() -> str:
    # Rackspace tenant ids are decimal account numbers; keep ours in that shape.
    return str(1_000_000 + uuid.uuid4().int % 9_000_000)


#: Dead tokens are swept when the store reaches this size (then twice the live count).
_PRUNE_FLOOR = 1024


class IdentityModel:
    """The users, tenants and tokens of one cloud.

    ``lifetime`` gives the lifetime of a new token in seconds; it is a callable so that a
    test's ``configure(token_lifetime=...)`` takes effect at once.
    """

    def __init__(self, clock: Clock, lifetime: Callable[[], float]) -> None:
        self._clock = clock
        self._lifetime = lifetime
        self.users: dict[str, User] = {}
        self.tenants: dict[str, Tenant] = {}
        self.tokens: dict[str, Token] = {}
        self._live: dict[tuple[str, str, str], str] = {}
        self._prune_at = _PRUNE_FLOOR
        self._by_username: dict[str, str] = {}

    # -- declaring users and tenants -------------------------------------------------------

    def add_tenant(self, tenant_id: str, *, name: str | None = None) -> Tenant:
        """Declare a tenant (its name defaults to its id); an existing one is returned as is,
        renamed if ``name`` is given."""
        tenant = self.tenants.get(tenant_id)
        if tenant is None:
            tenant = Tenant(tenant_id, name or tenant_id)
            self.tenants[tenant_id] = tenant
        elif name is not None:
            tenant.name = name
        return tenant

    def add_user(
        self,
        username: str,
        *,
        password: str | None = None,
        api_key: str | None = None,
        tenant_id: str | None = None,
        default_region: str | None = None,
        user_id: str | None = None,
    ) -> User:
        """Declare a user, or change a known one: set the given secrets and add the tenant.

        A new user without ``tenant_id`` gets a fresh tenant of its own, and without
        ``user_id`` a fresh id. A user declared without any secret takes the first one a
        login presents, as an unknown user does.
        """
        user = self.find_user(username)
        if tenant_id is not None:
            self.add_tenant(tenant_id)
        if user is None:
            tenant = tenant_id if tenant_id is not None else self.add_tenant(_new_tenant_id()).id
            user = User(user_id or _new_hex(), username, tenant_ids=[tenant])
            self.users[user.id] = user
            self._by_username[username] = user.id
        elif tenant_id is not None and tenant_id not in user.tenant_ids:
            user.tenant_ids.append(tenant_id)
        if password is not None:
            user.password = password
        if api_key is not None:
            user.api_key = api_key
        if default_region is not None:
            user.default_region = default_region
        return user

    def find_user(self, username: str) -> User | None:
        """The user called ``username``, if known."""
        user_id = self._by_username.get(username)
        return None if user_id is None else self.users[user_id]

    def user_tenants(self, user: User) -> list[Tenant]:
        """The tenants ``user`` may scope a token to, default first."""
        return [self.tenants[t] for t in user.tenant_ids]

    # -- authentication ---------------------------------------------------------------------

    def authenticate_secret(
        self,
        *,
        username: str | None = None,
        user_id: str | None = None,
        password: str | None = None,
        api_key: str | None = None,
        tenant_id: str | None = None,
        tenant_name: str | None = None,
        reuse: bool = False,
    ) -> Token:
        """Log in with a password or an API key (exactly one), registering unknown usernames.

        ``reuse=True`` answers with the user's live token for the same tenant and method when
        there is one, as Rackspace Identity v2.0 does (Keystone v3 mints a new token each
        time); a revoked or expired token is never reused.

        A known user must present the secret it has of that kind; without one, the login is
        refused (declare it with ``add_user``). Only a user with no secret at all (declared
        without one, or met through impersonation) keeps the first secret presented.
        ``tenantId`` equal to the username is taken as the user's default tenant, because
        pyrax's password fallback sends exactly that.
        """
        if (password is None) == (api_key is None):
            raise ValueError("give exactly one of password and api_key")
        kind = "password" if password is not None else "api key"
        method = PASSWORD if password is not None else APIKEY
        user = self._lookup_user(username, user_id)
        if user is None:
            if username is None:
                raise AuthenticationFailed(f"Username or {kind} is invalid")
            token = self._register(username, password, api_key, tenant_id, tenant_name, method)
            if reuse:
                self._live[(token.user_id, token.tenant_id, method)] = token.id
            return token
        stored = user.password if password is not None else user.api_key
        given = password if password is not None else api_key
        unclaimed = user.password is None and user.api_key is None
        if stored != given and not unclaimed:
            raise AuthenticationFailed(f"Username or {kind} is invalid")
        tenant = self._tenant_for(user, tenant_id, tenant_name)
        if unclaimed:
            user.password, user.api_key = password, api_key
        if reuse:
            live = self.valid_token(self._live.get((user.id, tenant.id, method)))
            if live is not None:
                return live
        token = self._issue(user, tenant, (method,))
        if reuse:
            self._live[(user.id, tenant.id, method)] = token.id
        return token

    def authenticate_token(
        self,
        token_id: str,
        *,
        tenant_id: str | None = None,
        tenant_name: str | None = None,
    ) -> Token:
        """Exchange a valid token for a new one, optionally for another tenant of its user.

        The new token keeps the original's authentication methods: an exchange proves no new
        secret.
        """
        original = self.valid_token(token_id)
        if original is None:
            raise AuthenticationFailed("Token not authenticated")
        user = self.users[original.user_id]
        if tenant_id is None and tenant_name is None:
            tenant = self.tenants[original.tenant_id]
        else:
            tenant = self._tenant_for(user, tenant_id, tenant_name)
        return self._issue(user, tenant, original.methods, impersonator=original.impersonator_id)

    def impersonate(
        self, username: str, *, impersonator: Token | None, expire_in: float | None = None
    ) -> Token:
        """A token acting as ``username`` (registered if unknown), remembering who asked."""
        if expire_in is not None and expire_in <= 0:
            raise ValueError("expire-in-seconds must be positive")
        user = self.find_user(username) or self.add_user(username)
        return self._issue(
            user,
            self.tenants[user.default_tenant_id],
            (IMPERSONATION,),
            impersonator=None if impersonator is None else impersonator.user_id,
            lifetime=expire_in,
        )

    # -- tokens ----------------------------------------------------------------------------

    def valid_token(self, token_id: str | None) -> Token | None:
        """The token if it is known, unexpired and not revoked, else ``None``."""
        if token_id is None:
            return None
        token = self.tokens.get(token_id)
        if token is None or not token.valid_at(self._clock.now()):
            return None
        return token

    def is_valid(self, token_id: str | None) -> bool:
        """Whether ``token_id`` may call services now (the cloud's token validator)."""
        return self.valid_token(token_id) is not None

    def validate(self, token_id: str, *, belongs_to: str | None = None) -> Token:
        """The valid token, checked against ``belongs_to`` (tenant id or name) if given."""
        token = self.valid_token(token_id)
        if token is None:
            raise TokenNotFound("Token not found.")
        if belongs_to is not None:
            tenant = self.tenants[token.tenant_id]
            if belongs_to not in (tenant.id, tenant.name):
                raise TokenNotFound("Token does not belong to the tenant.")
        return token

    def revoke(self, token_id: str) -> None:
        """Make a token unusable from now on; unknown or already dead tokens are not found."""
        token = self.valid_token(token_id)
        if token is None:
            raise TokenNotFound("Token not found.")
        token.revoked = True

    # -- internals -------------------------------------------------------------------------

    def _lookup_user(self, username: str | None, user_id: str | None) -> User | None:
        if user_id is not None:
            user = self.users.get(user_id)
            if user is None or (username is not None and user.username != username):
                return None
            return user
        return None if username is None else self.find_user(username)

    def _register(
        self,
        username: str,
        password: str | None,
        api_key: str | None,
        tenant_id: str | None,
        tenant_name: str | None,
        method: str,
    ) -> Token:
        tenant = self._find_tenant(tenant_id, tenant_name)
        if (
            tenant is None
            and tenant_id is not None
            and tenant_name is not None
            and tenant_id != tenant_name
            and (tenant_id in self.tenants or self._tenant_named(tenant_name) is not None)
        ):
            raise AuthenticationFailed(
                f"Tenant id '{tenant_id}' and name '{tenant_name}' do not match"
            )
        new_tenant: Tenant | None = None
        if tenant is None:
            new_id = tenant_id or tenant_name or _new_tenant_id()
            new_tenant = Tenant(new_id, tenant_name or new_id)
            tenant = new_tenant
        user = User(_new_hex(), username, password, api_key, [tenant.id])
        # Checks are done: commit everything at once.
        if new_tenant is not None:
            self.tenants[new_tenant.id] = new_tenant
        self.users[user.id] = user
        self._by_username[username] = user.id
        return self._issue(user, tenant, (method,))

    def _tenant_named(self, name: str) -> Tenant | None:
        return next((t for t in self.tenants.values() if t.name == name), None)

    def _find_tenant(self, tenant_id: str | None, tenant_name: str | None) -> Tenant | None:
        by_id = None if tenant_id is None else self.tenants.get(tenant_id)
        by_name = None if tenant_name is None else self._tenant_named(tenant_name)
        if tenant_id is not None and tenant_name is not None:
            return by_id if by_id is not None and by_id is by_name else None
        return by_id or by_name

    def _tenant_for(self, user: User, tenant_id: str | None, tenant_name: str | None) -> Tenant:
        if tenant_id is None and tenant_name is None:
            return self.tenants[user.default_tenant_id]
        if tenant_name is None and tenant_id == user.username:
            return self.tenants[user.default_tenant_id]
        tenant = self._find_tenant(tenant_id, tenant_name)
        if tenant is None or tenant.id not in user.tenant_ids:
            named = tenant_name if tenant_name is not None else tenant_id
            raise AuthenticationFailed(
                f"Tenant with Name/Id: '{named}' is not valid for User '{user.username}' "
                f"(id: '{user.id}')"
            )
        return tenant

    def _issue(
        self,
        user: User,
        tenant: Tenant,
        methods: Iterable[str],
        *,
        impersonator: str | None = None,
        lifetime: float | None = None,
    ) -> Token:
        now = self._clock.now()
        token = Token(
            id=_new_hex(),
            user_id=user.id,
            tenant_id=tenant.id,
            issued=now,
            expires=clamp(now + (self._lifetime() if lifetime is None else lifetime)),
            methods=tuple(methods),
            impersonator_id=impersonator,
        )
        if len(self.tokens) >= self._prune_at:
            self._prune(now)
        self.tokens[token.id] = token
        return token

    def _prune(self, now: float) -> None:
        """Forget dead tokens (expired or revoked): they answer exactly as unknown ones do,
        and a server that runs for days must not keep every token it ever issued.
        """
        self.tokens = {key: token for key, token in self.tokens.items() if token.valid_at(now)}
        self._live = {key: tid for key, tid in self._live.items() if tid in self.tokens}
        self._prune_at = max(_PRUNE_FLOOR, 2 * len(self.tokens))
