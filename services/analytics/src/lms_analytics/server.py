"""Wiring: settings -> adapters -> handlers -> servicer; the kit does the rest.

python -m lms_analytics.server            # apply migrations, then serve on LMS_GRPC_PORT
python -m lms_analytics.server migrate    # only apply migrations
"""

from __future__ import annotations

from pathlib import Path

from lms.course.v1 import course_pb2
from lms_analytics.adapters.courses import CourseServiceTeachers
from lms_analytics.adapters.domain_events import event_classes, event_payload
from lms_analytics.adapters.store import ChdbEngine, ClickHouseServerEngine, StatementStore
from lms_analytics.adapters.unit_of_work import SqlAnalyticsUnitOfWork
from lms_analytics.handlers import Ingestion, Reports
from lms_analytics.migrations import MIGRATIONS_DIR
from lms_analytics.servicer import AnalyticsServicer
from lms_analytics.settings import AnalyticsSettings
from lms_kit.domain import utc_now
from lms_kit.events import EventContext
from lms_kit.service import Runtime, ServiceDefinition, serve_service


async def wire(runtime: Runtime[AnalyticsSettings]) -> list[object]:
    settings = runtime.settings
    if not settings.analytics_clickhouse_url and settings.workers > 1:
        # chDB is one embedded server per process on a directory no other process may open.
        raise ValueError("the embedded chDB store needs LMS_WORKERS=1 (or LMS_ANALYTICS_CLICKHOUSE_URL)")
    engine = (
        ClickHouseServerEngine(settings.analytics_clickhouse_url)
        if settings.analytics_clickhouse_url
        else ChdbEngine(Path(settings.analytics_store_path))
    )
    store = StatementStore.open(engine)

    async def close_store() -> None:
        store.close()

    runtime.on_stop(close_store)
    courses = runtime.client(
        settings.course_service_target, course_pb2.DESCRIPTOR.services_by_name["CourseService"]
    )
    ingestion = Ingestion(store, utc_now)
    reports = Reports(store, CourseServiceTeachers(courses), utc_now)

    async def on_event(event: object, ctx: EventContext) -> None:
        # Written before the kit commits the inbox row: a crash in between redelivers, and
        # the store skips the event id it already holds.
        await ingestion.record_domain_event(
            ctx.event_id, ctx.event_type, event_payload(event), ctx.occurred_at
        )

    for domain in settings.analytics_event_domains:
        classes = event_classes(domain)
        if classes:
            runtime.consume(
                f"{settings.analytics_ingest_durable_prefix}-{domain}",
                dict.fromkeys(classes, on_event),
                unit_of_work=runtime.unit_of_work(SqlAnalyticsUnitOfWork),
                subjects=[f"lms.{domain}.v1.>"],
                max_deliver=settings.analytics_ingest_max_deliver,
                ack_wait_s=settings.analytics_ingest_ack_wait_s,
            )
    runtime.expose(store=store, ingestion=ingestion, reports=reports)
    return [AnalyticsServicer(ingestion, reports)]


SERVICE = ServiceDefinition(
    name="analytics", settings=AnalyticsSettings, migrations=MIGRATIONS_DIR, wire=wire
)


def main() -> None:
    serve_service(SERVICE)


if __name__ == "__main__":
    main()
