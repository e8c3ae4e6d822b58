"""Notifications and their deliveries in PostgreSQL; the deliveries table is the durable queue
that the workers lease from (FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from lms_kit.domain import utc_now
from lms_kit.uow import SqlRepository
from lms_notification.adapters.tables import deliveries, notifications
from lms_notification.domain.catalog import Category, Channel
from lms_notification.domain.model import PENDING, Content, Delivery, DeliveryStatus, Notification
from lms_notification.handlers.ports import After, HistoryFilter

_PENDING = [s.value for s in PENDING]


def _delivery(row: Any) -> Delivery:
    return Delivery(
        id=row.id,
        notification_id=row.notification_id,
        user_id=row.user_id,
        type=row.type,
        channel=Channel(row.channel),
        status=DeliveryStatus(row.status),
        address=row.address,
        content=Content(row.subject, row.text_body, row.html_body, row.unsubscribe_url),
        due_at=row.due_at,
        created_at=row.created_at,
        critical=row.critical,
        attempts=row.attempts,
        last_error=row.last_error,
        suppressed_by=row.suppressed_by,
        message_id=row.message_id,
        sent_at=row.sent_at,
    )


def _outcome(delivery: Delivery) -> dict[str, Any]:
    return {
        "status": delivery.status.value,
        "address": delivery.address,
        "attempts": delivery.attempts,
        "due_at": delivery.due_at,
        "last_error": delivery.last_error,
        "sent_at": delivery.sent_at,
        "updated_at": utc_now(),
    }


class SqlNotifications(SqlRepository):
    async def add(self, notification: Notification) -> bool:
        return notification.id in await self.add_many([notification])

    async def add_many(self, new: Sequence[Notification]) -> set[str]:
        inserted: set[str] = set()
        rows = [
            {
                "id": n.id,
                "idempotency_key": n.idempotency_key,
                "type": n.type,
                "category": n.category.value,
                "user_id": n.user_id,
                "created_at": n.created_at,
            }
            for n in new
        ]
        if not rows:
            return inserted
        # executemany: SQLAlchemy sends it as multi-row INSERTs ("insertmanyvalues", up to 1,000
        # rows each) from one cached compiled statement, not a fresh 8,000-parameter compile.
        result = await self.session.execute(
            insert(notifications)
            .on_conflict_do_nothing(constraint="notifications_idempotency_key_key")
            .returning(notifications.c.id),
            rows,
        )
        inserted.update(result.scalars())
        return inserted

    async def by_key(self, idempotency_key: str) -> Notification | None:
        row = (
            await self.session.execute(
                sa.select(notifications).where(notifications.c.idempotency_key == idempotency_key)
            )
        ).first()
        if row is None:
            return None
        return (await self._with_deliveries([row]))[0]

    async def history(self, where: HistoryFilter, after: After, limit: int) -> list[Notification]:
        query = sa.select(notifications)
        if where.user_id is not None:
            query = query.where(notifications.c.user_id == where.user_id)
        if where.type:
            query = query.where(notifications.c.type == where.type)
        if where.start is not None:
            query = query.where(notifications.c.created_at >= where.start)
        if where.end is not None:
            query = query.where(notifications.c.created_at < where.end)
        if where.status is not None:
            query = query.where(
                sa.exists().where(
                    deliveries.c.notification_id == notifications.c.id,
                    deliveries.c.status == where.status.value,
                )
            )
        if after is not None:
            query = query.where(sa.tuple_(notifications.c.created_at, notifications.c.id) < sa.tuple_(*after))
        query = query.order_by(notifications.c.created_at.desc(), notifications.c.id.desc()).limit(limit)
        return await self._with_deliveries(list(await self.session.execute(query)))

    async def _with_deliveries(self, rows: list[Any]) -> list[Notification]:
        found = {
            row.id: Notification(
                row.id, row.idempotency_key, row.type, Category(row.category), row.user_id, row.created_at
            )
            for row in rows
        }
        if found:
            query = (
                sa.select(deliveries)
                .where(deliveries.c.notification_id.in_(list(found)))
                .order_by(deliveries.c.created_at, deliveries.c.channel)
            )
            for row in await self.session.execute(query):
                found[row.notification_id].deliveries.append(_delivery(row))
        return list(found.values())


class SqlDeliveries(SqlRepository):
    async def add_all(self, new: Sequence[Delivery]) -> None:
        if not new:
            return
        now = utc_now()
        rows = [
            {
                "id": d.id,
                "notification_id": d.notification_id,
                "user_id": d.user_id,
                "type": d.type,
                "channel": d.channel.value,
                "critical": d.critical,
                "address": d.address,
                "subject": d.content.subject,
                "text_body": d.content.text_body,
                "html_body": d.content.html_body,
                "unsubscribe_url": d.content.unsubscribe_url,
                "message_id": d.message_id,
                "suppressed_by": d.suppressed_by,
                "created_at": d.created_at,
                "lease": None,
                "lease_until": None,
                **{**_outcome(d), "updated_at": now},
            }
            for d in new
        ]
        # executemany from one cached statement (psycopg sends the rows pipelined).
        await self.session.execute(sa.insert(deliveries), rows)
        for delivery in new:
            self.seen(delivery)

    async def get(self, delivery_id: str) -> Delivery | None:
        row = (
            await self.session.execute(sa.select(deliveries).where(deliveries.c.id == delivery_id))
        ).first()
        return self.seen(_delivery(row)) if row is not None else None

    async def save(self, delivery: Delivery) -> None:
        await self.session.execute(
            sa.update(deliveries)
            .where(deliveries.c.id == delivery.id)
            .values(**_outcome(delivery), lease=None, lease_until=None)
        )
        self.seen(delivery)

    async def claim(
        self,
        channels: Sequence[Channel],
        now: datetime,
        lease_until: datetime,
        lease: str,
        limit: int,
        *,
        critical_only: bool = False,
    ) -> list[Delivery]:
        due = (
            sa.select(deliveries.c.id)
            .where(
                deliveries.c.status.in_(_PENDING),
                deliveries.c.due_at <= now,
                deliveries.c.channel.in_([c.value for c in channels]),
                sa.or_(deliveries.c.lease_until.is_(None), deliveries.c.lease_until < now),
            )
            .where(deliveries.c.critical.is_(True) if critical_only else sa.true())
            # Critical mail (a password reset) first: bulk traffic never holds it back.
            .order_by(deliveries.c.critical.desc(), deliveries.c.due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claimed = await self.session.execute(
            sa.update(deliveries)
            .where(deliveries.c.id.in_(due.scalar_subquery()))
            .values(lease=lease, lease_until=lease_until, attempts=deliveries.c.attempts + 1)
            .returning(*deliveries.c)
        )
        return sorted((_delivery(row) for row in claimed), key=lambda d: (not d.critical, d.due_at, d.id))

    async def finish(self, delivery: Delivery, lease: str) -> bool:
        # Only the lease holder records the outcome, and only while the delivery is pending
        # (a cancel or another worker's outcome is never overwritten).
        updated = await self.session.execute(
            sa.update(deliveries)
            .where(
                deliveries.c.id == delivery.id,
                deliveries.c.lease == lease,
                deliveries.c.status.in_(_PENDING),
            )
            .values(**_outcome(delivery), lease=None, lease_until=None)
            .returning(deliveries.c.id)
        )
        if updated.first() is None:
            return False
        self.seen(delivery)
        return True

    async def cancel(self, delivery_id: str, now: datetime) -> bool:
        # A delivery a worker has leased may be with the provider this moment: it is too late.
        cancelled = await self.session.execute(
            sa.update(deliveries)
            .where(
                deliveries.c.id == delivery_id,
                deliveries.c.status.in_(_PENDING),
                sa.or_(deliveries.c.lease_until.is_(None), deliveries.c.lease_until < now),
            )
            .values(status=DeliveryStatus.CANCELLED.value, updated_at=utc_now())
            .returning(deliveries.c.id)
        )
        return cancelled.first() is not None

    async def dead(self, after: After, limit: int) -> list[Delivery]:
        query = sa.select(deliveries).where(deliveries.c.status == DeliveryStatus.DEAD.value)
        if after is not None:
            query = query.where(sa.tuple_(deliveries.c.created_at, deliveries.c.id) < sa.tuple_(*after))
        query = query.order_by(deliveries.c.created_at.desc(), deliveries.c.id.desc()).limit(limit)
        return [_delivery(row) for row in await self.session.execute(query)]

    async def next_due(self, channels: Sequence[Channel]) -> datetime | None:
        return (
            await self.session.execute(
                sa.select(sa.func.min(deliveries.c.due_at)).where(
                    deliveries.c.status.in_(_PENDING), deliveries.c.channel.in_([c.value for c in channels])
                )
            )
        ).scalar()
