"""Statements and dashboards on ClickHouse SQL: chDB in-process by default. Every value from
a request reaches the engine as a typed query parameter, never inside the SQL text.

chDB is synchronous and holds one session per process: calls run on a worker thread, one at
a time, so the check "is this event id stored?" and the insert that follows cannot
interleave with another writer in this process (the service runs one process per store)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from lms_analytics.adapters.queries import Engine, StatementQueries
from lms_analytics.adapters.schema import DATABASE, SCHEMA
from lms_analytics.domain.statements import Statement


class ChdbEngine:
    """The embedded engine: one chDB session on a data directory."""

    def __init__(self, path: Path) -> None:
        from chdb import session  # imported late: a heavy native module

        path.mkdir(parents=True, exist_ok=True)
        self._session = session.Session(str(path))

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        result = self._session.query(sql, "JSONEachRow", params=dict(params or {}))
        text = result.bytes().decode()
        return [json.loads(line) for line in text.splitlines() if line]

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> None:
        self._session.query(sql, "CSV", params=dict(params or {}))

    def insert_json(self, table: str, rows: list[dict[str, Any]]) -> None:
        # JSONEachRow: the engine parses the values as data, so no value is ever SQL.
        body = "\n".join(json.dumps(row, separators=(",", ":")) for row in rows)
        self._session.query(f"INSERT INTO {table} FORMAT JSONEachRow {body}", "CSV")

    def close(self) -> None:
        self._session.close()


class ClickHouseServerEngine:
    """A ClickHouse server through clickhouse-connect (production). Written against the
    same schema; not exercised here (no current ClickHouse server can run on this machine)."""

    def __init__(self, url: str) -> None:
        import clickhouse_connect

        self._client = clickhouse_connect.get_client(dsn=url)

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        result = self._client.query(sql, parameters=dict(params or {}))
        return [dict(zip(result.column_names, row, strict=True)) for row in result.result_rows]

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> None:
        self._client.command(sql, parameters=dict(params or {}))

    def insert_json(self, table: str, rows: list[dict[str, Any]]) -> None:
        if rows:
            columns = list(rows[0])
            self._client.insert(table, [[row[c] for c in columns] for row in rows], column_names=columns)

    def close(self) -> None:
        self._client.close()


class StatementStore(StatementQueries):
    """Adds statements once per event id and answers the dashboards' questions."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self._lock = asyncio.Lock()

    @classmethod
    def open(cls, engine: Engine) -> StatementStore:
        for statement in SCHEMA:
            engine.execute(statement)
        return cls(engine)

    async def add(self, statements: Iterable[Statement], *, now: datetime) -> tuple[int, int]:
        """Store the statements whose event ids are new; (stored, already there)."""
        batch = list(statements)
        async with self._lock:
            return await asyncio.to_thread(self._add, batch, now)

    def _add(self, batch: list[Statement], now: datetime) -> tuple[int, int]:
        unique = list({s.event_id: s for s in batch}.values())
        held = {
            row["event_id"]
            for row in self._engine.rows(
                f"SELECT event_id FROM {DATABASE}.event_ids"
                " WHERE event_id IN JSONExtract({ids:String}, 'Array(String)')",
                {"ids": json.dumps([s.event_id for s in unique])},
            )
        }
        new = [s for s in unique if s.event_id not in held]
        if new:
            self._engine.insert_json(f"{DATABASE}.statements", [_row(s, now) for s in new])
            # Last: an id is held only once its statement and every aggregate have it.
            self._engine.insert_json(f"{DATABASE}.event_ids", [{"event_id": s.event_id} for s in new])
        return len(new), len(batch) - len(new)

    async def run(self, query: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        async with self._lock:
            return await asyncio.to_thread(self._engine.rows, query, params)

    def close(self) -> None:
        self._engine.close()


def _row(statement: Statement, now: datetime) -> dict[str, Any]:
    return {
        "event_id": statement.event_id,
        "event_type": statement.event_type,
        "actor": statement.actor,
        "verb": statement.verb,
        "object_type": statement.object_type,
        "object_id": statement.object_id,
        "course_id": statement.course_id,
        "result": json.dumps(statement.result, sort_keys=True),
        "context": json.dumps(statement.context, sort_keys=True, default=str),
        "source": statement.source,
        "occurred_at": _ch_time(statement.occurred_at),
        "ingested_at": _ch_time(now),
    }


def _ch_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def parse_day(value: str) -> date:
    return date.fromisoformat(value)
