"""Sessions (refresh-token families) and their refresh tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from lms_kit.uow import SqlRepository
from lms_user.adapters.tables import refresh_tokens, sessions
from lms_user.domain.sessions import RefreshToken, RevokeReason, Session


class SqlSessions(SqlRepository):
    async def add(self, session: Session) -> None:
        await self.session.execute(sa.insert(sessions).values(**_session_row(session)))

    async def get(self, session_id: str, *, lock: bool = False) -> Session | None:
        query = sa.select(sessions).where(sessions.c.id == session_id)
        if lock:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        return Session(**row) if row else None

    async def save(self, session: Session) -> None:
        row = _session_row(session)
        await self.session.execute(sa.update(sessions).where(sessions.c.id == session.id).values(**row))

    async def revoke_all(self, user_id: str, reason: RevokeReason, now: datetime) -> int:
        result: Any = await self.session.execute(
            sa.update(sessions)
            .where(
                sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None), sessions.c.expires_at > now
            )
            .values(revoked_at=now, revoke_reason=reason.value)
        )
        return int(result.rowcount or 0)

    async def add_token(self, token: RefreshToken) -> None:
        await self.session.execute(sa.insert(refresh_tokens).values(**_token_row(token)))

    async def get_token(self, token_hash: str, *, lock: bool = False) -> RefreshToken | None:
        query = sa.select(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash)
        if lock:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        return RefreshToken(**row) if row else None

    async def save_token(self, token: RefreshToken) -> None:
        await self.session.execute(
            sa.update(refresh_tokens).where(refresh_tokens.c.id == token.id).values(used_at=token.used_at)
        )


def _session_row(session: Session) -> dict[str, Any]:
    return {
        "id": session.id,
        "user_id": session.user_id,
        "created_at": session.created_at,
        "expires_at": session.expires_at,
        "revoked_at": session.revoked_at,
        "revoke_reason": session.revoke_reason,
    }


def _token_row(token: RefreshToken) -> dict[str, Any]:
    return {
        "id": token.id,
        "session_id": token.session_id,
        "user_id": token.user_id,
        "token_hash": token.token_hash,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "used_at": token.used_at,
    }
