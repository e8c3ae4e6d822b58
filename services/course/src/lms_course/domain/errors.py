"""The course service's domain errors. Each is one of the kit's categories
(lms_kit.domain.errors) with a stable reason of lms.course.v1.ErrorReason; the kit's
pipeline turns it into the gRPC status (domain `course.lms`)."""

from __future__ import annotations

from collections.abc import Sequence

from lms_kit.domain import (
    Conflict,
    Denied,
    FieldViolation,
    Invalid,
    NotFound,
    Precondition,
    PreconditionViolation,
    Unavailable,
)

# -- not found (metadata `name`) --------------------------------------------------


class CourseNotFound(NotFound):
    """Also what a caller who may not see a draft is told, so its existence does not leak."""

    def __init__(self, course_id: str) -> None:
        name = f"courses/{course_id}"
        super().__init__("COURSE_NOT_FOUND", f"{name} not found", metadata={"name": name})


class CategoryNotFound(NotFound):
    def __init__(self, category_id: str) -> None:
        name = f"categories/{category_id}"
        super().__init__("CATEGORY_NOT_FOUND", f"{name} not found", metadata={"name": name})


class ChapterNotFound(NotFound):
    def __init__(self, course_id: str, chapter_id: str) -> None:
        name = f"courses/{course_id}/chapters/{chapter_id}"
        super().__init__("CHAPTER_NOT_FOUND", f"{name} not found", metadata={"name": name})


class LectureNotFound(NotFound):
    def __init__(self, course_id: str, chapter_id: str, lecture_id: str) -> None:
        name = f"courses/{course_id}/chapters/{chapter_id}/lectures/{lecture_id}"
        super().__init__("LECTURE_NOT_FOUND", f"{name} not found", metadata={"name": name})


class EnrollmentNotFound(NotFound):
    def __init__(self, name: str) -> None:
        super().__init__("ENROLLMENT_NOT_FOUND", f"{name} not found", metadata={"name": name})

    @classmethod
    def of(cls, course_id: str, user_id: str) -> EnrollmentNotFound:
        return cls(f"courses/{course_id}/enrollments/{user_id}")


class ReviewNotFound(NotFound):
    def __init__(self, course_id: str, user_id: str) -> None:
        name = f"courses/{course_id}/reviews/{user_id}"
        super().__init__("REVIEW_NOT_FOUND", f"{name} not found", metadata={"name": name})


# -- denied (checked with data the access policy cannot see) ----------------------


class NotCourseInstructor(Denied):
    def __init__(self, message: str = "only the course's teachers or an administrator may do this") -> None:
        super().__init__("NOT_COURSE_INSTRUCTOR", message)


class NotCourseOwner(Denied):
    def __init__(self) -> None:
        super().__init__("NOT_COURSE_OWNER", "only the owner or an administrator may change instructors")


class NotEnrolled(Denied):
    def __init__(self, message: str = "enrol in the course first") -> None:
        super().__init__("NOT_ENROLLED", message)


class NotReviewAuthor(Denied):
    def __init__(self) -> None:
        super().__init__("NOT_REVIEW_AUTHOR", "only the author may edit a review")


# -- preconditions ----------------------------------------------------------------


class CourseArchived(Precondition):
    def __init__(self) -> None:
        super().__init__("COURSE_ARCHIVED", "an archived course cannot be published again")


class CourseHasNoLectures(Precondition):
    def __init__(self, message: str = "a course needs at least one lecture to publish") -> None:
        super().__init__("COURSE_HAS_NO_LECTURES", message)


class LecturesWithoutContent(Precondition):
    def __init__(self, lecture_names: Sequence[str]) -> None:
        super().__init__(
            "LECTURE_CONTENT_MISSING",
            f"{len(lecture_names)} lecture(s) have nothing to show yet: give each its video, text, "
            "attachment or quiz, or delete it",
            violations=[
                PreconditionViolation("LECTURE_CONTENT", name, "add the lecture's content")
                for name in lecture_names
            ],
        )


class CourseNotPublished(Precondition):
    def __init__(self) -> None:
        super().__init__("COURSE_NOT_PUBLISHED", "the course is not open for enrolment")


class CourseNotFree(Precondition):
    def __init__(self) -> None:
        super().__init__("COURSE_NOT_FREE", "this course is bought through the payment service")


class PrerequisitesNotMet(Precondition):
    """One PreconditionFailure violation per course still to complete, and their names
    (comma-separated) in the ErrorInfo metadata `missing`."""

    def __init__(self, missing_course_ids: Sequence[str]) -> None:
        self.missing = list(missing_course_ids)
        names = [f"courses/{course_id}" for course_id in self.missing]
        super().__init__(
            "PREREQUISITES_NOT_MET",
            f"complete the prerequisite courses first: {', '.join(names)}",
            violations=[
                PreconditionViolation("PREREQUISITE", name, "this course must be completed first")
                for name in names
            ],
            metadata={"missing": ",".join(names)},
        )


class PrerequisiteCycle(Precondition):
    def __init__(self) -> None:
        super().__init__("PREREQUISITE_CYCLE", "these prerequisites would form a cycle")


class CategoryCycle(Precondition):
    def __init__(self) -> None:
        super().__init__("CATEGORY_CYCLE", "a category cannot move under itself or its descendants")


class OrderIdReused(Precondition):
    def __init__(self) -> None:
        super().__init__("ORDER_ID_REUSED", "this order id enrolled another learner or course")


class LectureNotVideo(Precondition):
    def __init__(self) -> None:
        super().__init__("LECTURE_NOT_VIDEO", "only video lectures have a position")


# -- conflicts --------------------------------------------------------------------


class CategorySlugTaken(Conflict):
    def __init__(self, slug: str) -> None:
        super().__init__("CATEGORY_SLUG_TAKEN", f"the slug {slug!r} is taken")


class ReviewAlreadyExists(Conflict):
    def __init__(self) -> None:
        super().__init__("REVIEW_ALREADY_EXISTS", "you already reviewed this course; edit your review")


# -- another service --------------------------------------------------------------


class PaymentUnavailable(Unavailable):
    """The payment service did not answer the subscription check; nothing was recorded."""

    def __init__(self, message: str = "the payment service did not answer") -> None:
        super().__init__("PAYMENT_UNAVAILABLE", message)


# -- bad input the contract cannot state ------------------------------------------


class InvalidField(Invalid):
    """One field breaks a rule the contract cannot express: `field` names it, `code` is
    the violation's reason (REQUIRED, DUPLICATE, MIN...)."""

    def __init__(self, field: str, code: str, description: str) -> None:
        super().__init__([FieldViolation(field, description, code)], description)


class UpdateMaskInvalid(Invalid):
    """An update names fields the use case cannot change (or none)."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = list(paths)
        super().__init__(
            [FieldViolation("update_mask", f"cannot update {p!r}", "UNKNOWN_FIELD") for p in self.paths],
            f"these fields cannot be updated: {', '.join(self.paths)}",
            reason="UPDATE_MASK_INVALID",
        )
