"""The course domain: plain Python, no SQL, no protobuf.

`Course` is the aggregate that guards the lifecycle (draft -> published -> archived)
and who may edit it; chapters and lectures are its structure, kept in dense order
by the use cases (domain/ordering.py). The events it raises are collected by the unit
of work and written to the outbox in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from lms_course.domain.enums import CourseState, EnrollmentSource, EnrollmentState, LectureKind, Level
from lms_course.domain.errors import CourseArchived, CourseHasNoLectures, InvalidField, LecturesWithoutContent
from lms_course.domain.events import CourseChanged, CoursePublished
from lms_kit.domain import Actor, Aggregate
from lms_kit.domain.money import Money

# A course without a price: no amount, no currency.
FREE = Money(0, "")

# -- catalogue --------------------------------------------------------------------


@dataclass(slots=True)
class Category:
    id: str
    parent_id: str | None
    slug: str
    display_name: str
    position: int
    path: str  # materialised: /root/.../id/

    @property
    def depth(self) -> int:
        return self.path.strip("/").count("/")


@dataclass(slots=True)
class RatingSummary:
    count: int = 0
    total: int = 0
    histogram: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)

    @property
    def average(self) -> float:
        return self.total / self.count if self.count else 0.0


COURSE_FIELDS = (
    "title",
    "subtitle",
    "description",
    "category",
    "level",
    "language",
    "tags",
    "thumbnail",
    "price",
    "instructors",
    "prerequisites",
    "refund_window_days",
)
OWNER_ONLY_FIELDS = frozenset({"instructors"})


@dataclass(slots=True)
class CourseDetails:
    """The editable fields of a course (values for the fields an update names)."""

    title: str = ""
    subtitle: str = ""
    description: str = ""
    category_id: str | None = None
    level: Level = Level.UNSPECIFIED
    language: str = ""
    tags: tuple[str, ...] = ()
    thumbnail: str = ""
    price: Money = FREE
    instructor_ids: tuple[str, ...] = ()
    prerequisite_ids: tuple[str, ...] = ()
    # Days after purchase a learner may ask for a full refund; None: the payment
    # service's default; 0: no learner refunds.
    refund_window_days: int | None = None

    @property
    def is_free(self) -> bool:
        return self.price.is_zero


MAX_REFUND_WINDOW_DAYS = 365


@dataclass(slots=True)
class Course(Aggregate):
    id: str
    owner_id: str
    details: CourseDetails
    state: CourseState
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None = None
    rating: RatingSummary = field(default_factory=RatingSummary)
    enrollment_count: int = 0
    # Read model, counted from the lectures on every read (never stored on the course).
    lecture_count: int = 0
    total_duration_s: int = 0

    @classmethod
    def create(cls, *, course_id: str, owner_id: str, details: CourseDetails, now: datetime) -> Course:
        check_details(details, set(COURSE_FIELDS))
        if not details.title.strip():
            raise InvalidField("course.title", "REQUIRED", "a course needs a title")
        return cls(course_id, owner_id, details, CourseState.DRAFT, now, now)

    # -- who may do what --

    def is_teacher(self, actor: Actor) -> bool:
        return bool(actor.user_id) and (
            actor.user_id == self.owner_id or actor.user_id in self.details.instructor_ids
        )

    def can_edit(self, actor: Actor) -> bool:
        return actor.is_admin or self.is_teacher(actor)

    def is_visible_to(self, actor: Actor) -> bool:
        return self.state is not CourseState.DRAFT or self.can_edit(actor)

    @property
    def looks_the_same_to_everyone(self) -> bool:
        """Published and archived courses show every caller the same detail (drafts
        only their teachers): one copy may be shared."""
        return self.state is not CourseState.DRAFT

    # -- lifecycle --

    def publish(self, *, lecture_count: int, now: datetime, without_content: Sequence[str] = ()) -> bool:
        """Enter the catalogue; False if it already is there. A course with no lectures,
        or with lectures that have nothing to show (`without_content`: their names),
        cannot be published; an archived one stays archived."""
        if self.state is CourseState.PUBLISHED:
            return False
        if self.state is CourseState.ARCHIVED:
            raise CourseArchived()
        if lecture_count <= 0:
            raise CourseHasNoLectures()
        if without_content:
            raise LecturesWithoutContent(without_content)
        self.state = CourseState.PUBLISHED
        self.published_at = self.published_at or now
        self.updated_at = now
        self.raise_event(CoursePublished(self.id, self.owner_id, self.details.title, now))
        self.raise_event(CourseChanged(self.id, now))
        return True

    def archive(self, now: datetime) -> bool:
        if self.state is CourseState.ARCHIVED:
            return False
        self.state = CourseState.ARCHIVED
        self.updated_at = now
        self.raise_event(CourseChanged(self.id, now))
        return True

    def update(self, fields: set[str], values: CourseDetails, now: datetime) -> None:
        check_details(values, fields)
        if "title" in fields and not values.title.strip():
            raise InvalidField("course.title", "REQUIRED", "a course needs a title")
        for name in fields:
            attribute = _DETAIL_ATTRIBUTE[name]
            setattr(self.details, attribute, getattr(values, attribute))
        if fields:
            self.changed(now)

    def changed(self, now: datetime) -> None:
        """The course detail (or structure) changed: shared copies must drop it."""
        self.updated_at = now
        if not any(isinstance(e, CourseChanged) for e in self.pending_events):
            self.raise_event(CourseChanged(self.id, now))


_DETAIL_ATTRIBUTE = {
    "title": "title",
    "subtitle": "subtitle",
    "description": "description",
    "category": "category_id",
    "level": "level",
    "language": "language",
    "tags": "tags",
    "thumbnail": "thumbnail",
    "price": "price",
    "instructors": "instructor_ids",
    "prerequisites": "prerequisite_ids",
    "refund_window_days": "refund_window_days",
}


def checked_price(price: Money, currencies: frozenset[str] | None = None) -> Money:
    """The price as it is stored: FREE, or an amount in a supported ISO 4217 currency.

    A course is free only when that is said plainly (no price, or no amount and no
    currency): an amount of 0 *with* a currency is what a mistyped field name leaves
    behind (`{"currencyCode": "USD", "units": "49"}` drops `units`), so it is refused
    rather than silently publishing a paid course for free. `currencies`: the supported
    codes (LMS_SUPPORTED_CURRENCIES), checked by the use cases; None checks the shape only."""
    field = "course.price.currency_code"
    if price.amount_minor < 0:
        raise InvalidField("course.price.amount_minor", "MIN", "a price cannot be negative")
    if price.amount_minor == 0:
        if price.currency:
            raise InvalidField(
                "course.price.amount_minor",
                "PRICE_AMBIGUOUS",
                f"a price of 0 {price.currency}: send amountMinor above 0 for a paid course, or leave "
                "price out for a free one",
            )
        return FREE
    if not price.currency:
        raise InvalidField(field, "REQUIRED", "a price needs a currency")
    if currencies is not None and price.currency not in currencies:
        hint = f"; did you mean {price.currency.upper()!r}?" if price.currency.upper() in currencies else ""
        raise InvalidField(
            field,
            "CURRENCY_UNSUPPORTED",
            f"{price.currency!r} is not a supported currency (one of {', '.join(sorted(currencies))}){hint}",
        )
    return price


def check_details(details: CourseDetails, fields: set[str]) -> None:
    """Rules the contract cannot state (it checks lengths and formats)."""
    if "price" in fields:
        checked_price(details.price)
    if "tags" in fields and len({t.lower() for t in details.tags}) != len(details.tags):
        raise InvalidField("course.tags", "DUPLICATE", "tags must be distinct")
    if "refund_window_days" in fields and details.refund_window_days is not None:
        # The contract states the same bounds; this keeps the rule for callers without it.
        days = details.refund_window_days
        if days < 0:
            raise InvalidField("course.refund_window_days", "MIN", "must be at least 0")
        if days > MAX_REFUND_WINDOW_DAYS:
            raise InvalidField(
                "course.refund_window_days", "MAX", f"must be at most {MAX_REFUND_WINDOW_DAYS}"
            )


# -- structure --------------------------------------------------------------------


@dataclass(slots=True)
class LectureContent:
    kind: LectureKind = LectureKind.NONE
    asset: str = ""  # video asset, attachment file or quiz reference
    duration_s: int = 0
    body: str = ""  # article text


@dataclass(slots=True)
class Lecture:
    id: str
    course_id: str
    chapter_id: str
    title: str
    position: int
    free_preview: bool = False
    content: LectureContent = field(default_factory=LectureContent)

    @property
    def name(self) -> str:
        return f"courses/{self.course_id}/chapters/{self.chapter_id}/lectures/{self.id}"

    @property
    def has_content(self) -> bool:
        """Whether a learner would find something here: a video, attachment or quiz
        needs its asset, an article its text."""
        content = self.content
        if content.kind is LectureKind.ARTICLE:
            return bool(content.body.strip())
        if content.kind in (LectureKind.VIDEO, LectureKind.ATTACHMENT, LectureKind.QUIZ):
            return bool(content.asset.strip())
        return False


@dataclass(slots=True)
class Chapter:
    id: str
    course_id: str
    title: str
    position: int
    lectures: list[Lecture] = field(default_factory=list)


# -- learners ---------------------------------------------------------------------


@dataclass(slots=True)
class Enrollment:
    course_id: str
    user_id: str
    state: EnrollmentState
    source: EnrollmentSource
    order_id: str
    enrolled_at: datetime
    ended_at: datetime | None = None
    completed_at: datetime | None = None
    completed_lectures: int = 0
    lecture_count: int = 0
    course_title: str = ""

    @property
    def is_active(self) -> bool:
        return self.state is EnrollmentState.ACTIVE


@dataclass(frozen=True, slots=True)
class CourseAccess:
    """The payment service's answer: does a subscription of the learner's open this course?"""

    granted: bool
    subscription_id: str = ""
    until: datetime | None = None


NO_ACCESS = CourseAccess(False)


@dataclass(slots=True)
class Review:
    course_id: str
    user_id: str
    rating: int
    text: str
    created_at: datetime
    updated_at: datetime
    reply: str = ""
    replied_at: datetime | None = None


def check_rating(rating: int) -> None:
    if not 1 <= rating <= 5:
        raise InvalidField("review.rating", "RANGE", "a rating is 1 to 5 stars")
