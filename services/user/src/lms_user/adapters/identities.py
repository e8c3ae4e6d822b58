"""Accounts at external identity providers linked to users."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from lms_kit.uow import SqlRepository
from lms_user.adapters.tables import external_identities


class SqlIdentities(SqlRepository):
    async def find_user_id(self, provider: str, subject: str) -> str | None:
        query = sa.select(external_identities.c.user_id).where(
            external_identities.c.provider == provider, external_identities.c.subject == subject
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def link(self, provider: str, subject: str, user_id: str, now: datetime) -> None:
        await self.session.execute(
            sa.insert(external_identities).values(
                provider=provider, subject=subject, user_id=user_id, created_at=now
            )
        )

    async def unlink_all(self, user_id: str) -> int:
        result: Any = await self.session.execute(
            sa.delete(external_identities).where(external_identities.c.user_id == user_id)
        )
        return int(result.rowcount or 0)
