"""Use cases of the course service, one module per capability. Each takes plain values and
an `Actor`, works through the unit of work of ports.py and returns domain objects or the
results of results.py; nothing here knows gRPC, protobuf or SQL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lms_course.handlers.categories import CategoryHandlers
from lms_course.handlers.common import SharedReads
from lms_course.handlers.courses import CourseHandlers
from lms_course.handlers.enrolment import EnrolmentHandlers
from lms_course.handlers.media import MediaHandlers
from lms_course.handlers.ports import CoursePages, CourseUnitOfWork, SearchPages, SubscriptionAccess
from lms_course.handlers.progress import ProgressHandlers
from lms_course.handlers.reviews import ReviewHandlers
from lms_course.handlers.search import SearchHandlers
from lms_course.handlers.structure import StructureHandlers
from lms_kit.domain import Clock, utc_now
from lms_kit.domain.money import DEFAULT_CURRENCIES

__all__ = [
    "CategoryHandlers",
    "CourseHandlers",
    "CourseUseCases",
    "EnrolmentHandlers",
    "MediaHandlers",
    "ProgressHandlers",
    "ReviewHandlers",
    "SearchHandlers",
    "SharedReads",
    "StructureHandlers",
]


@dataclass(frozen=True)
class CourseUseCases:
    """Every use case of the service, as the servicer calls them."""

    categories: CategoryHandlers
    courses: CourseHandlers
    structure: StructureHandlers
    enrolment: EnrolmentHandlers
    progress: ProgressHandlers
    reviews: ReviewHandlers
    search: SearchHandlers
    media: MediaHandlers

    @classmethod
    def build(
        cls,
        uow: Callable[[], CourseUnitOfWork],
        *,
        pages: CoursePages | None = None,
        search_pages: SearchPages | None = None,
        access: SubscriptionAccess | None = None,
        clock: Clock = utc_now,
        currencies: frozenset[str] = DEFAULT_CURRENCIES,
        verified_email_required: bool = False,
    ) -> CourseUseCases:
        """`pages`, `search_pages`: shared copies of public reads (none: every read
        queries); `access`: the subscription check of paid courses (none: refused)."""
        shared = SharedReads(pages, search_pages)
        return cls(
            categories=CategoryHandlers(uow, shared=shared),
            courses=CourseHandlers(uow, shared=shared, clock=clock, currencies=currencies),
            structure=StructureHandlers(uow, shared=shared, clock=clock),
            enrolment=EnrolmentHandlers(uow, access=access, clock=clock),
            progress=ProgressHandlers(uow, clock=clock),
            reviews=ReviewHandlers(
                uow, shared=shared, clock=clock, verified_email_required=verified_email_required
            ),
            search=SearchHandlers(uow, shared=shared),
            media=MediaHandlers(shared=shared, clock=clock),
        )
