"""Wiring: settings -> adapters -> handlers -> servicer; the kit does the rest.

python -m lms_analytics.server            # apply migrations, then serve on LMS_GRPC_PORT
python -m lms_analytics.server migrate    # only apply migrations
"""

from __future__ import annotations

from lms_analytics.adapters.unit_of_work import SqlAnalyticsUnitOfWork
from lms_analytics.handlers import ItemHandlers
from lms_analytics.migrations import MIGRATIONS_DIR
from lms_analytics.servicer import AnalyticsServicer
from lms_analytics.settings import AnalyticsSettings
from lms_kit.service import Runtime, ServiceDefinition, serve_service


async def wire(runtime: Runtime[AnalyticsSettings]) -> list[object]:
    items = ItemHandlers(runtime.unit_of_work(SqlAnalyticsUnitOfWork))
    runtime.expose(items=items)
    return [AnalyticsServicer(items, page_max=runtime.settings.item_page_max)]


SERVICE = ServiceDefinition(
    name="analytics", settings=AnalyticsSettings, migrations=MIGRATIONS_DIR, wire=wire
)


def main() -> None:
    serve_service(SERVICE)


if __name__ == "__main__":
    main()
