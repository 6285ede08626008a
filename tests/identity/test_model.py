"""The Identity model alone: users, tenants, secrets, tokens and the clock."""

from __future__ import annotations

import pytest

from pytest_mimic.clock import LAST_DATE, LATEST, Clock, isoformat_z
from pytest_mimic.errors import ServiceError
from pytest_mimic.services.identity.model import (
    AuthenticationFailed,
    IdentityModel,
    TokenNotFound,
)

LIFETIME = 3600.0


@pytest.fixture
def clock() -> Clock:
    clock = Clock()
    clock.freeze()
    return clock


@pytest.fixture
def model(clock) -> IdentityModel:
    return IdentityModel(clock, lambda: LIFETIME)


def test_first_login_registers_the_user_with_a_tenant_of_its_own(model):
    token = model.authenticate_secret(username="alice", password="pw")
    user = model.find_user("alice")
    assert user is not None
    assert token.user_id == user.id
    assert token.tenant_id == user.default_tenant_id
    assert token.tenant_id in model.tenants


def test_repeated_login_with_the_same_secret_is_the_same_user_and_tenant(model):
    first = model.authenticate_secret(username="alice", password="pw")
    second = model.authenticate_secret(username="alice", password="pw")
    assert (second.user_id, second.tenant_id) == (first.user_id, first.tenant_id)
    assert second.id != first.id


@pytest.mark.parametrize(
    ("error", "status", "fault"),
    [(AuthenticationFailed, 401, "unauthorized"), (TokenNotFound, 404, "itemNotFound")],
)
def test_model_errors_carry_their_status_and_fault(error, status, fault):
    """The HTTP layer renders them as raised, in the v2.0 or v3 shape, with no mapping."""
    raised = error("why")
    assert isinstance(raised, ServiceError)
    assert (raised.status, raised.fault, str(raised)) == (status, fault, "why")


def test_a_different_password_after_registration_is_refused(model):
    model.authenticate_secret(username="alice", password="pw")
    with pytest.raises(AuthenticationFailed, match="password is invalid"):
        model.authenticate_secret(username="alice", password="other")


def test_a_user_registered_by_password_gets_no_api_key_from_a_later_login(model):
    model.authenticate_secret(username="alice", password="pw")
    with pytest.raises(AuthenticationFailed, match="api key is invalid"):
        model.authenticate_secret(username="alice", api_key="key")
    user = model.find_user("alice")
    assert user is not None
    assert user.api_key is None


def test_a_user_registered_by_api_key_gets_no_password_from_a_later_login(model):
    """pyrax retries a refused key as a password; that retry must not get in either."""
    model.authenticate_secret(username="alice", api_key="key1")
    with pytest.raises(AuthenticationFailed, match="api key is invalid"):
        model.authenticate_secret(username="alice", api_key="key2")
    with pytest.raises(AuthenticationFailed, match="password is invalid"):
        model.authenticate_secret(username="alice", password="key2", tenant_id="alice")
    user = model.find_user("alice")
    assert user is not None
    assert user.password is None


def test_a_declared_user_logs_in_only_with_the_kinds_of_secret_declared(model):
    model.add_user("alice", password="pw")
    with pytest.raises(AuthenticationFailed, match="api key is invalid"):
        model.authenticate_secret(username="alice", api_key="key")
    model.add_user("alice", api_key="key")
    assert model.authenticate_secret(username="alice", api_key="key").methods == ("APIKEY",)


@pytest.mark.parametrize("declare", ["add_user", "impersonate"])
def test_a_user_known_without_any_secret_keeps_the_first_one_presented(model, declare):
    if declare == "add_user":
        model.add_user("alice", tenant_id="1")
    else:
        model.impersonate("alice", impersonator=None)
    model.authenticate_secret(username="alice", api_key="key")
    model.authenticate_secret(username="alice", api_key="key")
    with pytest.raises(AuthenticationFailed, match="password is invalid"):
        model.authenticate_secret(username="alice", password="pw")


def test_the_tenant_named_on_first_login_becomes_the_users_tenant(model):
    token = model.authenticate_secret(username="alice", password="pw", tenant_name="acme")
    assert token.tenant_id == "acme"
    assert model.tenants["acme"].name == "acme"


def test_a_known_user_cannot_scope_to_a_tenant_it_does_not_belong_to(model):
    model.authenticate_secret(username="alice", password="pw", tenant_id="1")
    model.add_tenant("2")
    with pytest.raises(AuthenticationFailed, match="not valid for User 'alice'"):
        model.authenticate_secret(username="alice", password="pw", tenant_id="2")


def test_tenant_id_equal_to_the_username_means_the_default_tenant(model):
    """pyrax's password fallback sends ``tenantId = username``."""
    model.add_user("alice", password="pw", tenant_id="5555")
    token = model.authenticate_secret(username="alice", password="pw", tenant_id="alice")
    assert token.tenant_id == "5555"


def test_a_new_user_naming_an_existing_tenant_joins_it(model):
    model.add_user("alice", password="pw", tenant_id="shared")
    token = model.authenticate_secret(username="bob", password="pw", tenant_id="shared")
    bob = model.find_user("bob")
    assert bob is not None
    assert token.tenant_id == "shared"
    assert bob.tenant_ids == ["shared"]


def test_a_refused_first_login_registers_nothing(model):
    model.add_tenant("1", name="one")
    with pytest.raises(AuthenticationFailed):
        model.authenticate_secret(username="bob", password="pw", tenant_id="1", tenant_name="two")
    assert model.find_user("bob") is None
    assert set(model.tenants) == {"1"}


