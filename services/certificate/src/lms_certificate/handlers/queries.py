"""Reading certificates: by their learner, teachers and administrators; public
verification by id or by the PDF's bytes; the Open Badges credential and status list."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lms_certificate.domain.certificate import Certificate, State
from lms_certificate.domain.credential import (
    Issuer,
    issuer_profile,
    open_badge_credential,
    status_list_credential,
)
from lms_certificate.domain.errors import CertificateNotFound, PdfTooLarge
from lms_certificate.handlers.access import is_teacher, require_teacher
from lms_certificate.handlers.ports import After, Badges, CertificateUnitOfWork, Directory, Documents
from lms_kit.domain import Actor, Clock, utc_now

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # far above any certificate; the contract's limit


@dataclass(frozen=True, slots=True)
class PdfCheck:
    signature_intact: bool
    certificate: Certificate | None  # the issued certificate these exact bytes are

    @property
    def valid(self) -> bool:
        return self.signature_intact and self.certificate is not None


@dataclass(frozen=True, slots=True)
class SignedCredential:
    vc_jwt: str
    credential: dict[str, Any]

    @property
    def credential_json(self) -> str:
        return json.dumps(self.credential, ensure_ascii=False, sort_keys=True)


class Queries:
    def __init__(
        self,
        uow: Callable[[], CertificateUnitOfWork],
        directory: Directory,
        documents: Documents,
        badges: Badges,
        issuer: Issuer,
        *,
        identity_salt: str,
        clock: Clock = utc_now,
    ) -> None:
        self._uow = uow
        self._directory = directory
        self._documents = documents
        self._badges = badges
        self._issuer = issuer
        self._salt = identity_salt
        self._clock = clock

    async def get(self, actor: Actor, certificate_id: str) -> Certificate:
        """The certificate, for its learner, the course's teachers and administrators."""
        async with self._uow() as uow:
            certificate = await uow.certificates.get(certificate_id)
        if certificate is None or not (
            certificate.user_id == actor.user_id
            or await is_teacher(actor, self._directory, certificate.course_id)
        ):
            raise CertificateNotFound(certificate_id)
        return certificate

    async def pdf(self, actor: Actor, certificate_id: str) -> bytes:
        await self.get(actor, certificate_id)
        async with self._uow() as uow:
            pdf = await uow.certificates.pdf(certificate_id)
        if pdf is None:
            raise CertificateNotFound(certificate_id)
        return pdf

    async def credential(self, actor: Actor, certificate_id: str) -> SignedCredential:
        certificate = await self.get(actor, certificate_id)
        assert certificate.status_index is not None  # storage gives every certificate one
        claims = open_badge_credential(
            certificate, self._issuer, salt=self._salt, status_index=certificate.status_index
        )
        return SignedCredential(self._badges.sign(claims), claims)

    async def status_list(self) -> str:
        async with self._uow() as uow:
            revoked = await uow.certificates.revoked_indexes()
        return self._badges.sign(status_list_credential(self._issuer, revoked, self._clock()))

    def issuer_profile(self) -> dict[str, Any]:
        return issuer_profile(self._issuer, self._issuer.keys_url)

    def issuer_keys(self) -> dict[str, Any]:
        return self._badges.jwks()

    async def verify(self, certificate_id: str) -> Certificate:
        """Anyone's view: the mapper shows only what the certificate certifies."""
        async with self._uow() as uow:
            certificate = await uow.certificates.get(certificate_id)
        if certificate is None:
            raise CertificateNotFound(certificate_id)
        return certificate

    async def verify_pdf(self, pdf: bytes) -> PdfCheck:
        if len(pdf) > MAX_UPLOAD_BYTES:
            raise PdfTooLarge(MAX_UPLOAD_BYTES)
        intact = await self._documents.signature_intact(pdf)
        async with self._uow() as uow:
            certificate = await uow.certificates.by_pdf_sha256(hashlib.sha256(pdf).hexdigest())
        return PdfCheck(intact, certificate)

    async def list_mine(self, actor: Actor, after: After, limit: int) -> list[Certificate]:
        async with self._uow() as uow:
            return await uow.certificates.list_for_user(actor.user_id, after, limit)

    async def list_course(self, actor: Actor, course_id: str, after: After, limit: int) -> list[Certificate]:
        if not actor.is_admin:
            await require_teacher(actor, self._directory, course_id)
        async with self._uow() as uow:
            return await uow.certificates.list_for_course(course_id, after, limit)

    async def search(self, query: str, state: State | None, after: After, limit: int) -> list[Certificate]:
        async with self._uow() as uow:
            return await uow.certificates.search(query.strip(), state, after, limit)
