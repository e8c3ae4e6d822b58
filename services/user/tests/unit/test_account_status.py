"""Suspending, enabling and closing accounts (issue 18.3), against in-memory fakes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lms_kit.domain import AccountInactive, Actor, Invalid
from lms_kit.testing.fakes import FakeStore
from lms_user.domain.audit import AuditAction
from lms_user.domain.errors import CannotDisableSelf, InvalidCredentials, RefreshTokenInvalid, UserNotFound
from lms_user.domain.model import AccountStatus, UserDeleted, UserDisabled, UserEnabled
from lms_user.domain.passwords import PasswordPolicy
from lms_user.handlers import UserUseCases

from .fakes import FakeAccessTokens, FakeClock, FakeHasher, State, unit_of_work

PASSWORD = "correct battery staple horse"
ADMIN = Actor.user("admin-1", "admin")


@pytest.fixture
def store() -> FakeStore[State]:
    return FakeStore(State())


@pytest.fixture
def handlers(store: FakeStore[State]) -> UserUseCases:
    return UserUseCases.build(
        unit_of_work(store),
        hasher=FakeHasher(),
        tokens=FakeAccessTokens(),
        password_policy=PasswordPolicy.with_common(["password"]),
        clock=FakeClock(datetime(2026, 1, 1, tzinfo=UTC)),
    )


async def register(handlers: UserUseCases, email: str = "ada@example.com"):
    return await handlers.accounts.register(email=email, password=PASSWORD, display_name="Ada Lovelace")


async def test_a_suspension_revokes_sessions_refuses_sign_in_and_is_published_once(handlers, store):
    user = await register(handlers)
    signed_in = await handlers.sessions.login(email=user.email, password=PASSWORD)

    disabled = await handlers.account_status.disable(ADMIN, user.id, reason="fraud")
    again = await handlers.account_status.disable(ADMIN, user.id, reason="fraud")

    assert disabled.status is again.status is AccountStatus.DISABLED
    assert [type(e) for e in store.events].count(UserDisabled) == 1
    assert all(s.revoked_at is not None for s in store.state.sessions.values())
    with pytest.raises(AccountInactive):
        await handlers.sessions.login(email=user.email, password=PASSWORD)
    with pytest.raises(RefreshTokenInvalid):
        await handlers.sessions.refresh(signed_in.refresh_token)
    assert (await handlers.account_status.standing(user.id)).status is AccountStatus.DISABLED
    assert [a.action for a in store.state.audit].count(AuditAction.USER_DISABLED) == 1


async def test_enabling_lets_the_account_sign_in_again(handlers, store):
    user = await register(handlers)
    await handlers.account_status.disable(ADMIN, user.id, reason="checking")
    enabled = await handlers.account_status.enable(ADMIN, user.id)
    await handlers.account_status.enable(ADMIN, user.id)  # a retry publishes nothing more
    assert enabled.status is AccountStatus.ACTIVE
    assert [type(e) for e in store.events].count(UserEnabled) == 1
    assert await handlers.sessions.login(email=user.email, password=PASSWORD)


async def test_a_suspension_needs_a_reason_and_another_account(handlers):
    user = await register(handlers)
    with pytest.raises(Invalid) as missing:
        await handlers.account_status.disable(ADMIN, user.id, reason="  ")
    assert [v.field for v in missing.value.violations] == ["reason"]
    with pytest.raises(CannotDisableSelf):
        await handlers.account_status.disable(Actor.user(user.id, "admin"), user.id, reason="oops")
    with pytest.raises(UserNotFound):
        await handlers.account_status.disable(ADMIN, "no-such-user", reason="x")


async def test_closing_an_account_erases_its_data_and_answers_retries_with_the_same_closure(handlers, store):
    user = await register(handlers)
    await handlers.sessions.login(email=user.email, password=PASSWORD)
    owner = Actor.user(user.id)
    with pytest.raises(Invalid):
        await handlers.account_status.delete(owner, user.id)  # the password confirms it
    with pytest.raises(InvalidCredentials):
        await handlers.account_status.delete(owner, user.id, password="wrong password here")
    assert store.state.users[user.id].status is AccountStatus.ACTIVE

    closure = await handlers.account_status.delete(owner, user.id, password=PASSWORD)
    retried = await handlers.account_status.delete(ADMIN, user.id, reason="retry")

    assert retried == closure
    kept = store.state.users[user.id]
    assert kept.status is AccountStatus.DELETED
    assert "ada" not in kept.email and kept.display_name == "Deleted user"
    assert user.id not in store.state.hashes
    assert all(s.revoked_at is not None for s in store.state.sessions.values())
    assert [type(e) for e in store.events].count(UserDeleted) == 1
    with pytest.raises(InvalidCredentials):  # the email no longer names an account
        await handlers.sessions.login(email=user.email, password=PASSWORD)
    with pytest.raises(UserNotFound):
        await handlers.follows.public_profile(user.id)
    with pytest.raises(UserNotFound):  # closed for good
        await handlers.account_status.enable(ADMIN, user.id)


async def test_an_administrator_closes_another_account_only_with_a_reason(handlers):
    user = await register(handlers)
    with pytest.raises(Invalid) as missing:
        await handlers.account_status.delete(ADMIN, user.id)
    assert [v.field for v in missing.value.violations] == ["reason"]
    closure = await handlers.account_status.delete(ADMIN, user.id, reason="spam account")
    assert closure.user_id == user.id


async def test_the_email_of_a_closed_account_can_register_again(handlers):
    user = await register(handlers)
    await handlers.account_status.delete(Actor.user(user.id), user.id, password=PASSWORD)
    again = await register(handlers)
    assert again.id != user.id and again.status is AccountStatus.ACTIVE


async def test_no_reset_mail_for_a_suspended_account(handlers, store):
    user = await register(handlers)
    await handlers.account_status.disable(ADMIN, user.id, reason="fraud")
    before = len(store.events)
    await handlers.passwords.request_password_reset(user.email)
    assert len(store.events) == before
