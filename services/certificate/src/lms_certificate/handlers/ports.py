"""What the use cases need from storage, documents and the other services, as Protocols
(adapters/ implements them; tests/unit/fakes.py in memory)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from lms_certificate.domain.certificate import Certificate, State
from lms_certificate.domain.template import Printed, Template
from lms_kit.domain import UnitOfWork

# Keyset paging: the (time, id) of the last row of the previous page.
After = tuple[datetime, str] | None


class Certificates(Protocol):
    async def add(self, certificate: Certificate, pdf: bytes) -> tuple[Certificate, bool]:
        """Insert; when the learner already holds a current certificate of the course
        (a redelivery or a race), that one and False."""
        ...

    async def get(self, certificate_id: str) -> Certificate | None: ...

    async def save(self, certificate: Certificate) -> None:
        """Write back the state of a loaded certificate."""
        ...

    async def current(self, user_id: str, course_id: str) -> Certificate | None: ...

    async def pdf(self, certificate_id: str) -> bytes | None: ...

    async def by_pdf_sha256(self, digest: str) -> Certificate | None: ...

    async def list_for_user(self, user_id: str, after: After, limit: int) -> list[Certificate]: ...

    async def list_for_course(self, course_id: str, after: After, limit: int) -> list[Certificate]: ...

    async def search(
        self, query: str, state: State | None, after: After, limit: int
    ) -> list[Certificate]: ...

    async def revoked_indexes(self) -> list[int]: ...


class Templates(Protocol):
    async def add(self, template: Template) -> Template:
        """Insert; with a request id its creator used before, the template made then."""
        ...

    async def get(self, template_id: str) -> Template | None: ...

    async def save(self, template: Template) -> None: ...

    async def newest(self, course_id: str) -> Template | None:
        """The newest template of a course ("" = platform-wide)."""
        ...

    async def list(self, course_id: str, after: After, limit: int) -> list[Template]: ...


class CertificateUnitOfWork(UnitOfWork, Protocol):
    @property
    def certificates(self) -> Certificates: ...

    @property
    def templates(self) -> Templates: ...


@dataclass(frozen=True, slots=True)
class CourseFacts:
    title: str
    hours: float
    teacher_ids: frozenset[str]


class Directory(Protocol):
    """The user and course services, as issuance needs them."""

    async def learner_name(self, user_id: str) -> str: ...

    async def course(self, course_id: str) -> CourseFacts: ...


class Documents(Protocol):
    """PDF rendering and PAdES signing (CPU work, off the event loop)."""

    def families(self) -> frozenset[str]: ...

    async def signed(self, template: Template, printed: Printed) -> bytes: ...

    async def preview(self, template: Template, printed: Printed) -> bytes: ...

    async def signature_intact(self, pdf: bytes) -> bool: ...


class Badges(Protocol):
    def sign(self, claims: dict[str, Any]) -> str: ...

    def jwks(self) -> dict[str, Any]: ...
