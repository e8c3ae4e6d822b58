"""Wiring: settings -> adapters -> handlers -> servicer; the kit does the rest.

python -m lms_assessment.server            # apply migrations, then serve on LMS_GRPC_PORT
python -m lms_assessment.server migrate    # only apply migrations
"""

from __future__ import annotations

from lms_assessment.adapters.unit_of_work import SqlAssessmentUnitOfWork
from lms_assessment.handlers import ItemHandlers
from lms_assessment.migrations import MIGRATIONS_DIR
from lms_assessment.servicer import AssessmentServicer
from lms_assessment.settings import AssessmentSettings
from lms_kit.service import Runtime, ServiceDefinition, serve_service


async def wire(runtime: Runtime[AssessmentSettings]) -> list[object]:
    items = ItemHandlers(runtime.unit_of_work(SqlAssessmentUnitOfWork))
    runtime.expose(items=items)
    return [AssessmentServicer(items, page_max=runtime.settings.item_page_max)]


SERVICE = ServiceDefinition(
    name="assessment", settings=AssessmentSettings, migrations=MIGRATIONS_DIR, wire=wire
)


def main() -> None:
    serve_service(SERVICE)


if __name__ == "__main__":
    main()
