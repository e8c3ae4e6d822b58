"""Use cases of orders: price a course, place an order, confirm a Razorpay checkout, read
orders and receipts."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from lms_kit.domain import Actor, EmailNotVerified
from lms_kit.domain.money import Money
from lms_payment.domain.coupons import normalise_code
from lms_payment.domain.errors import (
    CheckoutRejected,
    CouponNotFound,
    CourseNotPurchasable,
    CoursePriceInvalid,
    OrderNotFound,
    OrderNotPaid,
    ProviderNotConfigured,
    RequestIdReused,
    WrongProvider,
)
from lms_payment.domain.model import CourseOffer, Order, OrderState, Provider, Referral, RefundStatus
from lms_payment.domain.providers import PaymentStatus
from lms_payment.handlers import settlement
from lms_payment.handlers.common import Deps, log
from lms_payment.handlers.ports import PaymentUnitOfWork
from lms_payment.handlers.results import After, OrderFilter, Price, Receipt


class OrderHandlers:
    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def _price(self, course_id: str, coupon_code: str, now: datetime) -> tuple[Price, CourseOffer]:
        offer = await self._deps.catalog.offer(course_id)
        if not offer.published or offer.price is None:
            raise CourseNotPurchasable(course_id)
        if offer.price.currency not in self._deps.terms.currencies:  # stored before currencies were checked
            raise CoursePriceInvalid(course_id, f"currency {offer.price.currency!r} is not supported")
        coupon = None
        discount = Money.zero(offer.price.currency)
        if coupon_code:
            code = normalise_code(coupon_code)
            async with self._deps.uow() as uow:
                coupon = await uow.coupons.get(code)
            if coupon is None:
                raise CouponNotFound(code)
            discount = coupon.discount_for(offer.price, course_id, now)
        return Price(offer.price, discount, coupon), offer

    async def preview_price(self, course_id: str, coupon_code: str) -> Price:
        price, _ = await self._price(course_id, coupon_code, self._deps.clock())
        return price

    async def create_order(
        self,
        *,
        user_id: str,
        course_id: str,
        provider: Provider,
        request_id: str,
        coupon_code: str = "",
        referral_code: str = "",
        email_verified: bool = True,
    ) -> Order:
        """A pending order at the course's current price less the coupon, with a payment opened
        at the provider (or, when the coupon covers everything, an order paid at once).

        Idempotent by (learner, request_id): a retry returns the same order; if the first call
        stopped before the provider answered, the retry opens the payment with the same
        idempotency key, so the provider still creates one payment. The coupon's redemption is
        taken in the order's own transaction, so its limits hold under concurrent checkouts.
        """
        deps = self._deps
        if provider is Provider.FREE:
            raise ProviderNotConfigured("FREE is not a provider one can pay with")
        async with deps.uow() as uow:
            order = await uow.orders.by_request(user_id, request_id)
        if order is None:
            # The course and its price first: an unknown or free course, a bad coupon, or an
            # order a coupon makes free (paid at once) never needs the provider.
            price, offer = await self._price(course_id, coupon_code, deps.clock())
            if deps.terms.verified_email_required and not email_verified:
                raise EmailNotVerified("buy a course")
            if price.amount.amount_minor > 0:
                deps.gateway(provider)  # an unconfigured provider is refused before any call or write
            order = await self._place(user_id, course_id, provider, request_id, price, offer, referral_code)
        if order.course_id != course_id:
            raise RequestIdReused("course")
        if order.provider_payment_id or order.state is not OrderState.PENDING:
            return order
        opened = await deps.gateway(order.provider).open_payment(
            order_id=order.id, amount=order.amount, user_id=user_id, idempotency_key=f"order-{order.id}"
        )
        async with deps.uow() as uow:
            order = await uow.orders.get(order.id, for_update=True)
            assert order is not None
            if not order.provider_payment_id and order.state is OrderState.PENDING:
                order.attach_payment(opened.provider_payment_id, opened.client_secret)
                await uow.orders.save(order)
                await uow.commit()
        log.info("order_created order_id=%s course_id=%s user_id=%s", order.id, course_id, user_id)
        return order

    async def _place(
        self,
        user_id: str,
        course_id: str,
        provider: Provider,
        request_id: str,
        price: Price,
        offer: CourseOffer,
        referral_code: str,
    ) -> Order:
        deps = self._deps
        now = deps.clock()
        window = offer.refund_window_days
        if window is None:
            window = deps.terms.default_refund_window_days
        async with deps.uow() as uow:
            referral = await self._referral(uow, referral_code, user_id)
            candidate = Order.place(
                order_id=str(uuid.uuid4()),
                user_id=user_id,
                course_id=course_id,
                price=price.list_price,
                discount=price.discount,
                coupon_code=price.coupon.code if price.coupon else "",
                referral=referral,
                teacher_id=offer.teacher_id,
                platform_fee_bps=deps.terms.platform_fee_bps,
                refundable_until=now + timedelta(days=window) if window > 0 else None,
                provider=provider,
                request_id=request_id,
                now=now,
            )
            if not await uow.orders.add(candidate):  # a concurrent retry placed it: use that one
                existing = await uow.orders.by_request(user_id, request_id)
                assert existing is not None
                return existing
            if price.coupon is not None:
                await uow.coupons.redeem(price.coupon, order_id=candidate.id, user_id=user_id, now=now)
            if candidate.provider is Provider.FREE:
                await settlement.paid(uow, candidate, candidate.amount, now)
            await uow.commit()
        return candidate

    @staticmethod
    async def _referral(uow: PaymentUnitOfWork, code: str, user_id: str) -> Referral | None:
        """Unknown codes and one's own code are ignored: the order goes through without one."""
        if not code:
            return None
        found = await uow.referral_codes.get(normalise_code(code))
        if found is None or found.owner_id == user_id:
            return None
        return Referral(found.code, found.owner_id, found.commission_bps)

    async def confirm_razorpay(
        self, actor: Actor, order_id: str, *, payment_id: str, signature: str
    ) -> Order:
        """Razorpay's checkout returned (payment id, signature): verify, fetch, mark paid."""
        deps = self._deps
        order = await self.get_order(order_id, actor)
        if order.provider is not Provider.RAZORPAY:
            raise WrongProvider(order_id, order.provider)
        if order.state in (OrderState.PAID, OrderState.FULFILLED, OrderState.REFUNDED):
            return order
        state = await deps.checkout_verifier(Provider.RAZORPAY).confirm_checkout(
            provider_payment_id=order.provider_payment_id, transaction_id=payment_id, signature=signature
        )
        if state.status is not PaymentStatus.SUCCEEDED or state.amount is None:
            raise CheckoutRejected(f"payment {payment_id} is {state.status}, not captured")
        async with deps.uow() as uow:
            locked = await uow.orders.get(order_id, for_update=True)
            assert locked is not None
            order = locked
            try:
                await settlement.paid(uow, order, state.amount, deps.clock(), transaction_id=payment_id)
            except ValueError as exc:
                raise CheckoutRejected(f"payment {payment_id} is not this order's amount") from exc
            await uow.commit()
        return order

    async def get_order(self, order_id: str, actor: Actor) -> Order:
        async with self._deps.uow() as uow:
            order = await uow.orders.get(order_id)
        if order is None or not order.visible_to(actor.user_id, is_admin=actor.is_admin):
            raise OrderNotFound(order_id)
        return order

    async def search(self, where: OrderFilter, after: After, limit: int) -> list[Order]:
        async with self._deps.uow() as uow:
            return await uow.orders.search(where, after, limit)

    async def receipt(self, order_id: str, actor: Actor) -> Receipt:
        order = await self.get_order(order_id, actor)
        if order.paid_at is None:
            raise OrderNotPaid(f"order {order_id} is not paid: no receipt")
        async with self._deps.uow() as uow:
            refunds = await uow.refunds.for_order(order_id)
        return Receipt(order, [r for r in refunds if r.state is RefundStatus.SUCCEEDED])
