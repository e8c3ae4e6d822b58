"""The kit's SQL unit of work on PostgreSQL: rows and the events of the aggregates its
repositories saw commit together, or not at all."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from lms_kit.db import Database
from lms_kit.domain import Aggregate
from lms_kit.migrations import upgrade
from lms_kit.uow import SqlRepository, SqlUnitOfWork

widgets = sa.Table(
    "widgets",
    sa.MetaData(),
    sa.Column("widget_id", sa.String(64), primary_key=True),
    sa.Column("title", sa.String(200), nullable=False),
)


@dataclass(frozen=True)
class Renamed:
    widget_id: str
    title: str


@dataclass
class Widget(Aggregate):
    widget_id: str
    title: str

    def rename(self, title: str) -> None:
        self.title = title
        self.raise_event(Renamed(self.widget_id, title))


class Widgets(SqlRepository):
    async def add(self, widget: Widget) -> None:
        await self.session.execute(sa.insert(widgets).values(widget_id=widget.widget_id, title=widget.title))
        self.seen(widget)

    async def get(self, widget_id: str) -> Widget:
        row = (await self.session.execute(sa.select(widgets).where(widgets.c.widget_id == widget_id))).one()
        return self.seen(Widget(row.widget_id, row.title))

    async def save(self, widget: Widget) -> None:
        await self.session.execute(
            sa.update(widgets).where(widgets.c.widget_id == widget.widget_id).values(title=widget.title)
        )


class WidgetUnitOfWork(SqlUnitOfWork):
    def __init__(self, database: Database, event_class: type) -> None:
        super().__init__(database)
        self._event_class = event_class

    def bind(self, session: AsyncSession) -> None:
        self.widgets = Widgets(session, self.track)

    def event_message(self, event: object):
        assert isinstance(event, Renamed)
        return self._event_class(widget_id=event.widget_id, title=event.title)


@pytest.fixture
async def db(pg_url, migrations_dir) -> AsyncIterator[Database]:
    await upgrade(pg_url, migrations_dir)
    database = Database(pg_url)
    yield database
    await database.dispose()


async def outbox_subjects(db: Database) -> list[str]:
    async with db.session() as session:
        return list(
            (await session.execute(sa.text("SELECT subject FROM kit_outbox ORDER BY sequence"))).scalars()
        )


async def test_events_of_every_tracked_aggregate_reach_the_outbox_with_the_rows(db, domain):
    wake_ups: list[str] = []
    db.add_outbox_listener(lambda: wake_ups.append("woken"))
    async with WidgetUnitOfWork(db, domain.WidgetRenamed) as uow:
        await uow.widgets.add(Widget("w1", "one"))
        await uow.widgets.add(Widget("w2", "two"))
        await uow.commit()
    async with WidgetUnitOfWork(db, domain.WidgetRenamed) as uow:
        for widget_id in ("w1", "w2"):
            widget = await uow.widgets.get(widget_id)
            widget.rename(f"{widget_id} renamed")
            await uow.widgets.save(widget)
        uow.emit(domain.WidgetCreated(widget_id="w3"))  # a proto event passes through as it is
        await uow.commit()
        assert [type(e).__name__ for e in uow.committed_events] == ["Renamed", "Renamed", "WidgetCreated"]

    subject = f"lms.{domain.name}.v1"
    assert await outbox_subjects(db) == [f"{subject}.WidgetRenamed"] * 2 + [f"{subject}.WidgetCreated"]
    assert wake_ups == ["woken"]


async def test_leaving_without_commit_drops_the_rows_and_the_events(db, domain):
    async with WidgetUnitOfWork(db, domain.WidgetRenamed) as uow:
        await uow.widgets.add(Widget("w1", "one"))
        await uow.commit()
    with pytest.raises(ZeroDivisionError):
        async with WidgetUnitOfWork(db, domain.WidgetRenamed) as uow:
            widget = await uow.widgets.get("w1")
            widget.rename("lost")
            await uow.widgets.save(widget)
            1 / 0  # noqa: B018
    async with WidgetUnitOfWork(db, domain.WidgetRenamed) as uow:
        assert (await uow.widgets.get("w1")).title == "one"
    assert await outbox_subjects(db) == []


async def test_an_event_raised_once_is_written_once_across_two_commits(db, domain):
    async with WidgetUnitOfWork(db, domain.WidgetRenamed) as uow:
        await uow.widgets.add(widget := Widget("w1", "one"))
        widget.rename("two")
        await uow.commit()
        await uow.commit()
    assert len(await outbox_subjects(db)) == 1
