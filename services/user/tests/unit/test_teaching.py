"""Becoming a teacher: applications and the administrators' decision, on the fakes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from lms_kit.domain import Actor, EmailNotVerified
from lms_kit.testing.fakes import FakeStore
from lms_user.domain.audit import AuditAction
from lms_user.domain.errors import (
    AlreadyTeacher,
    DeclineNeedsNote,
    NotAllowed,
    TeacherApplicationDecided,
    TeacherApplicationNotFound,
    TeacherApplicationPending,
)
from lms_user.domain.model import Role, User, UserRolesChanged
from lms_user.domain.passwords import PasswordPolicy
from lms_user.domain.teaching import (
    ApplicationState,
    TeacherApplicationSubmitted,
    TeacherApplicationWasDecided,
    TeachingProfile,
)
from lms_user.handlers import UserUseCases

from .fakes import FakeAccessTokens, FakeClock, FakeHasher, State, unit_of_work

NOW = datetime(2026, 1, 1, tzinfo=UTC)
PROFILE = TeachingProfile.cleaned(
    " Python for data work ",
    "Ten years of teaching analysts to automate their spreadsheets with Python.",
    ("Python", "python", " Data  Science "),
    "https://example.com/talk",
)
ADMIN = Actor(user_id="admin-1", roles=frozenset({"admin"}))


@pytest.fixture
def store() -> FakeStore[State]:
    state = State()
    for user_id, verified in (("ada", True), ("bob", False), ("admin-1", True)):
        user = User(user_id, f"{user_id}@example.com", user_id.title(), frozenset({Role.STUDENT}), NOW, NOW)
        user.email_verified = verified
        state.users[user_id] = user
    state.users["admin-1"].roles = frozenset({Role.ADMIN})
    return FakeStore(state)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def teaching(store, clock):
    return UserUseCases.build(
        unit_of_work(store),
        hasher=FakeHasher(),
        tokens=FakeAccessTokens(),
        password_policy=PasswordPolicy.with_common([]),
        clock=clock,
    ).teaching


def ada() -> Actor:
    return Actor(user_id="ada", roles=frozenset({"student"}))


def test_profile_cleaning_trims_and_dedupes_topics_in_order():
    assert PROFILE.headline == "Python for data work"
    assert PROFILE.topics == ("python", "data science")


async def test_apply_records_a_pending_application_and_publishes_it(teaching, store):
    application = await teaching.apply(ada(), "ada", PROFILE)
    assert application.state == ApplicationState.PENDING
    assert application.name == f"users/ada/teacherApplications/{application.id}"
    assert application.applicant_display_name == "Ada"
    assert [type(e) for e in store.events] == [TeacherApplicationSubmitted]
    assert store.state.audit[-1].action == AuditAction.TEACHER_APPLICATION_SUBMITTED


async def test_the_same_application_again_returns_the_pending_one(teaching, store):
    first = await teaching.apply(ada(), "ada", PROFILE)
    again = await teaching.apply(ada(), "ada", PROFILE)
    assert again.id == first.id
    assert len(store.state.applications) == 1
    assert len(store.events) == 1


async def test_a_different_application_while_one_is_pending_is_refused(teaching):
    await teaching.apply(ada(), "ada", PROFILE)
    with pytest.raises(TeacherApplicationPending):
        await teaching.apply(ada(), "ada", replace(PROFILE, headline="Something else"))


async def test_unverified_email_cannot_apply(teaching):
    with pytest.raises(EmailNotVerified) as caught:
        await teaching.apply(Actor(user_id="bob"), "bob", PROFILE)
    assert caught.value.reason == "EMAIL_NOT_VERIFIED"


async def test_a_teacher_cannot_apply_and_nobody_applies_for_someone_else(teaching, store):
    with pytest.raises(NotAllowed):
        await teaching.apply(ada(), "bob", PROFILE)
    store.state.users["ada"].roles = frozenset({Role.STUDENT, Role.TEACHER})
    with pytest.raises(AlreadyTeacher):
        await teaching.apply(ada(), "ada", PROFILE)


async def test_approval_grants_the_teacher_role_in_the_same_commit(teaching, store):
    application = await teaching.apply(ada(), "ada", PROFILE)
    decided = await teaching.decide(ADMIN, "ada", application.id, approve=True, note="")
    assert decided.state == ApplicationState.APPROVED
    assert decided.decided_by == "admin-1"
    assert store.state.users["ada"].roles == {Role.STUDENT, Role.TEACHER}
    assert [type(e) for e in store.events[1:]] == [TeacherApplicationWasDecided, UserRolesChanged]
    assert [a.action for a in store.state.audit[-2:]] == [
        AuditAction.ROLES_CHANGED,
        AuditAction.TEACHER_APPLICATION_DECIDED,
    ]


async def test_a_retried_decision_changes_nothing_and_the_opposite_one_is_refused(teaching, store):
    application = await teaching.apply(ada(), "ada", PROFILE)
    await teaching.decide(ADMIN, "ada", application.id, approve=True, note="")
    events = len(store.events)
    again = await teaching.decide(ADMIN, "ada", application.id, approve=True, note="")
    assert again.state == ApplicationState.APPROVED
    assert len(store.events) == events
    with pytest.raises(TeacherApplicationDecided):
        await teaching.decide(ADMIN, "ada", application.id, approve=False, note="changed my mind")


async def test_a_decline_needs_a_note_and_then_the_applicant_may_apply_again(teaching, store):
    application = await teaching.apply(ada(), "ada", PROFILE)
    with pytest.raises(DeclineNeedsNote):
        await teaching.decide(ADMIN, "ada", application.id, approve=False, note="  ")
    declined = await teaching.decide(ADMIN, "ada", application.id, approve=False, note="Add a sample")
    assert declined.note == "Add a sample"
    assert store.state.users["ada"].roles == {Role.STUDENT}
    second = await teaching.apply(ada(), "ada", replace(PROFILE, sample_url="https://example.com/v2"))
    assert second.id != application.id


async def test_unknown_application_is_not_found(teaching):
    with pytest.raises(TeacherApplicationNotFound):
        await teaching.get("ada", "missing")
    with pytest.raises(TeacherApplicationNotFound):
        await teaching.decide(ADMIN, "ada", "missing", approve=True, note="")


async def test_the_queue_lists_pending_applications_oldest_first_in_pages(teaching, store, clock):
    for user_id in ("ada", "admin-1"):
        await teaching.apply(Actor(user_id=user_id), user_id, PROFILE)
        clock.advance(seconds=5)
    first = await teaching.list(None, ApplicationState.PENDING, after=None, size=1)
    assert [a.user_id for a in first.items] == ["ada"]
    assert first.next_after is not None
    rest = await teaching.list(None, ApplicationState.PENDING, after=first.next_after, size=1)
    assert [a.user_id for a in rest.items] == ["admin-1"]
    assert rest.next_after is None
    mine = await teaching.list("ada", None, after=None, size=10)
    assert [a.applicant_display_name for a in mine.items] == ["Ada"]
