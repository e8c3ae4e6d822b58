"""What every use case shares: the caller, the clock, the platform's commercial terms and
the ports (the course service, the providers) the handlers depend on."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from lms_payment.domain.errors import Precondition
from lms_payment.domain.model import CourseOffer, Provider
from lms_payment.domain.providers import PaymentGateway

log = logging.getLogger("lms_payment")

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Actor:
    """The caller as the handlers see it."""

    user_id: str
    is_admin: bool = False


@dataclass(frozen=True, slots=True)
class Terms:
    """The platform's commercial settings, frozen on each order when it is placed."""

    platform_fee_bps: int = 3_000
    referral_commission_bps: int = 1_000
    default_refund_window_days: int = 14
    order_expiry: timedelta = timedelta(hours=24)
    reconcile_after: timedelta = timedelta(minutes=15)


class Catalog(Protocol):
    async def offer(self, course_id: str) -> CourseOffer: ...
    async def enroll_paid(self, *, course_id: str, user_id: str, order_id: str) -> None: ...
    async def revoke(self, *, order_id: str, reason: str) -> None: ...


UnitOfWorkFactory = Callable[[], Any]  # -> adapters.repository.SqlUnitOfWork (or a fake)


@dataclass
class Deps:
    uow: UnitOfWorkFactory
    catalog: Catalog
    gateways: Mapping[Provider, PaymentGateway]
    terms: Terms = field(default_factory=Terms)
    clock: Clock = utcnow

    def gateway(self, provider: Provider) -> PaymentGateway:
        gateway = self.gateways.get(provider)
        if gateway is None:
            raise Precondition("PROVIDER_NOT_CONFIGURED", f"payment provider {provider} is not configured")
        return gateway
