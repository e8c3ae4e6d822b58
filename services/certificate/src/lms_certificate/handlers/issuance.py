"""Issuing certificates: on a course completion (exactly once per learner and course), by
hand, as a reissue that supersedes the old one, and their revocation."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from lms_certificate.domain.certificate import Certificate, CertifiedData, clean_name
from lms_certificate.domain.errors import CertificateNotFound
from lms_certificate.domain.template import Printed, default_template
from lms_certificate.handlers.access import require_teacher
from lms_certificate.handlers.ports import CertificateUnitOfWork, Directory, Documents
from lms_kit.domain import Actor, Clock, utc_now


@dataclass(frozen=True, slots=True)
class Issuing:
    issuer_name: str
    verification_page: str  # format(id=...) = the public verification page


class Issuance:
    def __init__(
        self,
        uow: Callable[[], CertificateUnitOfWork],
        directory: Directory,
        documents: Documents,
        issuing: Issuing,
        *,
        clock: Clock = utc_now,
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self._uow = uow
        self._directory = directory
        self._documents = documents
        self._issuing = issuing
        self._clock = clock
        self._new_id = new_id

    async def on_course_completed(
        self, uow: CertificateUnitOfWork, user_id: str, course_id: str, completed_at: datetime
    ) -> Certificate:
        """Issue in the consumer's unit of work (committed with its inbox row). A learner
        who already holds a current certificate of the course keeps it: redeliveries,
        retries and concurrent events end with one certificate."""
        existing = await uow.certificates.current(user_id, course_id)
        if existing is not None:
            return existing
        name = await self._directory.learner_name(user_id)
        course = await self._directory.course(course_id)
        data = CertifiedData(clean_name(name), course.title, completed_at, course.hours, "")
        return await self._issue(uow, user_id, course_id, data)

    async def issue(
        self, actor: Actor, user_id: str, course_id: str, *, learner_name: str = "", grade: str = ""
    ) -> Certificate:
        course = await require_teacher(actor, self._directory, course_id)
        name = clean_name(learner_name) if learner_name.strip() else ""
        async with self._uow() as uow:
            existing = await uow.certificates.current(user_id, course_id)
            if existing is not None:
                return existing
            name = name or clean_name(await self._directory.learner_name(user_id))
            data = CertifiedData(name, course.title, self._clock(), course.hours, grade.strip())
            certificate = await self._issue(uow, user_id, course_id, data)
            await uow.commit()
        return certificate

    async def reissue(self, actor: Actor, certificate_id: str, learner_name: str) -> Certificate:
        async with self._uow() as uow:
            old = await uow.certificates.get(certificate_id)
            if old is None:
                raise CertificateNotFound(certificate_id)
            await require_teacher(actor, self._directory, old.course_id)
            data = old.corrected(learner_name)
            new_id = self._new_id()
            old.supersede(new_id, self._clock())
            await uow.certificates.save(old)  # gives up the current key first
            certificate = await self._issue(
                uow, old.user_id, old.course_id, data, supersedes=old.id, new_id=new_id
            )
            await uow.commit()
        return certificate

    async def revoke(self, actor: Actor, certificate_id: str, reason: str) -> Certificate:
        async with self._uow() as uow:
            certificate = await uow.certificates.get(certificate_id)
            if certificate is None:
                raise CertificateNotFound(certificate_id)
            if not actor.is_admin:
                await require_teacher(actor, self._directory, certificate.course_id)
            if certificate.revoke(reason, self._clock()):
                await uow.certificates.save(certificate)
                await uow.commit()
        return certificate

    async def _issue(
        self,
        uow: CertificateUnitOfWork,
        user_id: str,
        course_id: str,
        data: CertifiedData,
        *,
        supersedes: str = "",
        new_id: str = "",
    ) -> Certificate:
        now = self._clock()
        template = (
            await uow.templates.newest(course_id) or await uow.templates.newest("") or default_template(now)
        )
        certificate_id = new_id or self._new_id()
        printed = Printed(
            certificate_id,
            data.learner_name,
            data.course_title,
            data.completed_at,
            data.hours,
            data.grade,
            self._issuing.verification_page.format(id=certificate_id),
            self._issuing.issuer_name,
        )
        pdf = await self._documents.signed(template, printed)
        certificate = Certificate.issue(
            certificate_id,
            user_id,
            course_id,
            data,
            now,
            template_id=template.id,
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
            supersedes=supersedes,
            verification_url=printed.verification_url,
        )
        stored, _created = await uow.certificates.add(certificate, pdf)
        return stored
