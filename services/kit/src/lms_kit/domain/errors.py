"""Domain error categories: what went wrong, in the domain's words, with no transport.

Handlers and aggregates raise these; the kit maps each category to one gRPC status with
`google.rpc.ErrorInfo` (reason, domain, metadata) and, where it applies, `BadRequest`,
`PreconditionFailure` or `RetryInfo` (lms_kit.errors.to_status). A service's own errors
subclass a category and fix their reason:

    class CourseNotFound(NotFound):
        def __init__(self, course_id: str) -> None:
            super().__init__("COURSE_NOT_FOUND", f"courses/{course_id} not found",
                             metadata={"name": f"courses/{course_id}"})

`domain` (ErrorInfo.domain) defaults to the raising service's error domain
(`course.lms`); the kit's own errors say `platform.lms`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lms_kit.domain.actor import Actor


@dataclass(frozen=True, slots=True)
class FieldViolation:
    """One bad request field: `field` is a dotted path (`course.title`, `tags[2]`)."""

    field: str
    description: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class PreconditionViolation:
    """One unmet condition: its `type` (e.g. PREREQUISITE), the `subject` it is about
    (a resource name) and what to do."""

    type: str
    subject: str
    description: str


class DomainError(Exception):
    """Base of every error a caller is meant to see. Use a category below, not this."""

    def __init__(
        self,
        reason: str,
        message: str,
        *,
        metadata: Mapping[str, str] | None = None,
        domain: str | None = None,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.metadata = dict(metadata or {})
        self.domain = domain


class NotFound(DomainError):
    """The resource does not exist, or the caller may not know that it does."""

    @classmethod
    def resource(cls, reason: str, name: str) -> NotFound:
        """`<name> not found`, with the name in the metadata."""
        return cls(reason, f"{name} not found", metadata={"name": name})


class Conflict(DomainError):
    """The thing to create exists already (ALREADY_EXISTS)."""


class Precondition(DomainError):
    """The operation does not fit the current state (FAILED_PRECONDITION); `violations`
    say which conditions are unmet."""

    def __init__(
        self,
        reason: str,
        message: str,
        *,
        violations: Iterable[PreconditionViolation] = (),
        metadata: Mapping[str, str] | None = None,
        domain: str | None = None,
    ) -> None:
        super().__init__(reason, message, metadata=metadata, domain=domain)
        self.violations = list(violations)


class Denied(DomainError):
    """The caller may not do this (PERMISSION_DENIED), decided with data the contract's
    access policy cannot see (ownership, enrolment)."""


class Unauthenticated(DomainError):
    """The caller's identity could not be established (UNAUTHENTICATED)."""


class AccountInactive(Unauthenticated):
    """The token is valid but its account was suspended or deleted, or never existed
    (platform reason ACCOUNT_INACTIVE): the client's session is over."""

    def __init__(self, why: str) -> None:
        super().__init__("ACCOUNT_INACTIVE", f"{why}; sign in again")


class Invalid(DomainError):
    """Bad input (INVALID_ARGUMENT): every bad field at once, as field violations."""

    def __init__(
        self,
        violations: Iterable[FieldViolation],
        message: str = "",
        *,
        reason: str = "INVALID_FIELDS",
        metadata: Mapping[str, str] | None = None,
        domain: str | None = None,
    ) -> None:
        self.violations = list(violations)
        if not message:
            message = "; ".join(f"{v.field}: {v.description}" for v in self.violations) or "invalid request"
        super().__init__(reason, message, metadata=metadata, domain=domain)

    @classmethod
    def field(cls, field: str, reason: str, description: str) -> Invalid:
        """One bad field: `Invalid.field("course.title", "REQUIRED", "a course needs a title")`."""
        return cls([FieldViolation(field, description, reason)])

    def relocated(self, prefix: str, to: str = "") -> Invalid:
        """The same refusal with the fields under `prefix` moved under `to`, for a domain rule
        that two requests carry at different paths (`user.display_name` in an update, plain
        `display_name` in a registration). Reason, message, metadata and domain are kept."""
        moved = [
            FieldViolation(to + v.field.removeprefix(prefix), v.description, v.reason)
            if v.field.startswith(prefix)
            else v
            for v in self.violations
        ]
        return Invalid(moved, self.message, reason=self.reason, metadata=self.metadata, domain=self.domain)


class Aborted(DomainError):
    """A concurrency conflict (a lost race, a stale version); retrying may succeed."""


class Unavailable(DomainError):
    """Something this service depends on did not answer; nothing was changed; retry later."""


class Exhausted(DomainError):
    """A quota or rate is used up (RESOURCE_EXHAUSTED); `retry_after_s` when known."""

    def __init__(
        self,
        reason: str,
        message: str,
        *,
        retry_after_s: float | None = None,
        metadata: Mapping[str, str] | None = None,
        domain: str | None = None,
    ) -> None:
        super().__init__(reason, message, metadata=metadata, domain=domain)
        self.retry_after_s = retry_after_s


class EmailNotVerified(Precondition):
    """The caller's account has not verified its email address, and this needs it."""

    def __init__(self, what: str) -> None:
        super().__init__(
            "EMAIL_NOT_VERIFIED",
            f"verify your email address to {what} (use the mailed link, then refresh your access token)",
        )


def require_verified_email(actor: Actor, what: str, *, required: bool = True) -> None:
    """Raise EmailNotVerified unless `actor` (an Actor) carries a verified email, or the
    deployment does not require one (`required` False: LMS_VERIFIED_EMAIL_REQUIRED)."""
    if required and not actor.email_verified:
        raise EmailNotVerified(what)