def test_a_refused_login_does_not_register_the_missing_secret(model):
    model.add_user("alice", password="pw", tenant_id="1")
    with pytest.raises(AuthenticationFailed):
        model.authenticate_secret(username="alice", api_key="key", tenant_id="elsewhere")
    user = model.find_user("alice")
    assert user is not None
    assert user.api_key is None


def test_login_by_user_id(model):
    user = model.add_user("alice", password="pw")
    token = model.authenticate_secret(user_id=user.id, password="pw")
    assert token.user_id == user.id


def test_unknown_user_id_is_refused_not_registered(model):
    with pytest.raises(AuthenticationFailed):
        model.authenticate_secret(user_id="nobody", password="pw")
    assert model.users == {}


def test_add_user_on_a_known_user_adds_the_tenant_and_secret(model):
    model.add_user("alice", password="pw", tenant_id="1")
    user = model.add_user("alice", api_key="key", tenant_id="2")
    assert user.tenant_ids == ["1", "2"]
    assert (user.password, user.api_key) == ("pw", "key")


def test_a_token_expires_by_the_clock(model, clock):
    token = model.authenticate_secret(username="alice", password="pw")
    assert token.expires == clock.now() + LIFETIME
    clock.advance(LIFETIME - 1)
    assert model.is_valid(token.id)
    clock.advance(1)
    assert not model.is_valid(token.id)


def test_a_revoked_token_is_invalid_and_cannot_be_revoked_again(model):
    token = model.authenticate_secret(username="alice", password="pw")
    model.revoke(token.id)
    assert not model.is_valid(token.id)
    with pytest.raises(TokenNotFound):
        model.revoke(token.id)


def test_unknown_and_missing_tokens_are_invalid(model):
    assert not model.is_valid("nope")
    assert not model.is_valid(None)


def test_validate_checks_belongs_to_by_tenant_id_or_name(model):
    model.add_tenant("42", name="answer")
    model.add_user("alice", password="pw", tenant_id="42")
    token = model.authenticate_secret(username="alice", password="pw")
    assert model.validate(token.id, belongs_to="42") is token
    assert model.validate(token.id, belongs_to="answer") is token
    with pytest.raises(TokenNotFound):
        model.validate(token.id, belongs_to="43")


def test_token_exchange_keeps_user_and_methods_and_may_change_tenant(model):
    model.add_user("alice", api_key="key", tenant_id="1")
    model.add_user("alice", tenant_id="2")
    original = model.authenticate_secret(username="alice", api_key="key")
    exchanged = model.authenticate_token(original.id, tenant_id="2")
    assert exchanged.id != original.id
    assert exchanged.user_id == original.user_id
    assert exchanged.tenant_id == "2"
    assert exchanged.methods == ("APIKEY",)


def test_token_exchange_needs_a_live_token(model, clock):
    token = model.authenticate_secret(username="alice", password="pw")
    clock.advance(LIFETIME)
    with pytest.raises(AuthenticationFailed):
        model.authenticate_token(token.id)


def test_impersonation_acts_as_the_user_and_remembers_the_impersonator(model, clock):
    admin = model.authenticate_secret(username="admin", password="pw")
    token = model.impersonate("alice", impersonator=admin, expire_in=100)
    alice = model.find_user("alice")
    assert alice is not None
    assert token.user_id == alice.id
    assert token.impersonator_id == admin.user_id
    assert token.methods == ("IMPERSONATION",)
    assert token.expires == clock.now() + 100


def test_token_expiry_stops_at_the_last_date_at_the_end_of_the_clock(clock):
    model = IdentityModel(clock, lambda: 2 * 86400.0)
    clock.move_to(LATEST)
    token = model.authenticate_secret(username="alice", password="pw")
    impersonation = model.impersonate("bob", impersonator=token, expire_in=366 * 86400)
    assert token.expires == impersonation.expires == LAST_DATE
    assert isoformat_z(token.expires) == "9999-12-31T23:59:59.000000Z"
    assert model.is_valid(token.id)


def test_a_huge_lifetime_ends_on_the_last_date(clock):
    model = IdentityModel(clock, lambda: 1e300)
    assert model.authenticate_secret(username="alice", password="pw").expires == LAST_DATE


def test_v2_style_logins_reuse_the_live_token_as_rackspace_identity_does(model, clock):
    first = model.authenticate_secret(username="alice", password="pw", reuse=True)
    clock.advance(60)
    again = model.authenticate_secret(username="alice", password="pw", reuse=True)
    by_key = model.authenticate_secret(username="bob", api_key="k", reuse=True)

    assert again is first
    assert again.expires == first.expires  # reuse does not extend the token
    assert by_key.id != first.id


def test_a_revoked_or_expired_token_is_never_reused(model, clock):
    first = model.authenticate_secret(username="alice", password="pw", reuse=True)
    model.revoke(first.id)
    second = model.authenticate_secret(username="alice", password="pw", reuse=True)
    clock.advance(LIFETIME + 1)
    third = model.authenticate_secret(username="alice", password="pw", reuse=True)

    assert len({first.id, second.id, third.id}) == 3
    assert model.valid_token(third.id) is third


def test_dead_tokens_are_swept_so_the_store_stays_bounded(model, clock):
    for _ in range(5000):
        token = model.authenticate_secret(username="alice", password="pw")
        model.revoke(token.id)
    live = model.authenticate_secret(username="alice", password="pw")

    assert len(model.tokens) <= 1024
    assert model.valid_token(live.id) is live
