"""Email verification, password reset and change, TOTP two-factor, throttling, social
sign-in, follows, service tokens and the audit query: use cases against fakes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lms_kit.domain import Actor
from lms_kit.testing.fakes import FakeStore
from lms_user.adapters.throttle import MemoryThrottle
from lms_user.domain import mfa
from lms_user.domain.audit import AuditAction, AuditQuery, ClientInfo
from lms_user.domain.errors import (
    CannotFollowSelf,
    ClientCredentialsInvalid,
    EmailAlreadyVerified,
    EmailVerificationTokenInvalid,
    InvalidCredentials,
    LoginThrottled,
    MfaAlreadyEnabled,
    MfaChallengeInvalid,
    MfaCodeInvalid,
    PasswordRejected,
    PasswordResetTokenInvalid,
    RefreshTokenInvalid,
    SocialEmailNotVerified,
    SocialLoginDisabled,
    SocialTokenInvalid,
    UserNotFound,
    VerificationEmailTooSoon,
)
from lms_user.domain.model import (
    EmailVerificationRequested,
    EmailVerified,
    PasswordChanged,
    PasswordResetRequested,
    UserFollowed,
)
from lms_user.domain.passwords import PasswordPolicy
from lms_user.handlers import AccountPolicy, UserUseCases
from lms_user.handlers.results import MfaRequired, SignedIn

from .fakes import FakeAccessTokens, FakeClock, FakeHasher, FakeSocial, State, unit_of_work

PASSWORD = "correct battery staple horse"
NEW_PASSWORD = "lunar pebble orchestra 9"
CLIENT = ClientInfo(ip="203.0.113.7", user_agent="pytest")


@pytest.fixture
def store() -> FakeStore[State]:
    return FakeStore(State())


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 1, 1, tzinfo=UTC))


@pytest.fixture
def throttle(clock: FakeClock) -> MemoryThrottle:
    return MemoryThrottle(clock=lambda: clock.now.timestamp())


@pytest.fixture
def handlers(store: FakeStore[State], clock: FakeClock, throttle: MemoryThrottle) -> UserUseCases:
    return UserUseCases.build(
        unit_of_work(store),
        hasher=FakeHasher(),
        tokens=FakeAccessTokens(),
        password_policy=PasswordPolicy.with_common(["password", "qwerty"]),
        clock=clock,
        account_policy=AccountPolicy(password_reset_min_duration_s=0, log_links=False),
        throttle=throttle,
        social=FakeSocial(),
    )


async def register(handlers: UserUseCases, email: str = "ada@example.com"):
    return await handlers.accounts.register(email=email, password=PASSWORD, display_name="Ada")


def last_event(store: FakeStore[State], kind: type):
    return [e for e in store.events if isinstance(e, kind)][-1]


# -- email verification ------------------------------------------------------------


async def test_verification_token_verifies_once(handlers, store):
    user = await register(handlers)
    token = last_event(store, EmailVerificationRequested).token
    assert last_event(store, EmailVerificationRequested).url.endswith(token)
    verified = await handlers.accounts.verify_email(token)
    assert verified.email_verified and store.state.users[user.id].email_verified
    assert last_event(store, EmailVerified).user_id == user.id
    with pytest.raises(EmailVerificationTokenInvalid):
        await handlers.accounts.verify_email(token)


async def test_tampered_cross_purpose_and_expired_verification_tokens_are_refused(handlers, store, clock):
    await register(handlers)
    token = last_event(store, EmailVerificationRequested).token
    secret, mac = token.split(".")
    for bad in (
        f"{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}.{mac}",
        f"{secret}.{mac[::-1]}",
        "x",
        secret,
    ):
        with pytest.raises(EmailVerificationTokenInvalid):
            await handlers.accounts.verify_email(bad)
    with pytest.raises(PasswordResetTokenInvalid):  # a verification token is no reset token
        await handlers.passwords.reset_password(token, NEW_PASSWORD)
    clock.advance(hours=24, seconds=1)
    with pytest.raises(EmailVerificationTokenInvalid):
        await handlers.accounts.verify_email(token)


async def test_resend_has_a_cooldown_and_stops_once_verified(handlers, store, clock):
    user = await register(handlers)
    with pytest.raises(VerificationEmailTooSoon) as caught:
        await handlers.accounts.resend_verification(Actor.user(user.id))
    assert caught.value.retry_after_s == 60
    clock.advance(seconds=61)
    await handlers.accounts.resend_verification(Actor.user(user.id))
    tokens = [e.token for e in store.events if isinstance(e, EmailVerificationRequested)]
    assert len(tokens) == 2
    await handlers.accounts.verify_email(tokens[0])  # the earlier link still works
    clock.advance(seconds=61)
    with pytest.raises(EmailAlreadyVerified):
        await handlers.accounts.resend_verification(Actor.user(user.id))


# -- password reset and change -------------------------------------------------------


async def test_reset_request_is_silent_for_unknown_accounts(handlers, store):
    await handlers.passwords.request_password_reset("nobody@example.com")
    await handlers.passwords.request_password_reset("not an email")
    assert not [e for e in store.events if isinstance(e, PasswordResetRequested)]
    assert store.state.audit[-1].action is AuditAction.PASSWORD_RESET_REQUESTED


async def test_reset_sets_the_password_revokes_every_session_and_works_once(handlers, store, clock):
    user = await register(handlers)
    signed_in = await handlers.sessions.login(email="ada@example.com", password=PASSWORD)
    await handlers.passwords.request_password_reset("ADA@example.com")
    token = last_event(store, PasswordResetRequested).token
    with pytest.raises(PasswordRejected):
        await handlers.passwords.reset_password(token, "qwerty")
    assert (
        await handlers.passwords.reset_password(token, NEW_PASSWORD) == 1
    )  # the refused try did not spend it
    assert last_event(store, PasswordChanged).method == "reset"
    with pytest.raises(RefreshTokenInvalid):
        await handlers.sessions.refresh(signed_in.refresh_token)
    with pytest.raises(InvalidCredentials):
        await handlers.sessions.login(email="ada@example.com", password=PASSWORD)
    assert isinstance(await handlers.sessions.login(email="ada@example.com", password=NEW_PASSWORD), SignedIn)
    with pytest.raises(PasswordResetTokenInvalid):
        await handlers.passwords.reset_password(token, "another fine passphrase")
    assert store.state.users[user.id].id == user.id


async def test_reset_token_expires_after_an_hour_and_requests_have_a_cooldown(handlers, store, clock):
    await register(handlers)
    await handlers.passwords.request_password_reset("ada@example.com")
    await handlers.passwords.request_password_reset("ada@example.com")  # within the cooldown: no second link
    assert len([e for e in store.events if isinstance(e, PasswordResetRequested)]) == 1
    token = last_event(store, PasswordResetRequested).token
    clock.advance(hours=1, seconds=1)
    with pytest.raises(PasswordResetTokenInvalid):
        await handlers.passwords.reset_password(token, NEW_PASSWORD)


async def test_change_password_needs_the_current_one_and_revokes_sessions(handlers, store):
    user = await register(handlers)
    signed_in = await handlers.sessions.login(email="ada@example.com", password=PASSWORD)
    with pytest.raises(InvalidCredentials):
        await handlers.passwords.change_password(Actor.user(user.id), "wrong password here", NEW_PASSWORD)
    assert await handlers.passwords.change_password(Actor.user(user.id), PASSWORD, NEW_PASSWORD) == 1
    with pytest.raises(RefreshTokenInvalid):
        await handlers.sessions.refresh(signed_in.refresh_token)
    assert last_event(store, PasswordChanged).method == "change"


# -- TOTP ----------------------------------------------------------------------------------


def wrong_code(secret: str, step: int) -> str:
    window = {mfa.code_at(secret, s) for s in (step - 1, step, step + 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in window)


async def enable_totp(handlers, user, clock) -> tuple[str, list[str]]:
    enrollment = await handlers.mfa.start_totp_enrollment(Actor.user(user.id))
    assert enrollment.otpauth_uri.startswith("otpauth://totp/LMS:ada%40example.com?secret=")
    code = mfa.code_at(enrollment.secret, mfa.time_step(clock.now))
    codes = await handlers.mfa.confirm_totp_enrollment(Actor.user(user.id), code)
    return enrollment.secret, codes


async def test_totp_login_needs_a_fresh_code(handlers, store, clock):
    user = await register(handlers)
    enrollment = await handlers.mfa.start_totp_enrollment(Actor.user(user.id))
    step = mfa.time_step(clock.now)
    with pytest.raises(MfaCodeInvalid):
        await handlers.mfa.confirm_totp_enrollment(Actor.user(user.id), wrong_code(enrollment.secret, step))
    codes = await handlers.mfa.confirm_totp_enrollment(
        Actor.user(user.id), mfa.code_at(enrollment.secret, step)
    )
    assert len(codes) == 10 and len(set(codes)) == 10
    with pytest.raises(MfaAlreadyEnabled):
        await handlers.mfa.start_totp_enrollment(Actor.user(user.id))

    challenge = await handlers.sessions.login(email="ada@example.com", password=PASSWORD)
    assert isinstance(challenge, MfaRequired)
    # The code used to confirm is spent for its window.
    with pytest.raises(MfaCodeInvalid):
        await handlers.mfa.complete_mfa_challenge(
            challenge.challenge_token, totp_code=mfa.code_at(enrollment.secret, step)
        )
    clock.advance(seconds=30)
    signed_in = await handlers.mfa.complete_mfa_challenge(
        challenge.challenge_token, totp_code=mfa.code_at(enrollment.secret, step + 1)
    )
    assert isinstance(signed_in, SignedIn)
    with pytest.raises(MfaChallengeInvalid):  # a challenge works once
        await handlers.mfa.complete_mfa_challenge(
            challenge.challenge_token, totp_code=mfa.code_at(enrollment.secret, step + 2)
        )


async def test_recovery_codes_work_once(handlers, clock):
    user = await register(handlers)
    _, codes = await enable_totp(handlers, user, clock)
    first = await handlers.sessions.login(email="ada@example.com", password=PASSWORD)
    await handlers.mfa.complete_mfa_challenge(first.challenge_token, recovery_code=codes[0].upper())
    second = await handlers.sessions.login(email="ada@example.com", password=PASSWORD)
    with pytest.raises(MfaCodeInvalid):
        await handlers.mfa.complete_mfa_challenge(second.challenge_token, recovery_code=codes[0])
    await handlers.mfa.complete_mfa_challenge(second.challenge_token, recovery_code=codes[1].replace("-", ""))


async def test_a_challenge_dies_after_five_wrong_codes_or_five_minutes(handlers, clock):
    user = await register(handlers)
    secret, _ = await enable_totp(handlers, user, clock)
    challenge = await handlers.sessions.login(email="ada@example.com", password=PASSWORD)
    for _ in range(5):
        with pytest.raises(MfaCodeInvalid):
            await handlers.mfa.complete_mfa_challenge(
                challenge.challenge_token, totp_code=wrong_code(secret, mfa.time_step(clock.now))
            )
    clock.advance(seconds=30)
    good = mfa.code_at(secret, mfa.time_step(clock.now))
    with pytest.raises((MfaChallengeInvalid, LoginThrottled)):
        await handlers.mfa.complete_mfa_challenge(challenge.challenge_token, totp_code=good)
    clock.advance(minutes=20)
    late = await handlers.sessions.login(email="ada@example.com", password=PASSWORD)
    clock.advance(minutes=5, seconds=1)
    with pytest.raises(MfaChallengeInvalid):
        await handlers.mfa.complete_mfa_challenge(
            late.challenge_token, totp_code=mfa.code_at(secret, mfa.time_step(clock.now))
        )


async def test_disabling_totp_needs_the_password(handlers, store, clock):
    user = await register(handlers)
    await enable_totp(handlers, user, clock)
    with pytest.raises(InvalidCredentials):
        await handlers.mfa.disable_totp(Actor.user(user.id), "not my password at all")
    await handlers.mfa.disable_totp(Actor.user(user.id), PASSWORD)
    assert isinstance(await handlers.sessions.login(email="ada@example.com", password=PASSWORD), SignedIn)
    assert store.state.recovery == {}


# -- throttling ----------------------------------------------------------------------------


async def test_five_failures_lock_the_account_with_growing_backoff_even_for_the_right_password(
    handlers, store, clock
):
    await register(handlers)
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await handlers.sessions.login(email="ada@example.com", password="wrong password!!", client=CLIENT)
    with pytest.raises(LoginThrottled) as caught:
        await handlers.sessions.login(email="ada@example.com", password=PASSWORD, client=CLIENT)
    assert caught.value.retry_after_s == 5
    assert caught.value.metadata == {"scope": "account", "recovery": "password_reset"}
    assert "reset the password" in caught.value.message
    assert store.state.audit[-1].action is AuditAction.LOGIN_THROTTLED
    clock.advance(seconds=5)
    with pytest.raises(InvalidCredentials):
        await handlers.sessions.login(email="ada@example.com", password="wrong password!!", client=CLIENT)
    with pytest.raises(LoginThrottled) as caught:
        await handlers.sessions.login(email="ada@example.com", password=PASSWORD, client=CLIENT)
    assert caught.value.retry_after_s == 10  # doubled
    clock.advance(seconds=10)
    assert isinstance(
        await handlers.sessions.login(email="ada@example.com", password=PASSWORD, client=CLIENT), SignedIn
    )


async def test_the_reset_mail_is_the_way_out_of_a_locked_account(handlers, store):
    await register(handlers)
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await handlers.sessions.login(email="ada@example.com", password="wrong password!!", client=CLIENT)
    with pytest.raises(LoginThrottled):
        await handlers.sessions.login(email="ada@example.com", password=PASSWORD, client=CLIENT)
    await handlers.passwords.request_password_reset("ada@example.com")
    await handlers.passwords.reset_password(last_event(store, PasswordResetRequested).token, NEW_PASSWORD)
    signed_in = await handlers.sessions.login(email="ada@example.com", password=NEW_PASSWORD, client=CLIENT)
    assert isinstance(signed_in, SignedIn)  # at once, without waiting out the lock


async def test_unknown_accounts_lock_the_same_way(handlers):
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await handlers.sessions.login(email="ghost@example.com", password="wrong password!!")
    with pytest.raises(LoginThrottled) as caught:
        await handlers.sessions.login(email="ghost@example.com", password="wrong password!!")
    assert caught.value.message == LoginThrottled(1).message


async def test_one_address_failing_on_many_accounts_is_locked(handlers, store):
    await register(handlers)
    for i in range(50):
        with pytest.raises(InvalidCredentials):
            await handlers.sessions.login(
                email=f"ghost{i}@example.com", password="wrong password!!", client=CLIENT
            )
    with pytest.raises(LoginThrottled) as caught:
        await handlers.sessions.login(email="ada@example.com", password=PASSWORD, client=CLIENT)
    # A reset would not help here: the address is locked, not Ada's account.
    assert caught.value.metadata == {"scope": "address"}
    other = ClientInfo(ip="198.51.100.1")
    assert isinstance(
        await handlers.sessions.login(email="ada@example.com", password=PASSWORD, client=other), SignedIn
    )


# -- social sign-in ------------------------------------------------------------------------


async def test_social_sign_in_creates_a_verified_account_then_finds_it(handlers, store):
    first = await handlers.social.sign_in_with_social("good:fb-1:new@example.com:1")
    assert isinstance(first, SignedIn) and first.user.email_verified
    again = await handlers.social.sign_in_with_social("good:fb-1:new@example.com:1")
    assert again.user.id == first.user.id and len(store.state.users) == 1


async def test_social_sign_in_links_by_verified_email_and_refuses_unverified(handlers, store):
    user = await register(handlers)
    await handlers.accounts.verify_email(last_event(store, EmailVerificationRequested).token)
    linked = await handlers.social.sign_in_with_social("good:fb-2:ada@example.com:1")
    assert linked.user.id == user.id
    assert store.state.hashes[user.id]  # a verified account keeps its password
    with pytest.raises(SocialEmailNotVerified):
        await handlers.social.sign_in_with_social("good:fb-3:someone@example.com:0")
    with pytest.raises(SocialTokenInvalid):
        await handlers.social.sign_in_with_social("forged")


async def test_social_owner_takes_over_an_unverified_registration(handlers, store):
    squatter = await register(handlers)
    squatter_session = await handlers.sessions.login(email="ada@example.com", password=PASSWORD)
    owner = await handlers.social.sign_in_with_social("good:fb-4:ada@example.com:1")
    assert owner.user.id == squatter.id and owner.user.email_verified
    assert squatter.id not in store.state.hashes
    with pytest.raises(RefreshTokenInvalid):
        await handlers.sessions.refresh(squatter_session.refresh_token)


async def test_social_sign_in_without_a_verifier_is_disabled(store, clock):
    handlers = UserUseCases.build(
        unit_of_work(store),
        hasher=FakeHasher(),
        tokens=FakeAccessTokens(),
        password_policy=PasswordPolicy.with_common([]),
        clock=clock,
    )
    with pytest.raises(SocialLoginDisabled):
        await handlers.social.sign_in_with_social("good:x:y@example.com:1")


async def test_social_sign_in_steps_up_to_mfa(handlers, store, clock):
    first = await handlers.social.sign_in_with_social("good:fb-5:mfa@example.com:1")
    await enable_totp_for(handlers, first.user, clock)
    assert isinstance(await handlers.social.sign_in_with_social("good:fb-5:mfa@example.com:1"), MfaRequired)


async def enable_totp_for(handlers, user, clock):
    enrollment = await handlers.mfa.start_totp_enrollment(Actor.user(user.id))
    await handlers.mfa.confirm_totp_enrollment(
        Actor.user(user.id), mfa.code_at(enrollment.secret, mfa.time_step(clock.now))
    )


# -- follows -------------------------------------------------------------------------------


async def test_follow_is_idempotent_refuses_self_and_pages_newest_first(handlers, store, clock):
    star = await register(handlers, "star@example.com")
    fans = [await register(handlers, f"fan{i}@example.com") for i in range(5)]
    for fan in fans:
        clock.advance(seconds=1)
        assert await handlers.follows.follow(Actor.user(fan.id), star.id)
    assert not await handlers.follows.follow(Actor.user(fans[0].id), star.id)
    assert len([e for e in store.events if isinstance(e, UserFollowed)]) == 5
    with pytest.raises(CannotFollowSelf):
        await handlers.follows.follow(Actor.user(star.id), star.id)
    with pytest.raises(UserNotFound):
        await handlers.follows.follow(Actor.user(star.id), "missing")
    with pytest.raises(UserNotFound):  # public once the email is verified
        await handlers.follows.public_profile(star.id)
    store.state.users[star.id].verify_email(clock())
    store.state.users[star.id].pull_events()  # stored state carries no pending events
    _, followers, following = await handlers.follows.public_profile(star.id)
    assert (followers, following) == (5, 0)
    first = await handlers.follows.list_follows(star.id, followers=True, after=None, size=3)
    second = await handlers.follows.list_follows(star.id, followers=True, after=first.next_after, size=3)
    assert [f.follower_id for f in first.items + second.items] == [f.id for f in reversed(fans)]
    assert second.next_after is None
    assert await handlers.follows.unfollow(Actor.user(fans[0].id), star.id)
    assert not await handlers.follows.unfollow(Actor.user(fans[0].id), star.id)
    assert (await handlers.follows.public_profile(star.id))[1] == 4


# -- service tokens, audit -----------------------------------------------------------------


async def test_service_token_needs_the_right_secret(handlers):
    await handlers.service_clients.seed({"course": "s" * 40})
    issued = await handlers.service_clients.issue_service_token("course", "s" * 40)
    assert issued.token == "service:course"
    for client_id, secret in (("course", "t" * 40), ("ghost", "s" * 40)):
        with pytest.raises(ClientCredentialsInvalid):
            await handlers.service_clients.issue_service_token(client_id, secret)


async def test_audit_query_filters_and_pages(handlers, clock):
    user = await register(handlers)
    for _ in range(3):
        clock.advance(seconds=1)
        with pytest.raises(InvalidCredentials):
            await handlers.sessions.login(email="ada@example.com", password="wrong password!!")
    query = AuditQuery(user_id=user.id, action="login.failed")
    first = await handlers.admin.list_audit(query, after=None, size=2)
    second = await handlers.admin.list_audit(query, after=first.next_after, size=2)
    assert len(first.items) == 2 and len(second.items) == 1 and second.next_after is None
    assert all(e.action == AuditAction.LOGIN_FAILED for e in first.items + second.items)
    window = AuditQuery(start=clock.now - timedelta(seconds=1), end=clock.now)
    assert len((await handlers.admin.list_audit(window, after=None, size=10)).items) == 1
