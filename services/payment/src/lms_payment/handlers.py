"""Use cases: place an order, take a provider's webhook, fulfil a paid order."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from lms_payment.adapters.repository import SqlUnitOfWork, bind, collect
from lms_payment.domain.errors import OrderNotFound, Precondition, WebhookRejected
from lms_payment.domain.model import Order, OrderState, Provider
from lms_payment.domain.providers import PaymentGateway, ProviderEvent

log = logging.getLogger("lms_payment")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Catalog(Protocol):
    async def offer(self, course_id: str) -> Any: ...
    async def enroll_paid(self, *, course_id: str, user_id: str, order_id: str) -> None: ...


class PaymentHandlers:
    def __init__(
        self,
        uow: Callable[[], SqlUnitOfWork],
        catalog: Catalog,
        gateways: Mapping[Provider, PaymentGateway],
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._uow = uow
        self._catalog = catalog
        self._gateways = dict(gateways)
        self._now = clock

    def _gateway(self, provider: Provider) -> PaymentGateway:
        gateway = self._gateways.get(provider)
        if gateway is None:
            raise Precondition("PROVIDER_NOT_CONFIGURED", f"payment provider {provider} is not configured")
        return gateway

    # Orders

    async def create_order(
        self, *, user_id: str, course_id: str, provider: Provider, request_id: str
    ) -> Order:
        """A pending order at the course's current price, with a payment opened at the provider.

        Idempotent by (learner, request_id): a retry returns the same order; if the first call
        stopped before the provider answered, the retry opens the payment with the same
        idempotency key, so the provider still creates one payment.
        """
        self._gateway(provider)  # an unconfigured provider is refused before any call or write
        async with self._uow() as uow:
            order = await uow.orders.by_request(user_id, request_id)
        if order is None:
            offer = await self._catalog.offer(course_id)
            if not offer.published or offer.price is None:
                raise Precondition("COURSE_NOT_PURCHASABLE", f"courses/{course_id} is not on sale")
            candidate = Order.place(
                order_id=str(uuid.uuid4()),
                user_id=user_id,
                course_id=course_id,
                price=offer.price,
                provider=provider,
                request_id=request_id,
                now=self._now(),
            )
            async with self._uow() as uow:
                inserted = await uow.orders.add(candidate)
                order = candidate if inserted else await uow.orders.by_request(user_id, request_id)
                await uow.commit()
            assert order is not None
        if order.course_id != course_id:
            raise Precondition("REQUEST_ID_REUSED", "request_id was used for another course")
        if order.provider_payment_id or order.state is not OrderState.PENDING:
            return order
        opened = await self._gateway(order.provider).open_payment(
            order_id=order.id, amount=order.amount, user_id=user_id, idempotency_key=f"order-{order.id}"
        )
        async with self._uow() as uow:
            order = await uow.orders.get(order.id, for_update=True)
            assert order is not None
            if not order.provider_payment_id and order.state is OrderState.PENDING:
                order.attach_payment(opened.provider_payment_id, opened.client_secret)
                await uow.orders.save(order)
                await uow.commit()
        log.info("order_created order_id=%s course_id=%s user_id=%s", order.id, course_id, user_id)
        return order

    async def get_order(self, order_id: str, *, user_id: str, is_admin: bool) -> Order:
        async with self._uow() as uow:
            order = await uow.orders.get(order_id)
        if order is None or not order.visible_to(user_id, is_admin=is_admin):
            raise OrderNotFound(order_id)
        return order

    # Webhooks

    async def handle_webhook(self, provider: Provider, payload: bytes, headers: dict[str, str]) -> bool:
        """Apply a signed provider event once. True if it changed an order.

        The event id is stored in the same transaction as the order change, so a replay (or a
        concurrent duplicate, which waits on the first one's row) changes nothing; a failure
        rolls back both, so the provider's retry is applied later.
        """
        gateway = self._gateways.get(provider)
        if gateway is None:  # no signing secret here: no delivery can be genuine
            raise WebhookRejected(f"no webhook secret configured for {provider}")
        event = gateway.verify_webhook(payload, headers)
        now = self._now()
        async with self._uow() as uow:
            if not await uow.provider_events.remember(provider, event.event_id, event.event_type, now):
                log.info("webhook_replay provider=%s event_id=%s", provider, event.event_id)
                return False
            outcome, order_id = await self._apply(uow, event, now)
            await uow.provider_events.settle(provider, event.event_id, outcome, order_id)
            await uow.commit()
        log.info(
            "webhook_handled provider=%s event_id=%s type=%s outcome=%s order_id=%s",
            provider,
            event.event_id,
            event.event_type,
            outcome,
            order_id,
        )
        return outcome == "applied"

    async def _apply(self, uow: SqlUnitOfWork, event: ProviderEvent, now: datetime) -> tuple[str, str | None]:
        if event.kind == "ignored":
            return "ignored", None
        order = await uow.orders.by_payment(event.provider, event.provider_payment_id, for_update=True)
        if order is None:
            return "unknown_order", None
        if event.kind == "payment_succeeded":
            assert event.amount is not None
            try:
                changed = order.mark_paid(event.amount, now)
            except ValueError:
                log.error("webhook_amount_mismatch order_id=%s event_id=%s", order.id, event.event_id)
                return "amount_mismatch", order.id
        else:
            changed = order.fail(event.failure_reason, now)
        if not changed:
            return "no_change", order.id
        await uow.orders.save(order)
        collect(uow, order)
        return "applied", order.id

    # The enrolment saga

    async def fulfil(self, order_id: str, uow: Any) -> bool:
        """Enrol the learner of a paid order and mark it fulfilled, inside the consumer's
        transaction. The course service's EnrollPaid is idempotent by order id, so a retry
        after a crash between the call and the commit enrols once."""
        bind(uow)
        order = await uow.orders.get(order_id, for_update=True)
        if order is None:  # not this database's order (e.g. a shared stream in tests): nothing to do
            log.warning("fulfil_unknown_order order_id=%s", order_id)
            return False
        if order.state is not OrderState.PAID:
            log.info("fulfil_skipped order_id=%s state=%s", order_id, order.state)
            return False
        await self._catalog.enroll_paid(course_id=order.course_id, user_id=order.user_id, order_id=order.id)
        order.fulfil(self._now())
        await uow.orders.save(order)
        collect(uow, order)
        log.info("order_fulfilled order_id=%s", order_id)
        return True
