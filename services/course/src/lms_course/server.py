"""Wiring: settings -> adapters -> handlers -> servicer; the kit does the rest.

python -m lms_course.server            # apply migrations, then serve on LMS_GRPC_PORT
python -m lms_course.server migrate    # only apply migrations
"""

from __future__ import annotations

from typing import cast

from lms.assessment.v1 import events_pb2 as assessment_events
from lms.file.v1 import events_pb2 as file_events
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
from lms_course.handlers.ports import CourseUnitOfWork
from lms_course.migrations import MIGRATIONS_DIR
from lms_course.servicer import CourseServicer
from lms_course.settings import CourseSettings
from lms_kit.events import EventContext
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

    # A passed quiz linked to a lecture completes it (the consumer's unit of work commits
    # the completion with its inbox row: a redelivery completes nothing twice).
    async def on_attempt_graded(event: assessment_events.AttemptGraded, ctx: EventContext) -> None:
        if event.passed and event.lecture_id:
            await use_cases.progress.complete_passed_quiz(
                cast(CourseUnitOfWork, ctx.uow),
                course_id=event.course_id,
                lecture_id=event.lecture_id,
                user_id=event.user_id,
            )

    runtime.consume(
        settings.quiz_completion_durable,
        {assessment_events.AttemptGraded: on_attempt_graded},
        unit_of_work=runtime.unit_of_work(SqlCourseUnitOfWork),
    )

    # A playable video's real duration goes on the lectures that show it, in the consumer's
    # unit of work; shared copies are dropped at once here and elsewhere by CourseChanged.
    async def on_video_ready(event: file_events.VideoReady, ctx: EventContext) -> None:
        changed = await use_cases.media.video_ready(
            cast(CourseUnitOfWork, ctx.uow),
            file_id=event.file_id,
            duration_s=int(event.duration_seconds),
            lectures=mappers.referencing_lectures(event.references),
        )
        await use_cases.media.courses_changed(changed)

    runtime.consume(
        settings.video_duration_durable,
        {file_events.VideoReady: on_video_ready},
        unit_of_work=runtime.unit_of_work(SqlCourseUnitOfWork),
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
