"""The certificate aggregate: issued once per learner and course, then revoked or
superseded by a reissue, never deleted."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime

from lms_certificate.domain.errors import CertificateNotCurrent, LearnerNameBlank
from lms_kit.domain import Aggregate


class State(enum.Enum):
    VALID = "valid"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


@dataclass(frozen=True, slots=True)
class CertifiedData:
    """What the certificate states, as printed."""

    learner_name: str
    course_title: str
    completed_at: datetime
    hours: float
    grade: str


@dataclass(frozen=True, slots=True)
class CertificateIssued:
    certificate_id: str
    user_id: str
    course_id: str
    learner_name: str
    course_title: str
    supersedes_id: str
    verification_url: str
    issued_at: datetime


@dataclass(frozen=True, slots=True)
class CertificateRevoked:
    certificate_id: str
    user_id: str
    course_id: str
    reason: str
    revoked_at: datetime


@dataclass(frozen=True, slots=True)
class CertificateSuperseded:
    certificate_id: str
    user_id: str
    course_id: str
    superseded_by_id: str
    superseded_at: datetime


def clean_name(name: str, field: str = "learner_name") -> str:
    """A printable name: surrounding space trimmed, inner runs of space collapsed."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise LearnerNameBlank(field)
    return cleaned


@dataclass(eq=True)
class Certificate(Aggregate):
    id: str
    user_id: str
    course_id: str
    data: CertifiedData
    issued_at: datetime
    template_id: str
    pdf_sha256: str
    state: State = State.VALID
    state_changed_at: datetime | None = None
    revocation_reason: str = ""
    superseded_by: str = ""
    supersedes: str = ""
    status_index: int | None = None  # its bit in the status list, given by storage

    @property
    def current_key(self) -> str | None:
        """Unique among current certificates: one learner, one course. A superseded
        certificate gives its key up to the one that replaced it."""
        return None if self.superseded_by else f"{self.user_id}:{self.course_id}"

    @classmethod
    def issue(
        cls,
        certificate_id: str,
        user_id: str,
        course_id: str,
        data: CertifiedData,
        now: datetime,
        *,
        template_id: str,
        pdf_sha256: str,
        supersedes: str = "",
        verification_url: str = "",
    ) -> Certificate:
        certificate = cls(
            certificate_id,
            user_id,
            course_id,
            data,
            now,
            template_id,
            pdf_sha256,
            supersedes=supersedes,
        )
        certificate.raise_event(
            CertificateIssued(
                certificate_id,
                user_id,
                course_id,
                data.learner_name,
                data.course_title,
                supersedes,
                verification_url,
                now,
            )
        )
        return certificate

    def corrected(self, learner_name: str) -> CertifiedData:
        """The data a reissue prints; only a valid certificate can be reissued."""
        if self.state is not State.VALID:
            raise CertificateNotCurrent(self.id, self.state.value)
        return replace(self.data, learner_name=clean_name(learner_name))

    def supersede(self, by_id: str, now: datetime) -> None:
        if self.state is not State.VALID:
            raise CertificateNotCurrent(self.id, self.state.value)
        self.state, self.superseded_by, self.state_changed_at = State.SUPERSEDED, by_id, now
        self.raise_event(CertificateSuperseded(self.id, self.user_id, self.course_id, by_id, now))

    def revoke(self, reason: str, now: datetime) -> bool:
        """Revoke; False (and no event) when it already is revoked. A superseded
        certificate may be revoked too (a fraud found later)."""
        if self.state is State.REVOKED:
            return False
        self.state, self.revocation_reason, self.state_changed_at = State.REVOKED, reason.strip(), now
        self.raise_event(
            CertificateRevoked(self.id, self.user_id, self.course_id, self.revocation_reason, now)
        )
        return True
