"""The SQL unit of work and repositories (PostgreSQL in production and tests,
SQLite as the embedded default)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from lms_kit.db import Database
from lms_kit.db import UnitOfWork as KitUnitOfWork
from lms_user.adapters.tables import audit_log, credentials, refresh_tokens, sessions, users
from lms_user.domain.audit import AuditEntry
from lms_user.domain.errors import EmailAlreadyRegistered
from lms_user.domain.model import Role, User
from lms_user.domain.sessions import RefreshToken, RevokeReason, Session
from lms_user.mappers import event_to_proto


class SqlUsers:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self.seen: list[User] = []

    async def add(self, user: User, *, register_request_id: str | None = None) -> None:
        try:
            await self._session.execute(
                sa.insert(users).values(**_user_row(user), register_request_id=register_request_id)
            )
        except IntegrityError as exc:  # a concurrent registration won the race
            if "email" in str(exc.orig):
                raise EmailAlreadyRegistered() from None
            raise
        self.seen.append(user)

    async def get(self, user_id: str, *, lock: bool = False) -> User | None:
        query = sa.select(users).where(users.c.id == user_id)
        if lock:
            query = query.with_for_update()
        row = (await self._session.execute(query)).mappings().first()
        return _user(row) if row else None

    async def get_by_email(self, email: str) -> User | None:
        row = (await self._session.execute(sa.select(users).where(users.c.email == email))).mappings().first()
        return _user(row) if row else None

    async def get_by_register_request_id(self, request_id: str) -> User | None:
        query = sa.select(users).where(users.c.register_request_id == request_id)
        row = (await self._session.execute(query)).mappings().first()
        return _user(row) if row else None

    async def get_many(self, user_ids: Iterable[str]) -> dict[str, User]:
        ids = list(user_ids)
        if not ids:
            return {}
        rows = (await self._session.execute(sa.select(users).where(users.c.id.in_(ids)))).mappings()
        return {row["id"]: _user(row) for row in rows}

    async def save(self, user: User) -> None:
        row = _user_row(user)
        del row["id"], row["created_at"]
        await self._session.execute(sa.update(users).where(users.c.id == user.id).values(**row))
        self.seen.append(user)


def _user_row(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "email_verified": user.email_verified,
        "display_name": user.display_name,
        "bio": user.bio,
        "avatar": user.avatar,
        "roles": sorted(r.value for r in user.roles),
        "created_at": user.created_at,
        "updated_at": user.updated_at,
    }


def _user(row: Any) -> User:
    return User(
        id=row["id"],
        email=row["email"],
        display_name=row["display_name"],
        roles=frozenset(Role(r) for r in row["roles"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        bio=row["bio"],
        avatar=row["avatar"],
        email_verified=row["email_verified"],
    )


class SqlCredentials:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get_password_hash(self, user_id: str) -> str | None:
        query = sa.select(credentials.c.password_hash).where(credentials.c.user_id == user_id)
        return (await self._session.execute(query)).scalar_one_or_none()

    async def set_password_hash(self, user_id: str, password_hash: str, now: datetime) -> None:
        result: Any = await self._session.execute(
            sa.update(credentials)
            .where(credentials.c.user_id == user_id)
            .values(password_hash=password_hash, updated_at=now)
        )
        if result.rowcount == 0:
            await self._session.execute(
                sa.insert(credentials).values(user_id=user_id, password_hash=password_hash, updated_at=now)
            )


class SqlSessions:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, session: Session) -> None:
        await self._session.execute(sa.insert(sessions).values(**_session_row(session)))

    async def get(self, session_id: str, *, lock: bool = False) -> Session | None:
        query = sa.select(sessions).where(sessions.c.id == session_id)
        if lock:
            query = query.with_for_update()
        row = (await self._session.execute(query)).mappings().first()
        return Session(**row) if row else None

    async def save(self, session: Session) -> None:
        row = _session_row(session)
        await self._session.execute(sa.update(sessions).where(sessions.c.id == session.id).values(**row))

    async def revoke_all(self, user_id: str, reason: RevokeReason, now: datetime) -> int:
        result: Any = await self._session.execute(
            sa.update(sessions)
            .where(
                sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None), sessions.c.expires_at > now
            )
            .values(revoked_at=now, revoke_reason=reason.value)
        )
        return int(result.rowcount or 0)

    async def add_token(self, token: RefreshToken) -> None:
        await self._session.execute(sa.insert(refresh_tokens).values(**_token_row(token)))

    async def get_token(self, token_hash: str, *, lock: bool = False) -> RefreshToken | None:
        query = sa.select(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash)
        if lock:
            query = query.with_for_update()
        row = (await self._session.execute(query)).mappings().first()
        return RefreshToken(**row) if row else None

    async def save_token(self, token: RefreshToken) -> None:
        await self._session.execute(
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


class SqlAuditLog:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, entry: AuditEntry) -> None:
        await self._session.execute(
            sa.insert(audit_log).values(
                id=entry.id,
                occurred_at=entry.occurred_at,
                action=entry.action.value,
                user_id=entry.user_id,
                actor_id=entry.actor_id,
                ip=entry.client.ip[:64],
                user_agent=entry.client.user_agent[:512],
                details=entry.details,
            )
        )


class SqlUnitOfWork(KitUnitOfWork):
    """The kit's unit of work plus this service's repositories. On commit, the events
    raised by every user it saw go to the outbox in the same transaction."""

    users: SqlUsers
    credentials: SqlCredentials
    sessions: SqlSessions
    audit: SqlAuditLog

    def __init__(self, database: Database) -> None:
        super().__init__(database)

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.users = SqlUsers(self.session)
        self.credentials = SqlCredentials(self.session)
        self.sessions = SqlSessions(self.session)
        self.audit = SqlAuditLog(self.session)
        return self

    async def commit(self) -> None:
        for user in self.users.seen:
            for event in user.pull_events():
                self.record(event_to_proto(event))
        self.users.seen.clear()
        await super().commit()
