"""The payment service's use cases, one module per capability; `Handlers` wires them over
the same dependencies (units of work, the course service, the providers, the terms)."""

from __future__ import annotations

from dataclasses import dataclass

from lms_payment.handlers.common import Deps, Terms
from lms_payment.handlers.coupons import CouponHandlers
from lms_payment.handlers.earnings import EarningsHandlers
from lms_payment.handlers.orders import OrderHandlers
from lms_payment.handlers.payouts import PayoutHandlers
from lms_payment.handlers.reconcile import Reconciler
from lms_payment.handlers.referrals import ReferralHandlers
from lms_payment.handlers.refunds import RefundHandlers
from lms_payment.handlers.saga import EnrolmentSaga
from lms_payment.handlers.subscriptions import SubscriptionHandlers
from lms_payment.handlers.webhooks import WebhookHandlers


@dataclass
class Handlers:
    orders: OrderHandlers
    webhooks: WebhookHandlers
    refunds: RefundHandlers
    saga: EnrolmentSaga
    coupons: CouponHandlers
    subscriptions: SubscriptionHandlers
    earnings: EarningsHandlers
    payouts: PayoutHandlers
    referrals: ReferralHandlers
    reconciler: Reconciler
    deps: Deps

    @classmethod
    def build(cls, deps: Deps) -> Handlers:
        refunds = RefundHandlers(deps)
        return cls(
            orders=OrderHandlers(deps),
            webhooks=WebhookHandlers(deps),
            refunds=refunds,
            saga=EnrolmentSaga(deps, refunds),
            coupons=CouponHandlers(deps),
            subscriptions=SubscriptionHandlers(deps),
            earnings=EarningsHandlers(deps),
            payouts=PayoutHandlers(deps),
            referrals=ReferralHandlers(deps),
            reconciler=Reconciler(deps, refunds),
            deps=deps,
        )


__all__ = ["Deps", "Handlers", "Terms"]
