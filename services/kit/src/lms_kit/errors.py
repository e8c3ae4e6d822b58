"""Domain error categories -> google.rpc.Status: one mapping for every service.

Handlers and the domain raise the pure categories of `lms_kit.domain.errors`; the kit's
server pipeline turns each into its gRPC code and a rich status with ErrorInfo (reason,
domain, metadata) plus, where they apply, BadRequest field violations, PreconditionFailure
or RetryInfo. Anything else becomes INTERNAL with nothing about the cause in the answer.

The categories are re-exported here so that kit modules and adapters can keep importing
them from one place.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import grpc
from google.protobuf import duration_pb2
from google.protobuf.message import Message
from google.rpc import code_pb2, error_details_pb2, status_pb2

from lms.type.v1 import errors_pb2
from lms_kit.domain.errors import (
    Aborted,
    Conflict,
    Denied,
    DomainError,
    Exhausted,
    FieldViolation,
    Invalid,
    NotFound,
    Precondition,
    PreconditionViolation,
    Unauthenticated,
    Unavailable,
)

__all__ = [
    "PLATFORM_DOMAIN",
    "PLATFORM_REASONS",
    "Aborted",
    "Conflict",
    "Denied",
    "DomainError",
    "Exhausted",
    "FieldViolation",
    "Invalid",
    "NotFound",
    "Precondition",
    "PreconditionViolation",
    "Unauthenticated",
    "Unavailable",
    "code_of",
    "internal_status",
    "reason_of",
    "to_status",
    "trailers_of",
]

PLATFORM_DOMAIN = "platform.lms"
# Reasons every service shares (lms.type.v1.ErrorReason) always say the platform's domain.
PLATFORM_REASONS = frozenset(errors_pb2.ErrorReason.keys()) - {"ERROR_REASON_UNSPECIFIED"}

# Most specific first is not needed: categories do not subclass each other.
_CODES: dict[type[DomainError], grpc.StatusCode] = {
    NotFound: grpc.StatusCode.NOT_FOUND,
    Conflict: grpc.StatusCode.ALREADY_EXISTS,
    Precondition: grpc.StatusCode.FAILED_PRECONDITION,
    Denied: grpc.StatusCode.PERMISSION_DENIED,
    Unauthenticated: grpc.StatusCode.UNAUTHENTICATED,
    Invalid: grpc.StatusCode.INVALID_ARGUMENT,
    Aborted: grpc.StatusCode.ABORTED,
    Unavailable: grpc.StatusCode.UNAVAILABLE,
    Exhausted: grpc.StatusCode.RESOURCE_EXHAUSTED,
}


def code_of(error: DomainError) -> grpc.StatusCode:
    """The gRPC code of an error's category (UNKNOWN for the bare base class)."""
    for cls in type(error).__mro__:
        code = _CODES.get(cls)
        if code is not None:
            return code
    return grpc.StatusCode.UNKNOWN


# Field or precondition violations one answer lists (ErrorInfo says how many there were).
MAX_VIOLATIONS_SHOWN = 25


def to_status(
    error: DomainError,
    default_domain: str = PLATFORM_DOMAIN,
    field_name: Callable[[str], str] | None = None,
) -> status_pb2.Status:
    """The rich status for `error`. Its ErrorInfo domain is the error's own, else
    `platform.lms` for a platform reason (INVALID_FIELDS...), else `default_domain`.
    `field_name` renames the paths of field violations (JSON names for REST callers)."""
    status = status_pb2.Status(code=code_of(error).value[0], message=error.message)
    domain = error.domain or (PLATFORM_DOMAIN if error.reason in PLATFORM_REASONS else default_domain)
    for detail in _details(error, domain, field_name):
        status.details.add().Pack(detail)
    return status


def trailers_of(error: DomainError) -> tuple[tuple[str, str], ...]:
    """Extra trailing metadata beside the rich status (`retry-after` for Exhausted)."""
    if isinstance(error, Exhausted) and error.retry_after_s is not None:
        return (("retry-after", str(max(1, math.ceil(error.retry_after_s)))),)
    return ()


def _details(error: DomainError, domain: str, field_name: Callable[[str], str] | None) -> list[Message]:
    metadata = dict(error.metadata)
    violations: list[Any] = list(getattr(error, "violations", ()))
    if len(violations) > MAX_VIOLATIONS_SHOWN:
        # The status travels in a trailer: a request with a thousand bad items would make
        # one too large for the gateway (a reset connection, a 503). The first ones do.
        metadata["violations_total"] = str(len(violations))
        metadata["violations_shown"] = str(MAX_VIOLATIONS_SHOWN)
        violations = violations[:MAX_VIOLATIONS_SHOWN]
    details: list[Message] = [
        error_details_pb2.ErrorInfo(reason=error.reason, domain=domain, metadata=metadata)
    ]
    if isinstance(error, Invalid):
        details.append(
            error_details_pb2.BadRequest(
                field_violations=[
                    error_details_pb2.BadRequest.FieldViolation(
                        field=field_name(v.field) if field_name else v.field,
                        description=v.description,
                        reason=v.reason,
                    )
                    for v in violations
                ]
            )
        )
    elif isinstance(error, Precondition) and violations:
        details.append(
            error_details_pb2.PreconditionFailure(
                violations=[
                    error_details_pb2.PreconditionFailure.Violation(
                        type=v.type, subject=v.subject, description=v.description
                    )
                    for v in violations
                ]
            )
        )
    elif isinstance(error, Exhausted) and error.retry_after_s is not None:
        delay = duration_pb2.Duration()
        delay.FromMilliseconds(int(error.retry_after_s * 1000))
        details.append(error_details_pb2.RetryInfo(retry_delay=delay))
    return details


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
