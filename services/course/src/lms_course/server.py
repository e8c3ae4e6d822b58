"""Wiring: settings -> adapters -> handlers -> servicer; the kit does the rest.

python -m lms_course.server            # apply migrations, then serve on LMS_GRPC_PORT
python -m lms_course.server migrate    # only apply migrations
"""

from __future__ import annotations

from lms.payment.v1 import payment_pb2
from lms_course import mappers
from lms_course.adapters.cache import (
    ByteStore,
    CacheInvalidator,
    CoursePageCache,
    InProcessCache,
    RedisCache,
    SearchPageCache,
)
from lms_course.adapters.payment import PaymentAccess
from lms_course.adapters.unit_of_work import SqlCourseUnitOfWork
from lms_course.handlers import CourseUseCases
from lms_course.migrations import MIGRATIONS_DIR
from lms_course.servicer import CourseServicer
from lms_course.settings import CourseSettings
from lms_kit.service import Runtime, ServiceDefinition, serve_service

PAYMENT_SERVICE = payment_pb2.DESCRIPTOR.services_by_name["PaymentService"]


async def wire(runtime: Runtime[CourseSettings]) -> list[object]:
    settings = runtime.settings
    store: ByteStore = (
        RedisCache(settings.redis_url, ttl_s=settings.course_cache_ttl_s)
        if settings.redis_url
        else InProcessCache(ttl_s=settings.course_cache_ttl_s, max_entries=settings.course_cache_max_entries)
    )
    pages = CoursePageCache(store, render=mappers.outline_bytes)
    search_pages = SearchPageCache(
        ttl_s=settings.course_search_cache_ttl_s, render=mappers.search_results_bytes
    )
    events = runtime.events  # the outbox relay runs whenever LMS_NATS_URL is set
    if isinstance(store, InProcessCache):
        # Other workers' writes reach this process's copies through their events.
        events.attach(lambda client, _js: CacheInvalidator(client, pages, search_pages))
    runtime.on_stop(pages.close)
    runtime.on_stop(search_pages.close)
    # Without a payment service: no subscription check, paid courses need EnrollPaid.
    access = (
        PaymentAccess(runtime.client(settings.payment_service_target, PAYMENT_SERVICE))
        if settings.payment_service_target
        else None
    )
    use_cases = CourseUseCases.build(
        runtime.unit_of_work(SqlCourseUnitOfWork),
        pages=pages,
        search_pages=search_pages,
        access=access,
        currencies=settings.currencies,
        verified_email_required=settings.verified_email_required,
    )
    runtime.expose(use_cases=use_cases, course_cache=store, search_pages=search_pages)
    return [
        CourseServicer(
            use_cases,
            edge_max_age_s=settings.course_edge_max_age_s,
            search_edge_max_age_s=settings.course_search_edge_max_age_s,
        )
    ]


SERVICE = ServiceDefinition(name="course", settings=CourseSettings, migrations=MIGRATIONS_DIR, wire=wire)


def main() -> None:
    serve_service(SERVICE)


if __name__ == "__main__":
    main()
