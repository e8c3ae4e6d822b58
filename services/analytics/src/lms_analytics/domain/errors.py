"""The analytics service's domain errors (ErrorInfo domain analytics.lms)."""

from __future__ import annotations

from lms_kit.domain.errors import Denied, FieldViolation, Invalid, Unavailable


class InvalidClientEvents(Invalid):
    def __init__(self, violations: list[FieldViolation]) -> None:
        super().__init__(violations)


class NotCourseTeacher(Denied):
    def __init__(self, course_id: str) -> None:
        super().__init__(
            "NOT_COURSE_TEACHER", f"only a teacher of courses/{course_id} may read its analytics"
        )


class CourseUnavailable(Unavailable):
    def __init__(self) -> None:
        super().__init__("COURSE_SERVICE_UNAVAILABLE", "the course service cannot be reached")
