"""In-memory storage, directory, documents and badge signer for handler tests, on the kit's
fake unit of work (uncommitted work is dropped; a block that changes state without
committing fails the test)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lms_certificate.domain.certificate import Certificate, State
from lms_certificate.domain.errors import SubjectNotFound
from lms_certificate.domain.template import Printed, Template
from lms_certificate.handlers.ports import After, CourseFacts
from lms_kit.testing.fakes import FakeRepository, FakeUnitOfWork


@dataclass
class Stored:
    certificates: dict[str, Certificate] = field(default_factory=dict)
    pdfs: dict[str, bytes] = field(default_factory=dict)
    templates: dict[str, Template] = field(default_factory=dict)
    next_index: int = 1


def _newest(items: list[Any], when: Callable[[Any], Any], after: After, limit: int) -> list[Any]:
    ordered = sorted(items, key=lambda i: (when(i), i.id), reverse=True)
    if after is not None:
        ordered = [i for i in ordered if (when(i), i.id) < after]
    return ordered[:limit]


class FakeCertificates(FakeRepository):
    def __init__(self, state: Stored, track: Callable[[object], None]) -> None:
        super().__init__(track)
        self._state = state

    async def add(self, certificate: Certificate, pdf: bytes) -> tuple[Certificate, bool]:
        current = await self.current(certificate.user_id, certificate.course_id)
        if current is not None:
            return current, False
        certificate.status_index = self._state.next_index
        self._state.next_index += 1
        self._state.certificates[certificate.id] = certificate
        self._state.pdfs[certificate.id] = pdf
        return self.seen(certificate), True

    async def get(self, certificate_id: str) -> Certificate | None:
        found = self._state.certificates.get(certificate_id)
        return self.seen(found) if found is not None else None

    async def save(self, certificate: Certificate) -> None:
        self._state.certificates[certificate.id] = certificate

    async def current(self, user_id: str, course_id: str) -> Certificate | None:
        key = f"{user_id}:{course_id}"
        found = [c for c in self._state.certificates.values() if c.current_key == key]
        return self.seen(found[0]) if found else None

    async def pdf(self, certificate_id: str) -> bytes | None:
        return self._state.pdfs.get(certificate_id)

    async def by_pdf_sha256(self, digest: str) -> Certificate | None:
        return next((c for c in self._state.certificates.values() if c.pdf_sha256 == digest), None)

    async def list_for_user(self, user_id: str, after: After, limit: int) -> list[Certificate]:
        mine = [c for c in self._state.certificates.values() if c.user_id == user_id]
        return _newest(mine, lambda c: c.issued_at, after, limit)

    async def list_for_course(self, course_id: str, after: After, limit: int) -> list[Certificate]:
        theirs = [c for c in self._state.certificates.values() if c.course_id == course_id]
        return _newest(theirs, lambda c: c.issued_at, after, limit)

    async def search(self, query: str, state: State | None, after: After, limit: int) -> list[Certificate]:
        words = query.lower().split()
        found = [
            c
            for c in self._state.certificates.values()
            if all(w in c.data.learner_name.lower() or w in c.data.course_title.lower() for w in words)
            and (state is None or c.state is state)
        ]
        return _newest(found, lambda c: c.issued_at, after, limit)

    async def revoked_indexes(self) -> list[int]:
        return [
            c.status_index
            for c in self._state.certificates.values()
            if c.state is State.REVOKED and c.status_index
        ]


class FakeTemplates(FakeRepository):
    def __init__(self, state: Stored, track: Callable[[object], None]) -> None:
        super().__init__(track)
        self._state = state

    async def add(self, template: Template) -> Template:
        for existing in self._state.templates.values():
            if template.request_id and (existing.created_by, existing.request_id) == (
                template.created_by,
                template.request_id,
            ):
                return existing
        self._state.templates[template.id] = template
        return self.seen(template)

    async def get(self, template_id: str) -> Template | None:
        return self._state.templates.get(template_id)

    async def save(self, template: Template) -> None:
        self._state.templates[template.id] = template

    async def newest(self, course_id: str) -> Template | None:
        found = await self.list(course_id, None, 1)
        return found[0] if found else None

    async def list(self, course_id: str, after: After, limit: int) -> list[Template]:
        theirs = [t for t in self._state.templates.values() if t.course_id == course_id]
        return _newest(theirs, lambda t: t.created_at, after, limit)


class FakeUnitOfWorkOfCertificate(FakeUnitOfWork[Stored]):
    def bind(self, state: Stored) -> None:
        self.certificates = FakeCertificates(state, self.track)
        self.templates = FakeTemplates(state, self.track)


@dataclass
class FakeDirectory:
    names: dict[str, str] = field(default_factory=dict)
    courses: dict[str, CourseFacts] = field(default_factory=dict)

    async def learner_name(self, user_id: str) -> str:
        if user_id not in self.names:
            raise SubjectNotFound(f"users/{user_id}")
        return self.names[user_id]

    async def course(self, course_id: str) -> CourseFacts:
        if course_id not in self.courses:
            raise SubjectNotFound(f"courses/{course_id}")
        return self.courses[course_id]


class FakeDocuments:
    """A 'PDF' that names what it shows; 'signed' ones end with a mark."""

    def families(self) -> frozenset[str]:
        return frozenset({"Noto Sans"})

    async def signed(self, template: Template, printed: Printed) -> bytes:
        return (await self.preview(template, printed)) + b"|signed"

    async def preview(self, template: Template, printed: Printed) -> bytes:
        return f"{template.id}|{printed.certificate_id}|{printed.learner_name}".encode()

    async def signature_intact(self, pdf: bytes) -> bool:
        return pdf.endswith(b"|signed")


class FakeBadges:
    def sign(self, claims: dict[str, Any]) -> str:
        return "jwt:" + hashlib.sha256(repr(sorted(claims)).encode()).hexdigest()

    def jwks(self) -> dict[str, Any]:
        return {"keys": []}
