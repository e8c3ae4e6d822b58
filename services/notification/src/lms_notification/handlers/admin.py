"""History, dead letters and re-drive, cancelling scheduled sends."""

from __future__ import annotations

from collections.abc import Callable

from lms_kit.domain import Clock, utc_now
from lms_notification.domain.errors import DeliveryNotDead, DeliveryNotFound, NotificationNotFound
from lms_notification.domain.model import PENDING, Delivery, DeliveryStatus, Notification
from lms_notification.handlers.ports import After, HistoryFilter, NotificationUnitOfWork


class AdminHandlers:
    def __init__(
        self,
        uow: Callable[[], NotificationUnitOfWork],
        *,
        clock: Clock = utc_now,
        on_queued: Callable[[], None] = lambda: None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._on_queued = on_queued

    async def history(self, where: HistoryFilter, after: After, limit: int) -> list[Notification]:
        async with self._uow() as uow:
            return await uow.notifications.history(where, after, limit)

    async def dead_letters(self, after: After, limit: int) -> list[Delivery]:
        async with self._uow() as uow:
            return await uow.deliveries.dead(after, limit)

    async def redrive(self, delivery_id: str) -> Delivery:
        async with self._uow() as uow:
            delivery = await uow.deliveries.get(delivery_id)
            if delivery is None:
                raise DeliveryNotFound(f"deliveries/{delivery_id}")
            if delivery.status is not DeliveryStatus.DEAD:
                raise DeliveryNotDead(f"deliveries/{delivery_id}", delivery.status.value)
            delivery.redrive(self._clock())
            await uow.deliveries.save(delivery)
            await uow.commit()
        self._on_queued()
        return delivery

    async def cancel(self, idempotency_key: str) -> Notification:
        """Cancel what is not sent yet; what is sent stays sent. Idempotent."""
        async with self._uow() as uow:
            notification = await uow.notifications.by_key(idempotency_key)
            if notification is None:
                raise NotificationNotFound(idempotency_key)
            now = self._clock()
            for delivery in notification.deliveries:
                if delivery.status in PENDING and await uow.deliveries.cancel(delivery.id, now):
                    delivery.cancel()
            await uow.commit()
        return notification
