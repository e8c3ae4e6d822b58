"""Certificates in PostgreSQL: one current certificate per learner and course, enforced by
a unique key, so that concurrent issuances end with one row."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from lms_certificate.adapters.tables import certificates
from lms_certificate.domain.certificate import Certificate, CertifiedData, State
from lms_certificate.handlers.ports import After
from lms_kit.uow import SqlRepository

# Everything but the PDF's bytes.
_COLUMNS = [c for c in certificates.c if c.name != "pdf"]


def _certificate(row: Any) -> Certificate:
    return Certificate(
        id=row.id,
        user_id=row.user_id,
        course_id=row.course_id,
        data=CertifiedData(row.learner_name, row.course_title, row.completed_at, row.hours, row.grade),
        issued_at=row.issued_at,
        template_id=row.template_id,
        pdf_sha256=row.pdf_sha256,
        state=State(row.state),
        state_changed_at=row.state_changed_at,
        revocation_reason=row.revocation_reason,
        superseded_by=row.superseded_by,
        supersedes=row.supersedes,
        status_index=row.status_index,
    )


def _state_values(certificate: Certificate) -> dict[str, Any]:
    return {
        "state": certificate.state.value,
        "state_changed_at": certificate.state_changed_at,
        "revocation_reason": certificate.revocation_reason,
        "superseded_by": certificate.superseded_by,
        "current_key": certificate.current_key,
    }


def _newest_first(query: sa.Select, after: After, limit: int) -> sa.Select:
    if after is not None:
        query = query.where(sa.tuple_(certificates.c.issued_at, certificates.c.id) < sa.tuple_(*after))
    return query.order_by(certificates.c.issued_at.desc(), certificates.c.id.desc()).limit(limit)


class SqlCertificates(SqlRepository):
    async def add(self, certificate: Certificate, pdf: bytes) -> tuple[Certificate, bool]:
        data = certificate.data
        inserted = await self.session.execute(
            insert(certificates)
            .values(
                id=certificate.id,
                user_id=certificate.user_id,
                course_id=certificate.course_id,
                learner_name=data.learner_name,
                course_title=data.course_title,
                completed_at=data.completed_at,
                hours=data.hours,
                grade=data.grade,
                issued_at=certificate.issued_at,
                template_id=certificate.template_id,
                pdf=pdf,
                pdf_sha256=certificate.pdf_sha256,
                supersedes=certificate.supersedes,
                **_state_values(certificate),
            )
            .on_conflict_do_nothing(constraint="certificates_current_key")
            .returning(certificates.c.status_index)
        )
        row = inserted.first()
        if row is not None:
            certificate.status_index = row.status_index
            return self.seen(certificate), True
        # Another delivery committed the learner's certificate first: that one stands.
        existing = await self.current(certificate.user_id, certificate.course_id)
        assert existing is not None
        return existing, False

    async def get(self, certificate_id: str) -> Certificate | None:
        row = (
            await self.session.execute(sa.select(*_COLUMNS).where(certificates.c.id == certificate_id))
        ).first()
        return self.seen(_certificate(row)) if row is not None else None

    async def save(self, certificate: Certificate) -> None:
        await self.session.execute(
            sa.update(certificates)
            .where(certificates.c.id == certificate.id)
            .values(**_state_values(certificate))
        )

    async def current(self, user_id: str, course_id: str) -> Certificate | None:
        row = (
            await self.session.execute(
                sa.select(*_COLUMNS).where(certificates.c.current_key == f"{user_id}:{course_id}")
            )
        ).first()
        return self.seen(_certificate(row)) if row is not None else None

    async def pdf(self, certificate_id: str) -> bytes | None:
        return (
            await self.session.execute(
                sa.select(certificates.c.pdf).where(certificates.c.id == certificate_id)
            )
        ).scalar_one_or_none()

    async def by_pdf_sha256(self, digest: str) -> Certificate | None:
        row = (
            await self.session.execute(sa.select(*_COLUMNS).where(certificates.c.pdf_sha256 == digest))
        ).first()
        return _certificate(row) if row is not None else None

    async def list_for_user(self, user_id: str, after: After, limit: int) -> list[Certificate]:
        query = sa.select(*_COLUMNS).where(certificates.c.user_id == user_id)
        return [_certificate(r) for r in await self.session.execute(_newest_first(query, after, limit))]

    async def list_for_course(self, course_id: str, after: After, limit: int) -> list[Certificate]:
        query = sa.select(*_COLUMNS).where(certificates.c.course_id == course_id)
        return [_certificate(r) for r in await self.session.execute(_newest_first(query, after, limit))]

    async def search(self, query: str, state: State | None, after: After, limit: int) -> list[Certificate]:
        select = sa.select(*_COLUMNS)
        for word in query.split():
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            select = select.where(
                sa.or_(
                    certificates.c.learner_name.ilike(pattern, escape="\\"),
                    certificates.c.course_title.ilike(pattern, escape="\\"),
                    certificates.c.id == word,
                )
            )
        if state is not None:
            select = select.where(certificates.c.state == state.value)
        return [_certificate(r) for r in await self.session.execute(_newest_first(select, after, limit))]

    async def revoked_indexes(self) -> list[int]:
        rows = await self.session.execute(
            sa.select(certificates.c.status_index).where(certificates.c.state == State.REVOKED.value)
        )
        return [r.status_index for r in rows]
