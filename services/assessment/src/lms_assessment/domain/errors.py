"""The assessment service's errors: kit categories with this service's reasons
(lms.assessment.v1.ErrorReason)."""

from __future__ import annotations

from lms_kit.domain import Denied, FieldViolation, Invalid, NotFound, Precondition, Unavailable


class ItemNotFound(NotFound):
    def __init__(self, item_id: str) -> None:
        name = f"items/{item_id}"
        super().__init__("ITEM_NOT_FOUND", f"{name} not found", metadata={"name": name})


class TitleBlank(Invalid):
    def __init__(self) -> None:
        super().__init__(
            [FieldViolation("item.title", "an item needs a title, not only spaces", "TITLE_BLANK")],
            reason="TITLE_BLANK",
        )


class ResourceNotFound(NotFound):
    """NOT_FOUND with reason `<KIND>_NOT_FOUND`; also what a caller who may not see it gets."""

    def __init__(self, kind: str, name: str) -> None:
        super().__init__(f"{kind.upper()}_NOT_FOUND", f"{name} not found", metadata={"name": name})


class QuestionInvalid(Invalid):
    """The question's definition breaks its type's rules; every problem is named."""

    def __init__(self, prefix: str, problems: list[tuple[str, str, str]]) -> None:
        super().__init__(
            [FieldViolation(f"{prefix}{path}", message, reason) for path, reason, message in problems],
            reason="QUESTION_INVALID",
        )


class QuizInvalid(Invalid):
    def __init__(self, violations: list[FieldViolation]) -> None:
        super().__init__(violations, reason="QUIZ_INVALID")


class NotTeacher(Denied):
    def __init__(self, course_id: str) -> None:
        super().__init__(
            "NOT_COURSE_TEACHER",
            f"only teachers of courses/{course_id} may do this",
            metadata={"course": course_id},
        )


class NotEnrolled(Denied):
    def __init__(self, course_id: str) -> None:
        super().__init__(
            "NOT_ENROLLED", f"enrol in courses/{course_id} first", metadata={"course": course_id}
        )


class QuizNotOpen(Precondition):
    def __init__(self, why: str) -> None:
        super().__init__("QUIZ_NOT_OPEN", why)


class QuizNotDraft(Precondition):
    def __init__(self) -> None:
        super().__init__(
            "QUIZ_ALREADY_PUBLISHED", "a published quiz keeps its questions; copy it to change them"
        )


class NoAttemptsLeft(Precondition):
    def __init__(self, allowed: int) -> None:
        super().__init__(
            "NO_ATTEMPTS_LEFT", f"all {allowed} attempts are used", metadata={"allowed": str(allowed)}
        )


class AttemptTooSoon(Precondition):
    def __init__(self, wait_s: int) -> None:
        super().__init__(
            "ATTEMPT_TOO_SOON",
            f"the next attempt may start in {wait_s} s",
            metadata={"wait_seconds": str(wait_s)},
        )


class AttemptInProgress(Precondition):
    def __init__(self, attempt_id: str) -> None:
        super().__init__(
            "ATTEMPT_IN_PROGRESS",
            "finish the open attempt first",
            metadata={"attempt": f"attempts/{attempt_id}"},
        )


class AttemptClosed(Precondition):
    """The attempt is finished, or its time is up: answers are no longer taken."""

    def __init__(self, state: str) -> None:
        super().__init__("ATTEMPT_CLOSED", f"the attempt is {state}; answers are no longer taken")


class AccessRefused(Denied):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(reason, message)


class NotAwaitingGrade(Precondition):
    def __init__(self) -> None:
        super().__init__("NOT_AWAITING_GRADE", "this answer is not waiting for a teacher's grade")


class GradeInvalid(Invalid):
    def __init__(self, field: str, message: str) -> None:
        super().__init__([FieldViolation(field, message, "GRADE_OUT_OF_RANGE")], reason="GRADE_OUT_OF_RANGE")


class NavigationRefused(Precondition):
    def __init__(self, slot: int) -> None:
        super().__init__("SEQUENTIAL_NAVIGATION", f"question {slot} was left and cannot be answered again")


class SessionSuperseded(Precondition):
    def __init__(self) -> None:
        super().__init__(
            "SESSION_SUPERSEDED", "the attempt was resumed in another session; resume it here first"
        )


class SlotUnknown(Invalid):
    def __init__(self, slot: int) -> None:
        super().__init__(
            [FieldViolation("answers", f"the attempt has no question {slot}", "SLOT_UNKNOWN")],
            reason="SLOT_UNKNOWN",
        )


class CourseUnavailable(Unavailable):
    def __init__(self) -> None:
        super().__init__("COURSE_UNAVAILABLE", "the course service did not answer; retry")
