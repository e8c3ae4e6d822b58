"""Users (the aggregate: every user loaded or added is tracked, so its events reach the
outbox at commit) and their password credentials."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from lms_kit.uow import SqlRepository
from lms_user.adapters.tables import credentials, users
from lms_user.domain.errors import EmailAlreadyRegistered
from lms_user.domain.model import AccountStatus, Role, User


class SqlUsers(SqlRepository):
    async def add(self, user: User, *, register_request_id: str | None = None) -> None:
        try:
            await self.session.execute(
                sa.insert(users).values(**_user_row(user), register_request_id=register_request_id)
            )
        except IntegrityError as exc:  # a concurrent registration won the race
            if "email" in str(exc.orig):
                raise EmailAlreadyRegistered() from None
            raise
        self.seen(user)

    async def get(self, user_id: str, *, lock: bool = False) -> User | None:
        query = sa.select(users).where(users.c.id == user_id)
        if lock:
            query = query.with_for_update()
        return await self._one(query)

    async def get_by_email(self, email: str) -> User | None:
        return await self._one(sa.select(users).where(users.c.email == email))

    async def get_by_register_request_id(self, request_id: str) -> User | None:
        return await self._one(sa.select(users).where(users.c.register_request_id == request_id))

    async def get_many(self, user_ids: Iterable[str]) -> dict[str, User]:
        ids = list(user_ids)
        if not ids:
            return {}
        rows = (await self.session.execute(sa.select(users).where(users.c.id.in_(ids)))).mappings()
        return {row["id"]: self.seen(_user(row)) for row in rows}

    async def save(self, user: User) -> None:
        row = _user_row(user)
        del row["id"], row["created_at"]
        await self.session.execute(sa.update(users).where(users.c.id == user.id).values(**row))
        self.seen(user)

    async def _one(self, query: Any) -> User | None:
        row = (await self.session.execute(query)).mappings().first()
        return self.seen(_user(row)) if row else None


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
        "status": user.status.value,
        "status_changed_at": user.status_changed_at,
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
        status=AccountStatus(row["status"]),
        status_changed_at=row["status_changed_at"],
    )


class SqlCredentials(SqlRepository):
    async def get_password_hash(self, user_id: str) -> str | None:
        query = sa.select(credentials.c.password_hash).where(credentials.c.user_id == user_id)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def set_password_hash(self, user_id: str, password_hash: str, now: datetime) -> None:
        result: Any = await self.session.execute(
            sa.update(credentials)
            .where(credentials.c.user_id == user_id)
            .values(password_hash=password_hash, updated_at=now)
        )
        if result.rowcount == 0:
            await self.session.execute(
                sa.insert(credentials).values(user_id=user_id, password_hash=password_hash, updated_at=now)
            )

    async def delete(self, user_id: str) -> None:
        await self.session.execute(sa.delete(credentials).where(credentials.c.user_id == user_id))
