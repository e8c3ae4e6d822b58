"""The certificate service's unit of work: its repositories on one transaction; the events of
the aggregates they saw go to the outbox with the rows."""

from __future__ import annotations

from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncSession

from lms_certificate import mappers
from lms_certificate.adapters.certificates import SqlCertificates
from lms_certificate.adapters.templates import SqlTemplates
from lms_kit.uow import SqlUnitOfWork


class SqlCertificateUnitOfWork(SqlUnitOfWork):
    certificates: SqlCertificates
    templates: SqlTemplates

    def bind(self, session: AsyncSession) -> None:
        self.certificates = SqlCertificates(session, self.track)
        self.templates = SqlTemplates(session, self.track)

    def event_message(self, event: object) -> Message:
        return mappers.event_to_proto(event)
