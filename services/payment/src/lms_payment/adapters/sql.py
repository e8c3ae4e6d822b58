"""What the repositories share: keyset paging of newest-first lists and the INSERT ... ON
CONFLICT DO NOTHING that tells whether it wrote a row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

Key = tuple[datetime, str] | None  # keyset paging: the (created_at, id) of the previous page's last row


def before(table: sa.Table, after: Key) -> Any:
    """Rows after `after` in newest-first order."""
    if after is None:
        return sa.true()
    return sa.tuple_(table.c.created_at, table.c.id) < sa.tuple_(*after)


async def wrote_row(session: AsyncSession, statement: Any, column: Any) -> bool:
    """Run an INSERT ... ON CONFLICT DO NOTHING; whether it wrote a row (RETURNING: the async
    psycopg driver reports no rowcount for an INSERT)."""
    return (await session.execute(statement.returning(column))).first() is not None
