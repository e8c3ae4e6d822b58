"""Small SQL helpers the repositories share."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession


async def wrote_row(session: AsyncSession, statement: Any, column: Any) -> bool:
    """Run an INSERT ... ON CONFLICT DO NOTHING (or an UPDATE ... WHERE); whether it wrote
    a row. (RETURNING, because the async psycopg driver reports no rowcount for an INSERT.)"""
    return (await session.execute(statement.returning(column))).first() is not None
