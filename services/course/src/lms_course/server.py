"""Wiring: settings -> adapters -> handlers -> kit server.

python -m lms_course.server      # apply migrations, then serve on LMS_GRPC_PORT
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from lms.course.v1 import course_pb2, course_pb2_grpc
from lms.payment.v1 import payment_pb2
from lms_course import mappers
from lms_course.adapters.cache import CacheInvalidator, InProcessCache, RedisCache, SearchResultCache
from lms_course.adapters.payment import PaymentAccess
from lms_course.adapters.repository import SqlUnitOfWork
from lms_course.handlers import CourseHandlers
from lms_course.migrations import MIGRATIONS_DIR
from lms_course.servicer import CourseServicer
from lms_course.settings import CourseSettings
from lms_kit.clients import TokenSource, connect, service_token_source
from lms_kit.db import Database
from lms_kit.events import EventRuntime
from lms_kit.migrations import upgrade
from lms_kit.server import App, Service, run
from lms_kit.settings import load

log = logging.getLogger("lms_course")


@dataclass
class CourseApp:
    """The built service: the kit App plus what tests need from it."""

    app: App
    handlers: CourseHandlers
    database: Database
    cache: Any


def build_cache(settings: CourseSettings) -> Any:
    if settings.redis_url:
        return RedisCache(settings.redis_url, ttl_s=settings.course_cache_ttl_s)
    return InProcessCache(ttl_s=settings.course_cache_ttl_s, max_entries=settings.course_cache_max_entries)


async def build(settings: CourseSettings, *, tokens: TokenSource | None = None) -> CourseApp:
    """The service; `tokens` overrides the service-token source for calls to the payment
    service (tests)."""
    database = Database(settings.database_url, pool_size=settings.database_pool_size)
    cache = build_cache(settings)
    search_cache = SearchResultCache(ttl_s=settings.course_search_cache_ttl_s)
    payment_channel = None
    if settings.payment_service_target:  # else: no subscription check, paid courses need EnrollPaid
        payment_channel = connect(
            settings.payment_service_target,
            [payment_pb2.DESCRIPTOR.services_by_name["PaymentService"]],
            tokens=tokens or service_token_source(settings, "course"),
        )
    handlers = CourseHandlers(
        lambda: SqlUnitOfWork(database),
        cache=cache,
        search_cache=search_cache,
        access=PaymentAccess(payment_channel) if payment_channel is not None else None,
    )
    events = EventRuntime(database, settings.nats_url, domain="course")
    if isinstance(cache, InProcessCache):
        # Other workers' writes reach this process's cache through their events.
        events.attach(lambda client, _js: CacheInvalidator(client, cache, search_cache))

    async def close() -> None:
        await events.stop()
        if payment_channel is not None:
            await payment_channel.close()
        await cache.close()
        await database.dispose()

    app = App(
        services=[
            Service(
                course_pb2.DESCRIPTOR.services_by_name["CourseService"],
                course_pb2_grpc.add_CourseServiceServicer_to_server,
                CourseServicer(
                    handlers,
                    cache,
                    search_cache,
                    edge_max_age_s=settings.course_edge_max_age_s,
                    search_edge_max_age_s=settings.course_search_edge_max_age_s,
                ),
            )
        ],
        on_start=[events.start],
        on_stop=[close],
        map_error=mappers.map_error,
    )
    return CourseApp(app, handlers, database, cache)


async def build_app(settings: CourseSettings) -> App:
    return (await build(settings)).app


def migrate(settings: CourseSettings) -> None:
    asyncio.run(upgrade(settings.database_url, MIGRATIONS_DIR))


def main() -> None:
    settings = load(CourseSettings, service_name="course")
    if not settings.database_url:
        raise SystemExit("LMS_DATABASE_URL is required")
    run(settings, build_app, migrate=migrate)


if __name__ == "__main__":
    main()
