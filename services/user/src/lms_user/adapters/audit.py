"""The security audit log."""

from __future__ import annotations

import sqlalchemy as sa

from lms_kit.uow import SqlRepository
from lms_user.adapters.sql import before
from lms_user.adapters.tables import audit_log
from lms_user.domain.audit import AuditAction, AuditEntry, AuditQuery, ClientInfo
from lms_user.handlers.results import After


class SqlAuditLog(SqlRepository):
    async def add(self, entry: AuditEntry) -> None:
        await self.session.execute(
            sa.insert(audit_log).values(
                id=entry.id,
                occurred_at=entry.occurred_at,
                action=str(entry.action),
                user_id=entry.user_id,
                actor_id=entry.actor_id,
                ip=entry.client.ip[:64],
                user_agent=entry.client.user_agent[:512],
                details=entry.details,
            )
        )

    async def list(self, query: AuditQuery, *, after: After, limit: int) -> list[AuditEntry]:
        statement = sa.select(audit_log)
        if query.user_id:
            statement = statement.where(audit_log.c.user_id == query.user_id)
        if query.action:
            statement = statement.where(audit_log.c.action == query.action)
        if query.start is not None:
            statement = statement.where(audit_log.c.occurred_at >= query.start)
        if query.end is not None:
            statement = statement.where(audit_log.c.occurred_at < query.end)
        if after is not None:
            statement = statement.where(before(audit_log.c.occurred_at, audit_log.c.id, after))
        statement = statement.order_by(audit_log.c.occurred_at.desc(), audit_log.c.id.desc()).limit(limit)
        rows = (await self.session.execute(statement)).mappings()
        return [
            AuditEntry(
                id=row["id"],
                occurred_at=row["occurred_at"],
                action=_action(row["action"]),
                user_id=row["user_id"],
                actor_id=row["actor_id"],
                client=ClientInfo(ip=row["ip"], user_agent=row["user_agent"]),
                details=dict(row["details"] or {}),
            )
            for row in rows
        ]


def _action(value: str) -> AuditAction | str:
    try:
        return AuditAction(value)
    except ValueError:  # written by a newer version
        return value
