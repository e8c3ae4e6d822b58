"""Templates, preferences, recipients, courses and the in-app inbox in PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from lms_kit.uow import SqlRepository
from lms_notification.adapters.tables import (
    courses,
    digest_items,
    inbox_items,
    preferences,
    recipients,
    templates,
)
from lms_notification.domain.catalog import Category, Channel
from lms_notification.domain.model import InboxItem, Recipient
from lms_notification.domain.preferences import Preferences
from lms_notification.domain.rendering import Template, TemplateKey
from lms_notification.handlers.ports import After, CourseInfo


def _upsert(table: sa.Table, keys: Sequence[str], values: dict[str, Any]) -> Any:
    statement = insert(table).values(**values)
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={k: v for k, v in values.items() if k not in keys}
    )


class SqlTemplates(SqlRepository):
    async def get(self, key: TemplateKey) -> Template | None:
        row = (
            await self.session.execute(
                sa.select(templates).where(
                    templates.c.type == key.type,
                    templates.c.channel == key.channel.value,
                    templates.c.locale == key.locale,
                )
            )
        ).first()
        return _template(row) if row is not None else None

    async def save(self, template: Template) -> Template:
        key = template.key
        await self.session.execute(
            _upsert(
                templates,
                ("type", "channel", "locale"),
                {
                    "type": key.type,
                    "channel": key.channel.value,
                    "locale": key.locale,
                    "subject": template.subject,
                    "text_body": template.text_body,
                    "html_body": template.html_body,
                    "updated_at": template.updated_at,
                },
            )
        )
        return template

    async def of_type(self, type_name: str) -> list[Template]:
        query = sa.select(templates)
        if type_name:
            query = query.where(templates.c.type == type_name)
        return [_template(row) for row in await self.session.execute(query)]


def _template(row: Any) -> Template:
    return Template(
        TemplateKey(row.type, Channel(row.channel), row.locale),
        row.subject,
        row.text_body,
        row.html_body,
        updated_at=row.updated_at,
    )


def _preferences(row: Any) -> Preferences:
    opt_outs = {(Category(c), Channel(ch)) for c, _, ch in (o.partition(":") for o in row.opt_outs)}
    return Preferences(
        row.user_id,
        opt_outs,
        row.time_zone,
        row.quiet_start_minute,
        row.quiet_end_minute,
        row.marketing_unsubscribed,
        row.locale,
        row.social_digest,
    )


class SqlPreferences(SqlRepository):
    async def get(self, user_id: str) -> Preferences | None:
        row = (
            await self.session.execute(sa.select(preferences).where(preferences.c.user_id == user_id))
        ).first()
        return _preferences(row) if row is not None else None

    async def get_many(self, user_ids: Sequence[str]) -> dict[str, Preferences]:
        if not user_ids:
            return {}
        rows = await self.session.execute(
            sa.select(preferences).where(preferences.c.user_id.in_(list(user_ids)))
        )
        return {row.user_id: _preferences(row) for row in rows}

    async def save(self, prefs: Preferences) -> None:
        await self.session.execute(
            _upsert(
                preferences,
                ("user_id",),
                {
                    "user_id": prefs.user_id,
                    "opt_outs": sorted(f"{c.value}:{ch.value}" for c, ch in prefs.opt_outs),
                    "time_zone": prefs.time_zone or "UTC",
                    "quiet_start_minute": prefs.quiet_start_minute,
                    "quiet_end_minute": prefs.quiet_end_minute,
                    "marketing_unsubscribed": prefs.marketing_unsubscribed,
                    "locale": prefs.locale,
                    "social_digest": prefs.social_digest,
                },
            )
        )


def _recipient(row: Any) -> Recipient:
    return Recipient(row.user_id, row.email, row.display_name, row.phone_number, list(row.device_tokens))


class SqlRecipients(SqlRepository):
    async def get(self, user_id: str) -> Recipient | None:
        row = (
            await self.session.execute(sa.select(recipients).where(recipients.c.user_id == user_id))
        ).first()
        return _recipient(row) if row is not None else None

    async def get_many(self, user_ids: Sequence[str]) -> dict[str, Recipient]:
        if not user_ids:
            return {}
        rows = await self.session.execute(
            sa.select(recipients).where(recipients.c.user_id.in_(list(user_ids)))
        )
        return {row.user_id: _recipient(row) for row in rows}

    async def save(self, recipient: Recipient) -> None:
        await self.session.execute(
            _upsert(
                recipients,
                ("user_id",),
                {
                    "user_id": recipient.user_id,
                    "email": recipient.email,
                    "display_name": recipient.display_name,
                    "phone_number": recipient.phone_number,
                    "device_tokens": recipient.device_tokens,
                },
            )
        )


class SqlCourses(SqlRepository):
    async def get(self, course_id: str) -> CourseInfo | None:
        row = (await self.session.execute(sa.select(courses).where(courses.c.course_id == course_id))).first()
        return CourseInfo(row.course_id, row.owner_id, row.title) if row is not None else None

    async def save(self, course: CourseInfo) -> None:
        await self.session.execute(
            _upsert(
                courses,
                ("course_id",),
                {"course_id": course.course_id, "owner_id": course.owner_id, "title": course.title},
            )
        )


def _item(row: Any) -> InboxItem:
    return InboxItem(
        row.id,
        row.user_id,
        row.notification_id,
        row.type,
        row.title,
        row.body,
        row.created_at,
        row.read,
        row.archived,
    )


def _item_row(item: InboxItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "user_id": item.user_id,
        "notification_id": item.notification_id,
        "type": item.type,
        "title": item.title,
        "body": item.body,
        "read": item.read,
        "archived": item.archived,
        "created_at": item.created_at,
    }


class SqlInbox(SqlRepository):
    async def add(self, item: InboxItem) -> None:
        await self.add_many([item])

    async def add_many(self, items: Sequence[InboxItem]) -> None:
        if not items:
            return
        await self.session.execute(  # executemany from one cached statement (pipelined)
            insert(inbox_items).on_conflict_do_nothing(constraint="inbox_items_notification_key"),
            [_item_row(item) for item in items],
        )

    async def get(self, user_id: str, item_id: str) -> InboxItem | None:
        row = (
            await self.session.execute(
                sa.select(inbox_items).where(inbox_items.c.id == item_id, inbox_items.c.user_id == user_id)
            )
        ).first()
        return _item(row) if row is not None else None

    async def save(self, item: InboxItem) -> None:
        await self.session.execute(
            sa.update(inbox_items)
            .where(inbox_items.c.id == item.id)
            .values(read=item.read, archived=item.archived)
        )

    async def page(self, user_id: str, *, show_archived: bool, after: After, limit: int) -> list[InboxItem]:
        query = sa.select(inbox_items).where(inbox_items.c.user_id == user_id)
        if not show_archived:
            query = query.where(inbox_items.c.archived.is_(False))
        if after is not None:
            query = query.where(sa.tuple_(inbox_items.c.created_at, inbox_items.c.id) < sa.tuple_(*after))
        query = query.order_by(inbox_items.c.created_at.desc(), inbox_items.c.id.desc()).limit(limit)
        return [_item(row) for row in await self.session.execute(query)]

    async def newer(self, user_id: str, after: After, limit: int) -> list[InboxItem]:
        query = sa.select(inbox_items).where(inbox_items.c.user_id == user_id)
        if after is not None:
            query = query.where(sa.tuple_(inbox_items.c.created_at, inbox_items.c.id) > sa.tuple_(*after))
        query = query.order_by(inbox_items.c.created_at, inbox_items.c.id).limit(limit)
        return [_item(row) for row in await self.session.execute(query)]

    async def latest(self, user_id: str) -> After:
        row = (
            await self.session.execute(
                sa.select(inbox_items.c.created_at, inbox_items.c.id)
                .where(inbox_items.c.user_id == user_id)
                .order_by(inbox_items.c.created_at.desc(), inbox_items.c.id.desc())
                .limit(1)
            )
        ).first()
        return (row.created_at, row.id) if row is not None else None

    async def unread(self, user_id: str) -> int:
        return (
            await self.session.execute(
                sa.select(sa.func.count()).where(
                    inbox_items.c.user_id == user_id,
                    inbox_items.c.read.is_(False),
                    inbox_items.c.archived.is_(False),
                )
            )
        ).scalar_one()

    async def mark_read(self, user_id: str, item_ids: Sequence[str] | None) -> None:
        statement = sa.update(inbox_items).where(
            inbox_items.c.user_id == user_id, inbox_items.c.read.is_(False)
        )
        if item_ids is not None:
            statement = statement.where(inbox_items.c.id.in_(list(item_ids)))
        await self.session.execute(statement.values(read=True))


class SqlDigests(SqlRepository):
    async def hold(self, user_id: str, notification_id: str, line: str, at: datetime) -> None:
        await self.session.execute(
            insert(digest_items)
            .values(notification_id=notification_id, user_id=user_id, line=line, created_at=at)
            .on_conflict_do_nothing()
        )

    async def due(self, held_before: datetime, limit: int) -> list[str]:
        rows = await self.session.execute(
            sa.select(digest_items.c.user_id)
            .where(digest_items.c.digested.is_(False))
            .group_by(digest_items.c.user_id)
            .having(sa.func.min(digest_items.c.created_at) < held_before)
            .limit(limit)
        )
        return list(rows.scalars())

    async def take(self, user_id: str) -> list[tuple[str, str, datetime]]:
        rows = await self.session.execute(
            sa.update(digest_items)
            .where(digest_items.c.user_id == user_id, digest_items.c.digested.is_(False))
            .values(digested=True)
            .returning(digest_items.c.notification_id, digest_items.c.line, digest_items.c.created_at)
        )
        return sorted(((r.notification_id, r.line, r.created_at) for r in rows), key=lambda r: (r[2], r[0]))
