"""Wiring: settings -> adapters (SQL, fonts, reportlab, pyHanko, the user and course
services) -> handlers -> servicer; the kit does the rest.

python -m lms_certificate.server            # apply migrations, then serve on LMS_GRPC_PORT
python -m lms_certificate.server migrate    # only apply migrations
"""

from __future__ import annotations

from typing import cast

from lms.course.v1 import course_pb2, events_pb2
from lms.user.v1 import user_pb2
from lms_certificate.adapters.badges import BadgeSigner
from lms_certificate.adapters.directory import ServiceDirectory
from lms_certificate.adapters.documents import SignedDocuments
from lms_certificate.adapters.fonts import FontBook
from lms_certificate.adapters.signing import PdfSigner
from lms_certificate.adapters.unit_of_work import SqlCertificateUnitOfWork
from lms_certificate.domain.credential import Issuer
from lms_certificate.handlers import Issuance, Issuing, Queries, TemplateHandlers
from lms_certificate.handlers.ports import CertificateUnitOfWork
from lms_certificate.mappers import Links
from lms_certificate.migrations import MIGRATIONS_DIR
from lms_certificate.servicer import CertificateServicer
from lms_certificate.settings import CertificateSettings
from lms_kit.domain import utc_now
from lms_kit.events.consumer import EventContext
from lms_kit.proto import from_timestamp
from lms_kit.service import Runtime, ServiceDefinition, serve_service

USER_SERVICE = user_pb2.DESCRIPTOR.services_by_name["UserService"]
COURSE_SERVICE = course_pb2.DESCRIPTOR.services_by_name["CourseService"]


async def wire(runtime: Runtime[CertificateSettings]) -> list[object]:
    settings = runtime.settings
    base = settings.public_base_url.rstrip("/")
    verification_page = f"{base}/v1/certificates/{{id}}:verify"  # the public REST page
    issuer = Issuer(
        id=f"{base}/v1/certificates/issuer",
        name=settings.certificate_issuer_name,
        url=base,
        status_list_url=f"{base}/v1/certificates/status-list",
        keys_url=f"{base}/v1/certificates/issuer/jwks",
        verification_page=verification_page,
    )
    fonts = FontBook(settings.certificate_font_dir)
    documents = SignedDocuments(
        fonts,
        PdfSigner(
            settings.certificate_signing_key_file,
            settings.certificate_signing_cert_file,
            signer_name=settings.certificate_issuer_name,
        ),
    )
    directory = ServiceDirectory(
        runtime.client(settings.user_service_target, USER_SERVICE),
        runtime.client(settings.course_service_target, COURSE_SERVICE),
    )
    unit_of_work = runtime.unit_of_work(SqlCertificateUnitOfWork)
    issuing = Issuing(settings.certificate_issuer_name, verification_page)
    issuance = Issuance(unit_of_work, directory, documents, issuing)
    queries = Queries(
        unit_of_work,
        directory,
        documents,
        BadgeSigner(settings.certificate_badge_key_file),
        issuer,
        identity_salt=settings.certificate_identity_salt,
    )
    templates = TemplateHandlers(
        unit_of_work,
        directory,
        documents,
        issuer_name=settings.certificate_issuer_name,
        verification_page=verification_page,
    )

    async def on_course_completed(event: events_pb2.CourseCompleted, ctx: EventContext) -> None:
        completed_at = from_timestamp(event, "complete_time") or ctx.occurred_at or utc_now()
        await issuance.on_course_completed(
            cast(CertificateUnitOfWork, ctx.uow), event.user_id, event.course_id, completed_at
        )

    runtime.consume(
        settings.certificate_completion_durable,
        {events_pb2.CourseCompleted: on_course_completed},
        unit_of_work=unit_of_work,
        max_deliver=settings.certificate_issue_max_deliver,
        ack_wait_s=settings.certificate_issue_ack_wait_s,
        batch_size=max(10, settings.certificate_issue_concurrency),
        concurrency=settings.certificate_issue_concurrency,
    )
    runtime.expose(issuance=issuance, queries=queries, templates=templates, documents=documents)
    links = Links(verification_page, settings.certificate_issuer_name)
    return [CertificateServicer(issuance, queries, templates, links, page_max=settings.certificate_page_max)]


SERVICE = ServiceDefinition(
    name="certificate", settings=CertificateSettings, migrations=MIGRATIONS_DIR, wire=wire
)


def main() -> None:
    serve_service(SERVICE)


if __name__ == "__main__":
    main()
