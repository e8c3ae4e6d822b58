"""Wiring: settings -> adapters (SQL, the course service) -> handlers -> servicer; the kit
does the rest.

python -m lms_assessment.server            # apply migrations, then serve on LMS_GRPC_PORT
python -m lms_assessment.server migrate    # only apply migrations
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from lms.course.v1 import course_pb2
from lms_assessment.adapters.courses import CourseServiceDirectory
from lms_assessment.adapters.unit_of_work import SqlAssessmentUnitOfWork
from lms_assessment.handlers import (
    AttemptHandlers,
    BankHandlers,
    GradingHandlers,
    InterchangeHandlers,
    QuizHandlers,
)
from lms_assessment.handlers.access import CourseGate
from lms_assessment.migrations import MIGRATIONS_DIR
from lms_assessment.servicer import AssessmentServicer
from lms_assessment.settings import AssessmentSettings
from lms_kit.service import Runtime, ServiceDefinition, serve_service

COURSE_SERVICE = course_pb2.DESCRIPTOR.services_by_name["CourseService"]
log = logging.getLogger(__name__)


async def wire(runtime: Runtime[AssessmentSettings]) -> list[object]:
    settings = runtime.settings
    courses = CourseServiceDirectory(
        runtime.client(settings.course_service_target, COURSE_SERVICE), ttl_s=settings.course_cache_s
    )
    gate = CourseGate(courses)
    uow = runtime.unit_of_work(SqlAssessmentUnitOfWork)
    banks, quizzes = BankHandlers(uow, gate), QuizHandlers(uow, gate)
    attempts, grading = AttemptHandlers(uow, gate), GradingHandlers(uow, gate)
    interchange = InterchangeHandlers(uow, banks)
    sweeper: list[asyncio.Task[None]] = []

    async def sweep() -> None:
        # Attempts nobody watches still end at their deadline.
        while True:
            try:
                await attempts.expire_overdue()
            except Exception:
                log.exception("attempt_sweep_failed")
            await asyncio.sleep(settings.sweep_interval_s)

    async def start_sweeper() -> None:
        sweeper.append(asyncio.create_task(sweep()))

    async def stop_sweeper() -> None:
        for task in sweeper:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    runtime.on_start(start_sweeper)
    runtime.on_stop(stop_sweeper)
    runtime.expose(banks=banks, quizzes=quizzes, attempts=attempts, grading=grading, courses=courses)
    servicer = AssessmentServicer(
        banks, quizzes, attempts, grading, interchange, watch_interval_s=settings.watch_interval_s
    )
    return [servicer]


SERVICE = ServiceDefinition(
    name="assessment", settings=AssessmentSettings, migrations=MIGRATIONS_DIR, wire=wire
)


def main() -> None:
    serve_service(SERVICE)


if __name__ == "__main__":
    main()
