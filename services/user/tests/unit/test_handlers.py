"""Use cases against in-memory fakes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lms_kit.domain import Actor, Invalid
from lms_kit.testing.fakes import FakeStore, UncommittedWork
from lms_user.domain.audit import NO_CLIENT, AuditAction
from lms_user.domain.errors import (
    CannotRemoveOwnAdminRole,
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
    RegistrationAttemptedForExistingAccount,
    Role,
    User,
    UserFollowed,
    UserRegistered,
    UserRolesChanged,
)
from lms_user.domain.passwords import PasswordPolicy
from lms_user.domain.tokens import TokenCodec
from lms_user.handlers import AccountHandlers, AccountPolicy, UserUseCases

from .fakes import FakeAccessTokens, FakeClock, FakeHasher, State, unit_of_work

PASSWORD = "correct battery staple horse"
REQUEST_ID = "5b0c3c51-7a39-4b8e-9d5c-2f3e1f0d9a11"


@pytest.fixture
def store() -> FakeStore[State]:
    return FakeStore(State())


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 1, 1, tzinfo=UTC))


@pytest.fixture
def hasher() -> FakeHasher:
    return FakeHasher()


@pytest.fixture
def handlers(store: FakeStore[State], clock: FakeClock, hasher: FakeHasher) -> UserUseCases:
    return UserUseCases.build(
        unit_of_work(store),
        hasher=hasher,
        tokens=FakeAccessTokens(),
        password_policy=PasswordPolicy.with_common(["password", "qwerty", "letmein"]),
        clock=clock,
    )


async def register(handlers: UserUseCases, email: str = "Ada@Example.com ", **kwargs):
    return await handlers.accounts.register(
        email=email, password=kwargs.pop("password", PASSWORD), display_name="Ada", **kwargs
    )


async def test_register_normalises_email_makes_a_student_and_asks_for_email_verification(handlers, store):
    user = await register(handlers)
    assert user.email == "ada@example.com"
    assert user.roles == {Role.STUDENT}
    assert store.state.hashes[user.id] == f"hashed:{PASSWORD}"
    assert [type(e) for e in store.events] == [UserRegistered, EmailVerificationRequested]
    assert [a.action for a in store.state.audit] == [
        AuditAction.USER_REGISTERED,
        AuditAction.EMAIL_VERIFICATION_SENT,
    ]


async def test_a_registered_email_gets_a_new_looking_answer_and_its_owner_a_mail(handlers, store, clock):
    first = await register(handlers)
    events_before = len(store.events)

    again = await register(handlers, "ADA@example.com", request_id=REQUEST_ID)

    assert again.id != first.id and again.email == first.email  # the answer's shape of a new account
    assert len(store.state.users) == 1 and store.state.hashes[first.id] == f"hashed:{PASSWORD}"
    [notice] = store.events[events_before:]
    assert isinstance(notice, RegistrationAttemptedForExistingAccount)
    assert notice.user_id == first.id and "/reset-password?token=" in notice.url
    assert store.state.audit[-1].action == AuditAction.REGISTRATION_EXISTING_EMAIL

    # A retry of that call answers the same id; within the reset cooldown no second mail.
    retried = await register(handlers, "ada@example.com", request_id=REQUEST_ID)
    assert retried.id == again.id
    assert len(store.events) == events_before + 1
    assert [a.action for a in store.state.audit].count(AuditAction.REGISTRATION_EXISTING_EMAIL) == 2
    assert (await register(handlers, "ada@example.com")).id not in {first.id, again.id}


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
    assert store.state.users == {}


async def test_register_with_the_same_request_id_returns_the_first_account(handlers, store):
    rid = "5b0d7a59-3b8f-4f8e-9d52-1f6f8f7c2f11"
    first = await register(handlers, request_id=rid)
    again = await register(handlers, request_id=rid)
    assert again.id == first.id
    assert len(store.state.users) == 1
    with pytest.raises(RequestIdReused):
        await register(handlers, "other@example.com", request_id=rid)


async def test_login_returns_tokens_and_starts_a_session(handlers, store):
    user = await register(handlers)
    signed_in = await handlers.sessions.login(email=" ADA@example.com", password=PASSWORD)
    assert signed_in.user.id == user.id
    assert signed_in.access_token.startswith(f"access:{user.id}:student")
    assert signed_in.session_id in store.state.sessions
    assert store.state.audit[-1].action is AuditAction.LOGIN_SUCCEEDED


async def test_login_fails_identically_for_unknown_email_and_wrong_password(handlers, store, hasher):
    await register(handlers)
    with pytest.raises(InvalidCredentials) as wrong_password:
        await handlers.sessions.login(email="ada@example.com", password="not the password")
    with pytest.raises(InvalidCredentials) as unknown_email:
        await handlers.sessions.login(email="nobody@example.com", password=PASSWORD)
    assert str(wrong_password.value) == str(unknown_email.value)
    assert hasher.dummy_verifies == 1  # the unknown email still paid for a hash check
    assert [e.action for e in store.state.audit[-2:]] == [AuditAction.LOGIN_FAILED] * 2
    assert store.state.sessions == {}


async def test_login_upgrades_a_hash_that_needs_rehashing(handlers, store):
    user = await register(handlers)
    store.state.hashes[user.id] = f"legacy:{PASSWORD}"
    await handlers.sessions.login(email="ada@example.com", password=PASSWORD)
    assert store.state.hashes[user.id] == f"hashed:{PASSWORD}"


async def test_refresh_rotates_and_the_old_token_stops_working(handlers, store):
    await register(handlers)
    first = await handlers.sessions.login(email="ada@example.com", password=PASSWORD)
    second = await handlers.sessions.refresh(first.refresh_token)
    assert second.refresh_token != first.refresh_token
    assert second.session_id == first.session_id
    third = await handlers.sessions.refresh(second.refresh_token)
    assert third.session_id == first.session_id


async def test_reusing_a_spent_refresh_token_revokes_the_whole_session(handlers, store):
    await register(handlers)
    first = await handlers.sessions.login(email="ada@example.com", password=PASSWORD)
    second = await handlers.sessions.refresh(first.refresh_token)
    with pytest.raises(RefreshTokenReused):
        await handlers.sessions.refresh(first.refresh_token)
    assert store.state.sessions[first.session_id].revoke_reason == "token_reuse"
    with pytest.raises(RefreshTokenInvalid):
        await handlers.sessions.refresh(
            second.refresh_token
        )  # the thief's (or owner's) newer token is dead too
    assert store.state.audit[-1].action is AuditAction.REFRESH_TOKEN_REUSED


async def test_refresh_token_expires(handlers, clock):
    await register(handlers)
    signed_in = await handlers.sessions.login(email="ada@example.com", password=PASSWORD)
    clock.advance(days=31)
    with pytest.raises(RefreshTokenInvalid):
        await handlers.sessions.refresh(signed_in.refresh_token)


async def test_unknown_refresh_token_is_invalid(handlers):
    with pytest.raises(RefreshTokenInvalid):
        await handlers.sessions.refresh("made-up")


async def test_logout_revokes_one_session_and_logout_all_revokes_the_rest(handlers, store):
    user = await register(handlers)
    a = await handlers.sessions.login(email="ada@example.com", password=PASSWORD)
    b = await handlers.sessions.login(email="ada@example.com", password=PASSWORD)
    c = await handlers.sessions.login(email="ada@example.com", password=PASSWORD)
    await handlers.sessions.logout(a.refresh_token)
    await handlers.sessions.logout(a.refresh_token)  # idempotent
    await handlers.sessions.logout("unknown")
    with pytest.raises(RefreshTokenInvalid):
        await handlers.sessions.refresh(a.refresh_token)
    assert await handlers.sessions.logout_all(Actor.user(user.id)) == 2
    for signed_in in (b, c):
        with pytest.raises(RefreshTokenInvalid):
            await handlers.sessions.refresh(signed_in.refresh_token)


async def test_update_profile_changes_only_masked_fields(handlers):
    user = await register(handlers)
    changes = ProfileChanges(frozenset({"bio"}), display_name="ignored", bio="Hello")
    updated = await handlers.accounts.update_profile(Actor.user(user.id), user.id, changes)
    assert (updated.display_name, updated.bio) == ("Ada", "Hello")
    with pytest.raises(UpdateMaskInvalid):
        await handlers.accounts.update_profile(
            Actor.user(user.id), user.id, ProfileChanges(frozenset({"email"}))
        )
    with pytest.raises(InvalidProfile):
        await handlers.accounts.update_profile(
            Actor.user(user.id), user.id, ProfileChanges(frozenset({"display_name"}), display_name="  ")
        )
    with pytest.raises(InvalidProfile):
        await handlers.accounts.update_profile(
            Actor.user(user.id), user.id, ProfileChanges(frozenset({"avatar"}), avatar="https://evil/x.png")
        )


async def test_set_roles_records_event_and_audit_and_is_a_no_op_when_unchanged(handlers, store):
    user = await register(handlers)
    admin = await register(handlers, "admin@example.com")
    updated = await handlers.admin.set_roles(
        Actor.user(admin.id, "admin"), user.id, [Role.TEACHER], reason="hired"
    )
    assert updated.roles == {Role.TEACHER}
    changed = [e for e in store.events if isinstance(e, UserRolesChanged)]
    assert changed[0].previous_roles == {Role.STUDENT} and changed[0].changed_by == admin.id
    assert store.state.audit[-1].action is AuditAction.ROLES_CHANGED
    commits = store.commits
    await handlers.admin.set_roles(Actor.user(admin.id, "admin"), user.id, [Role.TEACHER])
    assert store.commits == commits


async def test_admin_cannot_remove_own_admin_role(handlers):
    admin = await register(handlers)
    await handlers.admin.set_roles(Actor.user("root", "admin"), admin.id, [Role.ADMIN])
    with pytest.raises(CannotRemoveOwnAdminRole):
        await handlers.admin.set_roles(Actor.user(admin.id, "admin"), admin.id, [Role.STUDENT])


async def test_new_roles_travel_in_the_next_refreshed_token(handlers):
    user = await register(handlers)
    signed_in = await handlers.sessions.login(email="ada@example.com", password=PASSWORD)
    await handlers.admin.set_roles(Actor.user("admin-1", "admin"), user.id, [Role.TEACHER, Role.STUDENT])
    refreshed = await handlers.sessions.refresh(signed_in.refresh_token)
    assert ":student,teacher:" in refreshed.access_token


async def test_batch_get_keeps_order_and_names_every_missing_user(handlers):
    a = await register(handlers, "a@example.com")
    b = await register(handlers, "b@example.com")
    users = await handlers.accounts.batch_get_users([b.id, a.id, b.id])
    assert [u.id for u in users] == [b.id, a.id, b.id]
    with pytest.raises(UserNotFound) as caught:
        await handlers.accounts.batch_get_users([a.id, "x", "y"])
    assert caught.value.user_ids == ["x", "y"]


async def test_a_use_case_that_forgets_to_commit_fails(store, clock, hasher):
    class Forgetful(AccountHandlers):
        async def verify_email(self, token: str, *, client=NO_CLIENT) -> User:
            async with self._uow() as uow:
                user = await uow.users.get(token, lock=True)
                user.verify_email(clock())
                await uow.users.save(user)
            raise AssertionError("unreachable: leaving without commit must fail")

    user = await register(
        UserUseCases.build(unit_of_work(store), hasher=hasher, tokens=FakeAccessTokens(),
                           password_policy=PasswordPolicy.with_common([]), clock=clock)
    )  # fmt: skip
    events, commits = list(store.events), store.commits
    forgetful = Forgetful(
        unit_of_work(store),
        hasher=hasher,
        password_policy=PasswordPolicy.with_common([]),
        link_tokens=TokenCodec([b"k" * 32]),
        policy=AccountPolicy(),
        clock=clock,
    )
    with pytest.raises(UncommittedWork):
        await forgetful.verify_email(user.id)
    assert not store.state.users[user.id].email_verified
    assert (store.events, store.commits) == (events, commits)


async def test_an_event_emitted_without_commit_fails_too(store, clock):
    async def forgetful() -> None:
        async with unit_of_work(store)() as uow:
            uow.emit(UserFollowed("a", "b", clock()))

    with pytest.raises(UncommittedWork):
        await forgetful()
    assert store.events == []


async def test_a_full_width_spelling_of_a_registered_email_is_the_same_account(handlers, store):
    await register(handlers, "ada@example.com")
    accounts = len(store.state.users)
    await register(handlers, "\uff41\uff44\uff41@\uff45xample.com")
    assert len(store.state.users) == accounts
    assert isinstance(store.events[-1], RegistrationAttemptedForExistingAccount)


@pytest.mark.parametrize(
    "name",
    [
        "Ada\u202eecalevol",  # right-to-left override: shows as "Ada lovelace" reversed
        "Ada\u2066Admin\u2069",  # isolate
        "Ad\u200ba",  # zero-width space
        "Ada\u200f",  # right-to-left mark
        "Ada\x07",  # bell
        "Ada\ue000",  # private use
    ],
)
async def test_display_names_with_invisible_characters_are_refused_and_nothing_changes(handlers, store, name):
    user = await register(handlers)
    with pytest.raises(InvalidProfile) as refused:
        await handlers.accounts.update_profile(
            Actor.user(user.id), user.id, ProfileChanges(frozenset({"display_name"}), display_name=name)
        )
    assert refused.value.violations[0].field == "user.display_name"
    assert store.state.users[user.id].display_name == "Ada"
    with pytest.raises(Invalid) as refused:
        await handlers.accounts.register(email="grace@example.com", password=PASSWORD, display_name=name)
    assert [(v.field, v.reason) for v in refused.value.violations] == [
        ("display_name", "INVISIBLE_CHARACTER")
    ]
    assert [u.email for u in store.state.users.values()] == ["ada@example.com"]


async def test_display_names_keep_the_joiners_scripts_and_emoji_need(handlers):
    user = await register(handlers)
    for name in ("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "👩\u200d🏫 Ada", "Zoë Ådå"):
        changes = ProfileChanges(frozenset({"display_name"}), display_name=name)
        updated = await handlers.accounts.update_profile(Actor.user(user.id), user.id, changes)
        assert updated.display_name == name
