"""Domain errors. Each carries a stable `reason` (lms.course.v1.ErrorReason); the
servicer layer maps them to gRPC statuses (mappers.to_rpc_error)."""

from __future__ import annotations


class CourseDomainError(Exception):
    reason: str = ""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(CourseDomainError):
    """A resource does not exist or is not visible to the caller."""

    def __init__(self, reason: str, name: str) -> None:
        super().__init__(f"{name} not found")
        self.reason = reason
        self.name = name


class CourseNotFound(NotFound):
    def __init__(self, course_id: str) -> None:
        super().__init__("COURSE_NOT_FOUND", f"courses/{course_id}")


class Denied(CourseDomainError):
    """The caller may not do this (checked with data the access policy cannot see)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class Precondition(CourseDomainError):
    """The operation does not fit the current state (FAILED_PRECONDITION)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class PrerequisitesNotMet(Precondition):
    def __init__(self, missing_course_ids: list[str]) -> None:
        super().__init__("PREREQUISITES_NOT_MET", "complete the prerequisite courses first")
        self.missing = missing_course_ids


class Conflict(CourseDomainError):
    """ALREADY_EXISTS."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class Unavailable(CourseDomainError):
    """A service this one must ask did not answer; nothing was changed (UNAVAILABLE)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class InvalidField(CourseDomainError):
    """A value breaks a rule the contract cannot express; `field` names it."""

    reason = "INVALID_FIELDS"

    def __init__(self, field: str, code: str, description: str) -> None:
        super().__init__(description)
        self.field = field
        self.code = code


class UpdateMaskInvalid(CourseDomainError):
    reason = "UPDATE_MASK_INVALID"

    def __init__(self, paths: list[str]) -> None:
        super().__init__(f"these fields cannot be updated: {', '.join(paths)}")
        self.paths = paths
