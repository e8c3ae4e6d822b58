"""Wiring: settings -> adapters -> handlers -> servicer; the kit does the rest.

python -m lms_certificate.server            # apply migrations, then serve on LMS_GRPC_PORT
python -m lms_certificate.server migrate    # only apply migrations
"""

from __future__ import annotations

from lms_certificate.adapters.unit_of_work import SqlCertificateUnitOfWork
from lms_certificate.handlers import ItemHandlers
from lms_certificate.migrations import MIGRATIONS_DIR
from lms_certificate.servicer import CertificateServicer
from lms_certificate.settings import CertificateSettings
from lms_kit.service import Runtime, ServiceDefinition, serve_service


async def wire(runtime: Runtime[CertificateSettings]) -> list[object]:
    items = ItemHandlers(runtime.unit_of_work(SqlCertificateUnitOfWork))
    runtime.expose(items=items)
    return [CertificateServicer(items, page_max=runtime.settings.item_page_max)]


SERVICE = ServiceDefinition(
    name="certificate", settings=CertificateSettings, migrations=MIGRATIONS_DIR, wire=wire
)


def main() -> None:
    serve_service(SERVICE)


if __name__ == "__main__":
    main()
