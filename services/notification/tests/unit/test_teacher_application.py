"""The applicant hears how their application to teach was decided: the trigger picks the type
by the outcome and keys it by the application; the bundled templates carry the note."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from lms_notification.adapters.bundled import bundled_templates
from lms_notification.domain.catalog import CATALOG, Category, Channel
from lms_notification.domain.model import Notification
from lms_notification.domain.rendering import Rendered, render
from lms_notification.handlers.sending import SendCommand
from lms_notification.handlers.triggers import Triggers, stale_event

APPLICATION = "users/u-7/teacherApplications/a-1"


class RecordingSending:
    """Sending's two calls the triggers make; `enqueue` makes a notification once per key."""

    def __init__(self) -> None:
        self.commands: list[SendCommand] = []
        self.by_key: dict[str, Notification] = {}

    async def enqueue(self, uow: object, command: SendCommand) -> tuple[Notification, bool]:
        self.commands.append(command)
        if command.idempotency_key in self.by_key:
            return self.by_key[command.idempotency_key], False
        notification = Notification(
            f"n-{len(self.by_key)}",
            command.idempotency_key,
            command.type,
            CATALOG[command.type].category,
            command.user_id,
            datetime(2026, 6, 15, tzinfo=UTC),
        )
        self.by_key[command.idempotency_key] = notification
        return notification, True

    def after_commit(self, notification: Notification) -> None:
        return None


class CommitHooks:
    def __init__(self) -> None:
        self.callbacks: list[Callable[[], None]] = []

    def after_commit(self, callback: Callable[[], None]) -> None:
        self.callbacks.append(callback)


@pytest.fixture
def sending() -> RecordingSending:
    return RecordingSending()


@pytest.fixture
def triggers(sending: RecordingSending) -> Triggers:
    return Triggers(sending)  # type: ignore[arg-type]


async def test_an_approval_notifies_the_applicant_keyed_by_the_application(triggers, sending):
    uow = CommitHooks()
    await triggers.teacher_application_decided(uow, APPLICATION, "u-7", True, "  Welcome!  ")
    [command] = sending.commands
    assert (command.type, command.user_id, command.idempotency_key) == (
        "teacher_application_approved",
        "u-7",
        f"teacher_application_decided:{APPLICATION}",
    )
    assert command.variables == {"note": "Welcome!"}
    assert len(uow.callbacks) == 1  # the workers are woken once the consumer commits


async def test_a_decline_notifies_with_the_declined_type_and_the_same_key(triggers, sending):
    await triggers.teacher_application_decided(CommitHooks(), APPLICATION, "u-7", False, "Add a sample.")
    [command] = sending.commands
    assert command.type == "teacher_application_declined"
    assert command.idempotency_key == f"teacher_application_decided:{APPLICATION}"
    assert command.variables == {"note": "Add a sample."}


async def test_the_same_decision_handled_twice_makes_one_notification(triggers, sending):
    uow = CommitHooks()
    for _ in range(2):
        await triggers.teacher_application_decided(uow, APPLICATION, "u-7", True, "")
    assert len(sending.by_key) == 1
    assert len(uow.callbacks) == 1  # the second made nothing, so nothing new to wake for


async def test_a_decision_too_old_to_announce_notifies_nobody(triggers, sending):
    token = stale_event.set(True)
    try:
        await triggers.teacher_application_decided(CommitHooks(), APPLICATION, "u-7", True, "")
    finally:
        stale_event.reset(token)
    assert sending.commands == []


def test_both_outcomes_are_account_notifications_by_email_and_in_the_inbox():
    for name in ("teacher_application_approved", "teacher_application_declined"):
        ntype = CATALOG[name]
        assert ntype.category is Category.ACCOUNT
        assert set(ntype.channels) == {Channel.EMAIL, Channel.IN_APP}
        assert not ntype.critical  # the user's account-mail opt-out applies
        assert ntype.declared == {"display_name", "note"}


def rendered(template_id: str, note: str) -> Rendered:
    return render(bundled_templates()[template_id], {"app_name": "LMS", "display_name": "Ada", "note": note})


def test_the_approval_mail_says_what_to_do_now_and_to_sign_in_again_and_shows_the_note():
    mail = rendered("teacher_application_approved.email.en", "Great sample <lesson> & bio.")
    assert mail.subject == "You can teach on LMS now"
    for part in (mail.text_body, mail.html_body):
        assert "approved" in part and "create your first course" in part
        assert "sign out and sign in again" in part
    assert "Great sample <lesson> & bio." in mail.text_body
    assert "Great sample &lt;lesson&gt; &amp; bio." in mail.html_body  # the note is escaped in HTML


def test_without_a_note_the_approval_mail_has_no_note_section():
    mail = rendered("teacher_application_approved.email.en", "")
    assert "note" not in mail.text_body.lower() and "blockquote" not in mail.html_body
    assert "\n\n\n" not in mail.text_body


def test_the_decline_mail_and_inbox_item_show_the_administrators_note():
    mail = rendered("teacher_application_declined.email.en", "Please add a sample lesson.")
    assert "did not approve" in mail.text_body
    assert "Please add a sample lesson." in mail.text_body and "Please add a sample lesson." in mail.html_body
    assert "apply again" in mail.text_body
    item = rendered("teacher_application_declined.in_app.en", "Please add a sample lesson.")
    assert item.subject == "Your application to teach"
    assert "not approved" in item.text_body and "Please add a sample lesson." in item.text_body


def test_the_approval_inbox_item_names_the_next_step():
    item = rendered("teacher_application_approved.in_app.en", "")
    assert item.subject == "You can teach now"
    assert "create your first course" in item.text_body and "Note" not in item.text_body


def test_both_outcomes_have_english_and_german_mail_and_an_english_inbox_item():
    bundled = bundled_templates()
    for name in ("teacher_application_approved", "teacher_application_declined"):
        for suffix in ("email.en", "email.de", "in_app.en"):
            assert f"{name}.{suffix}" in bundled
