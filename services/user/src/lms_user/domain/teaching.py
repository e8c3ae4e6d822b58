"""Becoming a teacher: a learner applies with a short teaching profile; an
administrator approves (the account gains the teacher role) or declines with a note.
At most one application per account is pending; decided ones stay as the record."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from lms_kit.domain import Aggregate
from lms_user.domain.errors import DeclineNeedsNote, TeacherApplicationDecided


class ApplicationState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


@dataclass(frozen=True, slots=True)
class TeachingProfile:
    """What the applicant says about their teaching (the contract bounds the lengths)."""

    headline: str
    bio: str
    topics: tuple[str, ...] = ()
    sample_url: str = ""

    @classmethod
    def cleaned(cls, headline: str, bio: str, topics: tuple[str, ...], sample_url: str) -> TeachingProfile:
        """Trimmed, with topics lower-cased and de-duplicated in their order."""
        seen: dict[str, None] = {}
        for topic in topics:
            if topic.strip():
                seen.setdefault(" ".join(topic.split()).lower(), None)
        return cls(headline.strip(), bio.strip(), tuple(seen), sample_url.strip())


@dataclass(frozen=True, slots=True)
class TeacherApplicationSubmitted:
    application_id: str
    user_id: str
    headline: str
    submitted_at: datetime


@dataclass(frozen=True, slots=True)
class TeacherApplicationWasDecided:
    application_id: str
    user_id: str
    approved: bool
    note: str
    decided_by: str
    decided_at: datetime


@dataclass
class TeacherApplication(Aggregate):
    id: str
    user_id: str
    profile: TeachingProfile
    state: ApplicationState
    submitted_at: datetime
    decided_at: datetime | None = None
    decided_by: str = ""
    note: str = ""
    applicant_display_name: str = ""  # read model: filled by listings

    @property
    def name(self) -> str:
        return application_name(self.user_id, self.id)

    @classmethod
    def submit(
        cls, *, application_id: str, user_id: str, profile: TeachingProfile, now: datetime
    ) -> TeacherApplication:
        application = cls(application_id, user_id, profile, ApplicationState.PENDING, now)
        application.raise_event(TeacherApplicationSubmitted(application_id, user_id, profile.headline, now))
        return application

    def decide(self, *, approve: bool, by: str, note: str, now: datetime) -> bool:
        """Approve or decline; False (no change, no event) when it was decided the same
        way already, so a retried decision is harmless. The other way is refused."""
        wanted = ApplicationState.APPROVED if approve else ApplicationState.DECLINED
        if self.state == wanted:
            return False
        if self.state != ApplicationState.PENDING:
            raise TeacherApplicationDecided(self.name, self.state.value)
        note = note.strip()
        if not approve and not note:
            raise DeclineNeedsNote()
        self.state, self.decided_at, self.decided_by, self.note = wanted, now, by, note
        self.raise_event(TeacherApplicationWasDecided(self.id, self.user_id, approve, note, by, now))
        return True


def application_name(user_id: str, application_id: str) -> str:
    return f"users/{user_id}/teacherApplications/{application_id}"
