"""Wiring: settings -> adapters -> handlers -> servicer; the kit does the rest.

python -m lms_file.server            # apply migrations, then serve on LMS_GRPC_PORT
python -m lms_file.server migrate    # only apply migrations
"""

from __future__ import annotations

from lms_file.adapters.unit_of_work import SqlFileUnitOfWork
from lms_file.handlers import ItemHandlers
from lms_file.migrations import MIGRATIONS_DIR
from lms_file.servicer import FileServicer
from lms_file.settings import FileSettings
from lms_kit.service import Runtime, ServiceDefinition, serve_service


async def wire(runtime: Runtime[FileSettings]) -> list[object]:
    items = ItemHandlers(runtime.unit_of_work(SqlFileUnitOfWork))
    runtime.expose(items=items)
    return [FileServicer(items, page_max=runtime.settings.item_page_max)]


SERVICE = ServiceDefinition(name="file", settings=FileSettings, migrations=MIGRATIONS_DIR, wire=wire)


def main() -> None:
    serve_service(SERVICE)


if __name__ == "__main__":
    main()
