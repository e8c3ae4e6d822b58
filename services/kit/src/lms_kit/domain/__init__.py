"""The pure part of the kit that a service's domain and handlers may import.

Nothing here imports gRPC, protobuf, SQLAlchemy or asyncio: error categories, the
aggregate base that collects domain events, the caller as a use case sees it, the
clock, money, and the unit-of-work protocol handlers are written against.
"""

from lms_kit.domain.actor import Actor
from lms_kit.domain.aggregate import Aggregate
from lms_kit.domain.clock import Clock, utc_now
from lms_kit.domain.errors import (
    Aborted,
    AccountInactive,
    Conflict,
    Denied,
    DomainError,
    EmailNotVerified,
    Exhausted,
    FieldViolation,
    Invalid,
    NotFound,
    Precondition,
    PreconditionViolation,
    Unauthenticated,
    Unavailable,
    require_verified_email,
)
from lms_kit.domain.uow import UnitOfWork

__all__ = [
    "Aborted",
    "AccountInactive",
    "Actor",
    "Aggregate",
    "Clock",
    "Conflict",
    "Denied",
    "DomainError",
    "EmailNotVerified",
    "Exhausted",
    "FieldViolation",
    "Invalid",
    "NotFound",
    "Precondition",
    "PreconditionViolation",
    "Unauthenticated",
    "Unavailable",
    "UnitOfWork",
    "require_verified_email",
    "utc_now",
]
