"""Pure parts: signed one-time tokens, TOTP matching, throttle rules. (The client-address
rule is the kit's, lms_kit.net, tested there; tests/grpc shows this service's audit log
and throttles use it.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lms_user.domain import mfa
from lms_user.domain.throttle import ACCOUNT_RULE
from lms_user.domain.tokens import TokenCodec, TokenPurpose


def test_tokens_are_bound_to_their_purpose_and_keys_can_rotate():
    old, new = TokenCodec([b"k1" * 16]), TokenCodec([b"k2" * 16, b"k1" * 16])
    token = old.issue(TokenPurpose.PASSWORD_RESET)
    assert new.is_authentic(TokenPurpose.PASSWORD_RESET, token)
    assert not new.is_authentic(TokenPurpose.EMAIL_VERIFICATION, token)
    assert not TokenCodec([b"k3" * 16]).is_authentic(TokenPurpose.PASSWORD_RESET, token)


def test_totp_accepts_one_step_of_drift_and_never_the_same_step_twice():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    factor = mfa.TotpFactor("u", mfa.new_secret(), now)
    step = mfa.time_step(now)
    assert not factor.accept(mfa.code_at(factor.secret, step - 2), now)
    assert factor.accept(mfa.code_at(factor.secret, step - 1), now)
    assert not factor.accept(mfa.code_at(factor.secret, step - 1), now)
    assert factor.accept(mfa.code_at(factor.secret, step + 1), now)
    assert not factor.accept(mfa.code_at(factor.secret, step), now)  # older than the last used
    assert factor.accept(mfa.code_at(factor.secret, step + 2), now + timedelta(seconds=30))


def test_account_rule_doubles_the_lock_up_to_fifteen_minutes():
    assert [ACCOUNT_RULE.lock_after(n) for n in (4, 5, 6, 7, 20)] == [0, 5, 10, 20, 900]
