"""Mailed single-use tokens (email verification, password reset), kept as hashes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from lms_kit.uow import SqlRepository
from lms_user.adapters.tables import one_time_tokens
from lms_user.domain.tokens import OneTimeToken, TokenPurpose


class SqlOneTimeTokens(SqlRepository):
    async def add(self, token: OneTimeToken) -> None:
        await self.session.execute(
            sa.insert(one_time_tokens).values(
                token_hash=token.token_hash,
                purpose=token.purpose.value,
                user_id=token.user_id,
                created_at=token.created_at,
                expires_at=token.expires_at,
                used_at=token.used_at,
            )
        )

    async def consume(self, purpose: TokenPurpose, token_hash: str, now: datetime) -> str | None:
        # One conditional UPDATE: of two concurrent uses, exactly one sees the row.
        statement = (
            sa.update(one_time_tokens)
            .where(
                one_time_tokens.c.token_hash == token_hash,
                one_time_tokens.c.purpose == purpose.value,
                one_time_tokens.c.used_at.is_(None),
                one_time_tokens.c.expires_at > now,
            )
            .values(used_at=now)
            .returning(one_time_tokens.c.user_id)
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def last_issued_at(self, user_id: str, purpose: TokenPurpose) -> datetime | None:
        statement = sa.select(sa.func.max(one_time_tokens.c.created_at)).where(
            one_time_tokens.c.user_id == user_id, one_time_tokens.c.purpose == purpose.value
        )
        return (await self.session.execute(statement)).scalar_one_or_none()
