"""The domain rules, plain Python: preferences and quiet hours, templates and their variables,
back-off, unsubscribe tokens and the bundled templates."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from lms_kit.domain import Invalid
from lms_notification.adapters.bundled import bundled_templates
from lms_notification.domain import unsubscribe
from lms_notification.domain.catalog import CATALOG, Category, Channel
from lms_notification.domain.errors import UnsubscribeTokenInvalid
from lms_notification.domain.model import RetryPolicy
from lms_notification.domain.preferences import Preferences
from lms_notification.domain.rendering import (
    Template,
    TemplateKey,
    check_locale,
    check_template,
    check_variables,
    locale_chain,
    render,
)

NOON_UTC = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def violations(error: Invalid) -> dict[str, str]:
    return {v.field: v.reason for v in error.violations}


def test_an_opted_out_channel_is_suppressed_by_the_opt_out_rule():
    prefs = Preferences("u1", opt_outs={(Category.SOCIAL, Channel.EMAIL)})
    decision = prefs.decide(CATALOG["new_follower"], Channel.EMAIL, NOON_UTC)
    assert decision.suppressed_by == "opt_out"
    assert prefs.decide(CATALOG["new_follower"], Channel.IN_APP, NOON_UTC).suppressed_by == ""


def test_critical_types_ignore_opt_outs_and_quiet_hours():
    prefs = Preferences(
        "u1",
        opt_outs={(Category.ACCOUNT, Channel.EMAIL), (Category.PAYMENTS, Channel.EMAIL)},
        time_zone="UTC",
        quiet_start_minute=0,
        quiet_end_minute=23 * 60,
    )
    for critical in ("password_reset", "email_verification", "receipt"):
        decision = prefs.decide(CATALOG[critical], Channel.EMAIL, NOON_UTC)
        assert (decision.suppressed_by, decision.send_at) == ("", NOON_UTC)


def test_marketing_unsubscribe_suppresses_every_marketing_email():
    prefs = Preferences("u1", marketing_unsubscribed=True)
    assert (
        prefs.decide(CATALOG["announcement"], Channel.EMAIL, NOON_UTC).suppressed_by
        == "marketing_unsubscribed"
    )
    assert prefs.decide(CATALOG["welcome"], Channel.EMAIL, NOON_UTC).suppressed_by == ""


def test_quiet_hours_in_the_users_zone_delay_until_they_end_there():
    # 22:00-07:00 in Tokyo (UTC+9). 12:00 UTC is 21:00 there: not quiet.
    prefs = Preferences("u1", time_zone="Asia/Tokyo", quiet_start_minute=22 * 60, quiet_end_minute=7 * 60)
    assert prefs.decide(CATALOG["welcome"], Channel.EMAIL, NOON_UTC).send_at == NOON_UTC
    # 14:00 UTC is 23:00 in Tokyo: held until 07:00 Tokyo = 22:00 UTC the same UTC day.
    late = NOON_UTC + timedelta(hours=2)
    decision = prefs.decide(CATALOG["welcome"], Channel.EMAIL, late)
    assert decision.held_by_quiet_hours and decision.send_at == datetime(2026, 6, 15, 22, 0, tzinfo=UTC)
    # The in-app inbox has no quiet hours.
    assert prefs.decide(CATALOG["welcome"], Channel.IN_APP, late).send_at == late


def test_quiet_hours_follow_daylight_saving_time():
    # Berlin 01:00-06:00; on 2026-03-29 clocks go from 02:00 to 03:00 (UTC+1 -> UTC+2).
    prefs = Preferences("u1", time_zone="Europe/Berlin", quiet_start_minute=60, quiet_end_minute=360)
    at = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 01:30 CET
    assert prefs.decide(CATALOG["welcome"], Channel.EMAIL, at).send_at == datetime(
        2026, 3, 29, 4, 0, tzinfo=UTC
    )


def test_bad_time_zone_and_quiet_minutes_are_refused_together():
    with pytest.raises(Invalid) as caught:
        Preferences("u1", time_zone="Mars/Olympus", quiet_start_minute=2000).check()
    assert violations(caught.value) == {
        "preferences.time_zone": "TIME_ZONE_INVALID",
        "preferences.quiet_start_minute": "OUT_OF_RANGE",
    }


def test_a_template_using_an_undeclared_variable_is_refused_at_save():
    template = Template(
        TemplateKey("welcome", Channel.EMAIL, "en"), "Hi {{ display_name }}", "{{ password }}"
    )
    with pytest.raises(Invalid) as caught:
        check_template(template, CATALOG["welcome"])
    assert caught.value.reason == "UNKNOWN_VARIABLE"
    assert violations(caught.value) == {"template.text_body": "UNKNOWN_VARIABLE"}


def test_a_template_that_does_not_parse_is_refused():
    template = Template(TemplateKey("welcome", Channel.EMAIL, "en"), "{% if %}", "ok")
    with pytest.raises(Invalid) as caught:
        check_template(template, CATALOG["welcome"])
    assert violations(caught.value) == {"template.subject": "TEMPLATE_SYNTAX"}


def test_rendering_is_sandboxed_and_html_is_escaped():
    unsafe = Template(
        TemplateKey("welcome", Channel.EMAIL, "en"), "{{ display_name.__class__.__mro__ }}", "x"
    )
    with pytest.raises(Invalid) as caught:  # no Python internals through templates
        check_template(unsafe, CATALOG["welcome"])
    assert violations(caught.value) == {"template.subject": "TEMPLATE_SYNTAX"}
    template = Template(
        TemplateKey("welcome", Channel.EMAIL, "en"),
        "Hi",
        "Hi {{ display_name }}",
        "<p>{{ display_name }}</p>",
    )
    rendered = render(template, {"display_name": "<b>Ada</b>"})
    assert rendered.text_body == "Hi <b>Ada</b>"
    assert rendered.html_body == "<p>&lt;b&gt;Ada&lt;/b&gt;</p>"


def test_variables_must_be_declared_and_small():
    with pytest.raises(Invalid) as caught:
        check_variables(CATALOG["welcome"], {"display_name": "x" * 17000, "secret": "y"})
    assert violations(caught.value) == {
        "variables['secret']": "UNKNOWN_VARIABLE",
        "variables": "PAYLOAD_TOO_LARGE",
    }


def test_locales_fall_back_to_their_language_then_english_and_unknown_ones_are_refused():
    assert locale_chain("de-AT") == ["de-AT", "de", "en"]
    assert locale_chain("") == ["en"]
    check_locale("de-CH", ("en", "de"))
    with pytest.raises(Invalid) as caught:
        check_locale("xx-YY", ("en", "de"))
    assert violations(caught.value) == {"locale": "UNKNOWN_LOCALE"}


def test_back_off_grows_exponentially_with_jitter_and_is_capped():
    policy = RetryPolicy(max_attempts=10, base_s=2.0, cap_s=60.0)
    rng = random.Random(7)
    for attempt, ceiling in [(1, 2.0), (2, 4.0), (3, 8.0), (6, 60.0), (9, 60.0)]:
        delays = {policy.delay(attempt, rng).total_seconds() for _ in range(50)}
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(delays) > 1  # jittered


def test_unsubscribe_tokens_name_the_user_and_category_and_cannot_be_forged():
    token = unsubscribe.sign(b"secret", "u-7", Category.MARKETING)
    assert unsubscribe.verify(b"secret", token) == ("u-7", Category.MARKETING)
    with pytest.raises(UnsubscribeTokenInvalid):
        unsubscribe.verify(b"other-secret", token)
    forged = unsubscribe.sign(b"secret", "u-8", Category.MARKETING).split(".")[0] + "." + token.split(".")[1]
    with pytest.raises(UnsubscribeTokenInvalid):
        unsubscribe.verify(b"secret", forged)
    with pytest.raises(UnsubscribeTokenInvalid):
        unsubscribe.verify(b"secret", "garbage")


def test_every_platform_type_has_bundled_english_templates_for_email_or_its_channels():
    bundled = bundled_templates()
    required = [
        "email_verification",
        "password_reset",
        "welcome",
        "enrolment",
        "course_completed",
        "receipt",
        "refund",
        "payout",
        "new_review",
        "new_follower",
    ]
    for name in required:
        assert f"{name}.email.en" in bundled, name
    assert "email_verification.email.de" in bundled
