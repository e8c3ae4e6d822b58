"""Use cases against in-memory fakes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lms_user.domain.audit import AuditAction
from lms_user.domain.errors import (
    CannotRemoveOwnAdminRole,
    EmailAlreadyRegistered,
    InvalidCredentials,
    InvalidProfile,
    PasswordRejected,
    RefreshTokenInvalid,
    RefreshTokenReused,
    RequestIdReused,
    UpdateMaskInvalid,
    UserNotFound,
)
from lms_user.domain.model import (
    EmailVerificationRequested,
    ProfileChanges,
    Role,
    UserRegistered,
    UserRolesChanged,
)
from lms_user.domain.passwords import PasswordPolicy
from lms_user.handlers import UserHandlers

from .fakes import FakeAccessTokens, FakeClock, FakeHasher, FakeUnitOfWork, Store

PASSWORD = "correct battery staple horse"


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 1, 1, tzinfo=UTC))


@pytest.fixture
def hasher() -> FakeHasher:
    return FakeHasher()


@pytest.fixture
def handlers(store: Store, clock: FakeClock, hasher: FakeHasher) -> UserHandlers:
    return UserHandlers(
        lambda: FakeUnitOfWork(store),
        hasher=hasher,
        tokens=FakeAccessTokens(),
        password_policy=PasswordPolicy.with_common(["password", "qwerty", "letmein"]),
        clock=clock,
    )


async def register(handlers: UserHandlers, email: str = "Ada@Example.com ", **kwargs):
    return await handlers.register(
        email=email, password=kwargs.pop("password", PASSWORD), display_name="Ada", **kwargs
    )


async def test_register_normalises_email_makes_a_student_and_asks_for_email_verification(handlers, store):
    user = await register(handlers)
    assert user.email == "ada@example.com"
    assert user.roles == {Role.STUDENT}
    assert store.hashes[user.id] == f"hashed:{PASSWORD}"
    assert [type(e) for e in store.events] == [UserRegistered, EmailVerificationRequested]
    assert [a.action for a in store.audit] == [
        AuditAction.USER_REGISTERED,
        AuditAction.EMAIL_VERIFICATION_SENT,
    ]


async def test_register_refuses_an_email_already_registered_in_any_case(handlers, store):
    await register(handlers)
    with pytest.raises(EmailAlreadyRegistered):
        await register(handlers, "ADA@example.com")
    assert len(store.users) == 1


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short pass", "PASSWORD_TOO_SHORT"),
        ("Password2024!", "PASSWORD_TOO_COMMON"),
        ("qwertyqwerty", "PASSWORD_TOO_COMMON"),
        ("aaaaaaaaaaaaaa", "PASSWORD_TOO_COMMON"),
        ("my ada@example.com pw", "PASSWORD_CONTAINS_EMAIL"),
    ],
)
async def test_register_refuses_passwords_that_break_the_policy(handlers, store, password, code):
    with pytest.raises(PasswordRejected) as caught:
        await register(handlers, "ada@example.com", password=password)
    assert code in {p.code for p in caught.value.problems}
    assert store.users == {}


async def test_register_with_the_same_request_id_returns_the_first_account(handlers, store):
    rid = "5b0d7a59-3b8f-4f8e-9d52-1f6f8f7c2f11"
    first = await register(handlers, request_id=rid)
    again = await register(handlers, request_id=rid)
    assert again.id == first.id
    assert len(store.users) == 1
    with pytest.raises(RequestIdReused):
        await register(handlers, "other@example.com", request_id=rid)


async def test_login_returns_tokens_and_starts_a_session(handlers, store):
    user = await register(handlers)
    signed_in = await handlers.login(email=" ADA@example.com", password=PASSWORD)
    assert signed_in.user.id == user.id
    assert signed_in.access_token.startswith(f"access:{user.id}:student")
    assert signed_in.session_id in store.sessions
    assert store.audit[-1].action is AuditAction.LOGIN_SUCCEEDED


async def test_login_fails_identically_for_unknown_email_and_wrong_password(handlers, store, hasher):
    await register(handlers)
    with pytest.raises(InvalidCredentials) as wrong_password:
        await handlers.login(email="ada@example.com", password="not the password")
    with pytest.raises(InvalidCredentials) as unknown_email:
        await handlers.login(email="nobody@example.com", password=PASSWORD)
    assert str(wrong_password.value) == str(unknown_email.value)
    assert hasher.dummy_verifies == 1  # the unknown email still paid for a hash check
    assert [e.action for e in store.audit[-2:]] == [AuditAction.LOGIN_FAILED] * 2
    assert store.sessions == {}


async def test_login_upgrades_a_hash_that_needs_rehashing(handlers, store):
    user = await register(handlers)
    store.hashes[user.id] = f"legacy:{PASSWORD}"
    await handlers.login(email="ada@example.com", password=PASSWORD)
    assert store.hashes[user.id] == f"hashed:{PASSWORD}"


async def test_refresh_rotates_and_the_old_token_stops_working(handlers, store):
    await register(handlers)
    first = await handlers.login(email="ada@example.com", password=PASSWORD)
    second = await handlers.refresh(first.refresh_token)
    assert second.refresh_token != first.refresh_token
    assert second.session_id == first.session_id
    third = await handlers.refresh(second.refresh_token)
    assert third.session_id == first.session_id


async def test_reusing_a_spent_refresh_token_revokes_the_whole_session(handlers, store):
    await register(handlers)
    first = await handlers.login(email="ada@example.com", password=PASSWORD)
    second = await handlers.refresh(first.refresh_token)
    with pytest.raises(RefreshTokenReused):
        await handlers.refresh(first.refresh_token)
    assert store.sessions[first.session_id].revoke_reason == "token_reuse"
    with pytest.raises(RefreshTokenInvalid):
        await handlers.refresh(second.refresh_token)  # the thief's (or owner's) newer token is dead too
    assert store.audit[-1].action is AuditAction.REFRESH_TOKEN_REUSED


async def test_refresh_token_expires(handlers, clock):
    await register(handlers)
    signed_in = await handlers.login(email="ada@example.com", password=PASSWORD)
    clock.advance(days=31)
    with pytest.raises(RefreshTokenInvalid):
        await handlers.refresh(signed_in.refresh_token)


async def test_unknown_refresh_token_is_invalid(handlers):
    with pytest.raises(RefreshTokenInvalid):
        await handlers.refresh("made-up")


async def test_logout_revokes_one_session_and_logout_all_revokes_the_rest(handlers, store):
    user = await register(handlers)
    a = await handlers.login(email="ada@example.com", password=PASSWORD)
    b = await handlers.login(email="ada@example.com", password=PASSWORD)
    c = await handlers.login(email="ada@example.com", password=PASSWORD)
    await handlers.logout(a.refresh_token)
    await handlers.logout(a.refresh_token)  # idempotent
    await handlers.logout("unknown")
    with pytest.raises(RefreshTokenInvalid):
        await handlers.refresh(a.refresh_token)
    assert await handlers.logout_all(user.id) == 2
    for signed_in in (b, c):
        with pytest.raises(RefreshTokenInvalid):
            await handlers.refresh(signed_in.refresh_token)


async def test_update_profile_changes_only_masked_fields(handlers):
    user = await register(handlers)
    changes = ProfileChanges(frozenset({"bio"}), display_name="ignored", bio="Hello")
    updated = await handlers.update_profile(user.id, changes, actor_id=user.id)
    assert (updated.display_name, updated.bio) == ("Ada", "Hello")
    with pytest.raises(UpdateMaskInvalid):
        await handlers.update_profile(user.id, ProfileChanges(frozenset({"email"})), actor_id=user.id)
    with pytest.raises(InvalidProfile):
        await handlers.update_profile(
            user.id, ProfileChanges(frozenset({"display_name"}), display_name="  "), actor_id=user.id
        )
    with pytest.raises(InvalidProfile):
        await handlers.update_profile(
            user.id, ProfileChanges(frozenset({"avatar"}), avatar="https://evil/x.png"), actor_id=user.id
        )


async def test_set_roles_records_event_and_audit_and_is_a_no_op_when_unchanged(handlers, store):
    user = await register(handlers)
    admin = await register(handlers, "admin@example.com")
    updated = await handlers.set_roles(user.id, [Role.TEACHER], actor_id=admin.id, reason="hired")
    assert updated.roles == {Role.TEACHER}
    changed = [e for e in store.events if isinstance(e, UserRolesChanged)]
    assert changed[0].previous_roles == {Role.STUDENT} and changed[0].changed_by == admin.id
    assert store.audit[-1].action is AuditAction.ROLES_CHANGED
    commits = store.commits
    await handlers.set_roles(user.id, [Role.TEACHER], actor_id=admin.id)
    assert store.commits == commits


async def test_admin_cannot_remove_own_admin_role(handlers):
    admin = await register(handlers)
    await handlers.set_roles(admin.id, [Role.ADMIN], actor_id="root")
    with pytest.raises(CannotRemoveOwnAdminRole):
        await handlers.set_roles(admin.id, [Role.STUDENT], actor_id=admin.id)


async def test_new_roles_travel_in_the_next_refreshed_token(handlers):
    user = await register(handlers)
    signed_in = await handlers.login(email="ada@example.com", password=PASSWORD)
    await handlers.set_roles(user.id, [Role.TEACHER, Role.STUDENT], actor_id="admin-1")
    refreshed = await handlers.refresh(signed_in.refresh_token)
    assert ":student,teacher:" in refreshed.access_token


async def test_batch_get_keeps_order_and_names_every_missing_user(handlers):
    a = await register(handlers, "a@example.com")
    b = await register(handlers, "b@example.com")
    users = await handlers.batch_get_users([b.id, a.id, b.id])
    assert [u.id for u in users] == [b.id, a.id, b.id]
    with pytest.raises(UserNotFound) as caught:
        await handlers.batch_get_users([a.id, "x", "y"])
    assert caught.value.user_ids == ["x", "y"]
