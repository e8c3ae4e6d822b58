"""Pure domain rules: passwords, emails, sessions and the key schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lms_user.adapters.passwords import load_common_passwords
from lms_user.domain.errors import InvalidEmail, RefreshTokenInvalid
from lms_user.domain.keys import KeyTimes, key_schedule, rotation_due
from lms_user.domain.passwords import PasswordPolicy, normalise_email
from lms_user.domain.sessions import (
    RefreshToken,
    RefreshVerdict,
    Session,
    hash_refresh_token,
    judge_refresh,
    new_refresh_secret,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_email_is_trimmed_and_lower_cased():
    assert normalise_email("  Ada.Lovelace@Example.COM\t") == "ada.lovelace@example.com"


@pytest.mark.parametrize("raw", ["", "no-at-sign", "a@b", "a b@example.com", "x" * 310 + "@example.com"])
def test_bad_emails_are_refused(raw):
    with pytest.raises(InvalidEmail):
        normalise_email(raw)


def test_shipped_common_password_list_catches_padded_common_passwords():
    policy = PasswordPolicy.with_common(load_common_passwords())
    assert len(policy.common) > 1000
    for password in ("password1234", "Password123!", "iloveyou2024", "123456789012", "QWERTYUIOP123"):
        assert policy.is_common(password), password
    assert policy.problems("violet rocket tundra 42") == []


def test_refresh_secrets_are_random_and_stored_hashed():
    a, b = new_refresh_secret(), new_refresh_secret()
    assert a != b and len(a) >= 43
    assert hash_refresh_token(a) != a and len(hash_refresh_token(a)) == 64


def _token(**kwargs):
    fields = dict(id="t", session_id="s", user_id="u", token_hash="h", created_at=T0,
                  expires_at=T0 + timedelta(days=1))  # fmt: skip
    return RefreshToken(**{**fields, **kwargs})


def test_judge_refresh():
    session = Session("s", "u", T0, T0 + timedelta(days=90))
    assert judge_refresh(_token(), session, T0) is RefreshVerdict.OK
    assert judge_refresh(_token(used_at=T0), session, T0) is RefreshVerdict.REUSED
    with pytest.raises(RefreshTokenInvalid):
        judge_refresh(_token(), session, T0 + timedelta(days=2))
    session.revoked_at = T0
    with pytest.raises(RefreshTokenInvalid):
        judge_refresh(_token(used_at=T0), session, T0)


def test_key_schedule_signs_with_newest_active_key_and_keeps_old_keys_until_tokens_expire():
    lifetime = timedelta(minutes=16)
    k1 = KeyTimes("k1", T0, T0)
    k2 = KeyTimes("k2", T0 + timedelta(days=30), T0 + timedelta(days=30, minutes=10))
    # Before k2 activates it is published ahead and k1 signs.
    s = key_schedule([k1, k2], T0 + timedelta(days=30, minutes=5), lifetime)
    assert s.signing_kid == "k1" and s.published_kids == ("k1", "k2") and s.rotation_pending
    # After: k2 signs, k1 stays published while its tokens can live.
    s = key_schedule([k1, k2], T0 + timedelta(days=30, minutes=20), lifetime)
    assert s.signing_kid == "k2" and s.published_kids == ("k1", "k2")
    s = key_schedule([k1, k2], T0 + timedelta(days=30, minutes=27), lifetime)
    assert s.published_kids == ("k2",)


def test_rotation_is_due_when_the_signing_key_is_old_and_none_is_pending():
    k1 = KeyTimes("k1", T0, T0)
    now = T0 + timedelta(days=31)
    assert rotation_due(key_schedule([k1], now, timedelta(minutes=16)), now, timedelta(days=30))
    assert not rotation_due(key_schedule([k1], now, timedelta(minutes=16)), now, None)
    k2 = KeyTimes("k2", now, now + timedelta(minutes=5))
    assert not rotation_due(key_schedule([k1, k2], now, timedelta(minutes=16)), now, timedelta(days=30))


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("ada@\uff45xample.com", "ada@example.com"),  # full-width letter
        ("\uff21\uff24\uff21@example.com", "ada@example.com"),
        ("ada@xn--bcher-kva.de", "ada@bücher.de"),  # punycode and Unicode spellings: one mailbox
        ("ada@BÜCHER.de", "ada@bücher.de"),
        ("ada@straße.de", "ada@straße.de"),  # IDNA 2008: not strasse.de, another domain
    ],
)
def test_one_mailbox_has_one_spelling(raw, canonical):
    assert normalise_email(raw) == canonical


@pytest.mark.parametrize("raw", ["ada@example..com", "ada@" + "x" * 64 + ".com", "ada@\u2603.net"])
def test_domains_that_idna_refuses_are_not_emails(raw):
    with pytest.raises(InvalidEmail):
        normalise_email(raw)
