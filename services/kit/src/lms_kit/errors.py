"""Domain errors and their mapping to google.rpc.Status.

Handlers and the domain raise these; the kit's server pipeline turns them into
a rich status with ErrorInfo (reason, domain) and, where they apply,
BadRequest field violations or RetryInfo. Anything else becomes INTERNAL with
no internals in the message.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import grpc
from google.protobuf import duration_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2

PLATFORM_DOMAIN = "platform.lms"


@dataclass(frozen=True, slots=True)
class FieldViolation:
    """One bad request field: `field` is a dotted path (`widget.title`, `tags[2]`)."""

    field: str
    description: str
    reason: str = ""


class DomainError(Exception):
    """Base of every error a client is meant to see. Subclasses fix the status code."""

    code: grpc.StatusCode = grpc.StatusCode.UNKNOWN

    def __init__(
        self,
        reason: str,
        message: str,
        *,
        domain: str = PLATFORM_DOMAIN,
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.domain = domain
        self.metadata = dict(metadata or {})

    def details(self) -> list[object]:
        return [error_details_pb2.ErrorInfo(reason=self.reason, domain=self.domain, metadata=self.metadata)]

    def trailers(self) -> tuple[tuple[str, str], ...]:
        """Extra trailing metadata (e.g. `retry-after`), beside the rich status."""
        return ()

    def to_status(self) -> status_pb2.Status:
        status = status_pb2.Status(code=self.code.value[0], message=self.message)
        for detail in self.details():
            status.details.add().Pack(detail)
        return status


class InvalidArgument(DomainError):
    code = grpc.StatusCode.INVALID_ARGUMENT

    def __init__(
        self,
        violations: Iterable[FieldViolation],
        message: str = "",
        *,
        reason: str = "INVALID_FIELDS",
        domain: str = PLATFORM_DOMAIN,
    ) -> None:
        self.violations = list(violations)
        if not message:
            message = "; ".join(f"{v.field}: {v.description}" for v in self.violations) or "invalid request"
        super().__init__(reason, message, domain=domain)

    def details(self) -> list[object]:
        bad_request = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(
                    field=v.field, description=v.description, reason=v.reason
                )
                for v in self.violations
            ]
        )
        return [*super().details(), bad_request]


class NotFound(DomainError):
    code = grpc.StatusCode.NOT_FOUND


class AlreadyExists(DomainError):
    code = grpc.StatusCode.ALREADY_EXISTS


class FailedPrecondition(DomainError):
    code = grpc.StatusCode.FAILED_PRECONDITION


class Aborted(DomainError):
    """A concurrency conflict (stale etag, lost race); the client may retry."""

    code = grpc.StatusCode.ABORTED


class PermissionDenied(DomainError):
    code = grpc.StatusCode.PERMISSION_DENIED


class Unauthenticated(DomainError):
    code = grpc.StatusCode.UNAUTHENTICATED


class Unavailable(DomainError):
    code = grpc.StatusCode.UNAVAILABLE


class ResourceExhausted(DomainError):
    code = grpc.StatusCode.RESOURCE_EXHAUSTED

    def __init__(self, reason: str, message: str, *, retry_after_s: float, **kwargs: object) -> None:
        super().__init__(reason, message, **kwargs)  # type: ignore[arg-type]
        self.retry_after_s = retry_after_s

    def trailers(self) -> tuple[tuple[str, str], ...]:
        return (("retry-after", str(max(1, math.ceil(self.retry_after_s)))),)

    def details(self) -> list[object]:
        delay = duration_pb2.Duration()
        delay.FromMilliseconds(int(self.retry_after_s * 1000))
        return [*super().details(), error_details_pb2.RetryInfo(retry_delay=delay)]


def internal_status() -> status_pb2.Status:
    """The status for an unexpected failure: nothing about the cause leaks."""
    status = status_pb2.Status(code=code_pb2.INTERNAL, message="internal error")
    status.details.add().Pack(error_details_pb2.ErrorInfo(reason="INTERNAL_ERROR", domain=PLATFORM_DOMAIN))
    return status


def reason_of(error: grpc.aio.AioRpcError) -> str:
    """The ErrorInfo reason a failed call (to another service) carried, or ""."""
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin" and isinstance(value, bytes):
            for detail in status_pb2.Status.FromString(value).details:
                info = error_details_pb2.ErrorInfo()
                if detail.Unpack(info):
                    return info.reason
    return ""
