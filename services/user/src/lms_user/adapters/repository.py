"""The SQL unit of work and repositories (PostgreSQL in production and tests,
SQLite as the embedded default)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Self

import sqlalchemy as sa
from cryptography.fernet import MultiFernet
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from lms_kit.db import Database, dialect_insert
from lms_kit.db import UnitOfWork as KitUnitOfWork
from lms_user.adapters.tables import (
    audit_log,
    credentials,
    external_identities,
    follows,
    mfa_challenges,
    one_time_tokens,
    recovery_codes,
    refresh_tokens,
    service_clients,
    sessions,
    totp_factors,
    users,
)
from lms_user.domain.audit import AuditAction, AuditEntry, AuditQuery, ClientInfo
from lms_user.domain.errors import EmailAlreadyRegistered
from lms_user.domain.follows import FollowView
from lms_user.domain.mfa import MfaChallenge, TotpFactor
from lms_user.domain.model import DomainEvent, Role, User
from lms_user.domain.sessions import RefreshToken, RevokeReason, Session
from lms_user.domain.tokens import OneTimeToken, TokenPurpose
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

    async def delete(self, user_id: str) -> None:
        await self._session.execute(sa.delete(credentials).where(credentials.c.user_id == user_id))


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

    async def list(
        self, query: AuditQuery, *, after: tuple[datetime, str] | None, limit: int
    ) -> list[AuditEntry]:
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
            statement = statement.where(_before(audit_log.c.occurred_at, audit_log.c.id, after))
        statement = statement.order_by(audit_log.c.occurred_at.desc(), audit_log.c.id.desc()).limit(limit)
        rows = (await self._session.execute(statement)).mappings()
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


def _before(time_column: Any, id_column: Any, after: tuple[datetime, str]) -> Any:
    """Keyset condition for a newest-first order on (time, id)."""
    moment, key = after
    return sa.or_(time_column < moment, sa.and_(time_column == moment, id_column < key))


class SqlTokens:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, token: OneTimeToken) -> None:
        await self._session.execute(
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
        return (await self._session.execute(statement)).scalar_one_or_none()

    async def last_issued_at(self, user_id: str, purpose: TokenPurpose) -> datetime | None:
        statement = sa.select(sa.func.max(one_time_tokens.c.created_at)).where(
            one_time_tokens.c.user_id == user_id, one_time_tokens.c.purpose == purpose.value
        )
        return (await self._session.execute(statement)).scalar_one_or_none()


class SqlMfa:
    """TOTP factors (secrets encrypted with `fernet`), recovery codes, challenges."""

    def __init__(self, session: AsyncSession, fernet: MultiFernet, dialect: str) -> None:
        self._session = session
        self._fernet = fernet
        self._dialect = dialect

    async def get_totp(self, user_id: str, *, lock: bool = False) -> TotpFactor | None:
        query = sa.select(totp_factors).where(totp_factors.c.user_id == user_id)
        if lock:
            query = query.with_for_update()
        row = (await self._session.execute(query)).mappings().first()
        if row is None:
            return None
        return TotpFactor(
            user_id=row["user_id"],
            secret=self._fernet.decrypt(row["secret"]).decode("ascii"),
            created_at=row["created_at"],
            confirmed_at=row["confirmed_at"],
            last_used_step=row["last_used_step"],
        )

    async def save_totp(self, factor: TotpFactor) -> None:
        values = {
            "secret": self._fernet.encrypt(factor.secret.encode("ascii")),
            "created_at": factor.created_at,
            "confirmed_at": factor.confirmed_at,
            "last_used_step": factor.last_used_step,
        }
        insert = dialect_insert(self._dialect, totp_factors).values(user_id=factor.user_id, **values)
        await self._session.execute(insert.on_conflict_do_update(index_elements=["user_id"], set_=values))

    async def delete_totp(self, user_id: str) -> None:
        await self._session.execute(sa.delete(totp_factors).where(totp_factors.c.user_id == user_id))
        await self._session.execute(sa.delete(recovery_codes).where(recovery_codes.c.user_id == user_id))

    async def replace_recovery_codes(self, user_id: str, code_hashes: Sequence[str], now: datetime) -> None:
        await self._session.execute(sa.delete(recovery_codes).where(recovery_codes.c.user_id == user_id))
        await self._session.execute(
            sa.insert(recovery_codes),
            [{"user_id": user_id, "code_hash": h, "created_at": now, "used_at": None} for h in code_hashes],
        )

    async def use_recovery_code(self, user_id: str, code_hash: str, now: datetime) -> bool:
        result: Any = await self._session.execute(
            sa.update(recovery_codes)
            .where(
                recovery_codes.c.user_id == user_id,
                recovery_codes.c.code_hash == code_hash,
                recovery_codes.c.used_at.is_(None),
            )
            .values(used_at=now)
        )
        return bool(result.rowcount == 1)

    async def add_challenge(self, challenge: MfaChallenge) -> None:
        await self._session.execute(sa.insert(mfa_challenges).values(**_challenge_row(challenge)))

    async def get_challenge(self, token_hash: str, *, lock: bool = False) -> MfaChallenge | None:
        query = sa.select(mfa_challenges).where(mfa_challenges.c.token_hash == token_hash)
        if lock:
            query = query.with_for_update()
        row = (await self._session.execute(query)).mappings().first()
        return MfaChallenge(**row) if row else None

    async def save_challenge(self, challenge: MfaChallenge) -> None:
        await self._session.execute(
            sa.update(mfa_challenges)
            .where(mfa_challenges.c.id == challenge.id)
            .values(attempts=challenge.attempts, used_at=challenge.used_at)
        )


def _challenge_row(challenge: MfaChallenge) -> dict[str, Any]:
    return {
        "id": challenge.id,
        "token_hash": challenge.token_hash,
        "user_id": challenge.user_id,
        "provider": challenge.provider,
        "created_at": challenge.created_at,
        "expires_at": challenge.expires_at,
        "attempts": challenge.attempts,
        "used_at": challenge.used_at,
    }


class SqlFollows:
    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self._session = session
        self._dialect = dialect

    async def add(self, follower_id: str, followee_id: str, now: datetime) -> bool:
        statement = (
            dialect_insert(self._dialect, follows)
            .values(follower_id=follower_id, followee_id=followee_id, created_at=now)
            .on_conflict_do_nothing(index_elements=["follower_id", "followee_id"])
            .returning(follows.c.follower_id)
        )
        return (await self._session.execute(statement)).scalar_one_or_none() is not None

    async def remove(self, follower_id: str, followee_id: str) -> bool:
        result: Any = await self._session.execute(
            sa.delete(follows).where(
                follows.c.follower_id == follower_id, follows.c.followee_id == followee_id
            )
        )
        return bool(result.rowcount == 1)

    async def counts(self, user_id: str) -> tuple[int, int]:
        followers = sa.select(sa.func.count()).where(follows.c.followee_id == user_id).scalar_subquery()
        following = sa.select(sa.func.count()).where(follows.c.follower_id == user_id).scalar_subquery()
        row = (await self._session.execute(sa.select(followers, following))).one()
        return int(row[0]), int(row[1])

    async def followers(
        self, user_id: str, *, after: tuple[datetime, str] | None, limit: int
    ) -> list[FollowView]:
        return await self._list(follows.c.followee_id, follows.c.follower_id, user_id, after, limit)

    async def following(
        self, user_id: str, *, after: tuple[datetime, str] | None, limit: int
    ) -> list[FollowView]:
        return await self._list(follows.c.follower_id, follows.c.followee_id, user_id, after, limit)

    async def _list(
        self, own: Any, other: Any, user_id: str, after: tuple[datetime, str] | None, limit: int
    ) -> list[FollowView]:
        follower, followee = users.alias("follower"), users.alias("followee")
        statement = (
            sa.select(
                follows.c.follower_id,
                follows.c.followee_id,
                follows.c.created_at,
                follower.c.display_name.label("follower_name"),
                followee.c.display_name.label("followee_name"),
            )
            .join(follower, follower.c.id == follows.c.follower_id)
            .join(followee, followee.c.id == follows.c.followee_id)
            .where(own == user_id)
        )
        if after is not None:
            statement = statement.where(_before(follows.c.created_at, other, after))
        statement = statement.order_by(follows.c.created_at.desc(), other.desc()).limit(limit)
        rows = (await self._session.execute(statement)).mappings()
        return [
            FollowView(
                row["follower_id"],
                row["followee_id"],
                row["follower_name"],
                row["followee_name"],
                row["created_at"],
            )
            for row in rows
        ]


class SqlIdentities:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def find_user_id(self, provider: str, subject: str) -> str | None:
        query = sa.select(external_identities.c.user_id).where(
            external_identities.c.provider == provider, external_identities.c.subject == subject
        )
        return (await self._session.execute(query)).scalar_one_or_none()

    async def link(self, provider: str, subject: str, user_id: str, now: datetime) -> None:
        await self._session.execute(
            sa.insert(external_identities).values(
                provider=provider, subject=subject, user_id=user_id, created_at=now
            )
        )


class SqlServiceClients:
    def __init__(self, session: AsyncSession, dialect: str) -> None:
        self._session = session
        self._dialect = dialect

    async def get(self, client_id: str) -> tuple[str, str] | None:
        query = sa.select(service_clients.c.service, service_clients.c.secret_hash).where(
            service_clients.c.client_id == client_id
        )
        row = (await self._session.execute(query)).first()
        return (row[0], row[1]) if row else None

    async def upsert(self, client_id: str, service: str, secret_hash: str, now: datetime) -> None:
        values = {"service": service, "secret_hash": secret_hash, "updated_at": now}
        statement = dialect_insert(self._dialect, service_clients).values(client_id=client_id, **values)
        await self._session.execute(
            statement.on_conflict_do_update(index_elements=["client_id"], set_=values)
        )


class SqlUnitOfWork(KitUnitOfWork):
    """The kit's unit of work plus this service's repositories. On commit, the events
    raised by every user it saw go to the outbox in the same transaction."""

    users: SqlUsers
    credentials: SqlCredentials
    sessions: SqlSessions
    audit: SqlAuditLog
    tokens: SqlTokens
    mfa: SqlMfa
    follows: SqlFollows
    identities: SqlIdentities
    service_clients: SqlServiceClients

    def __init__(self, database: Database, secrets: MultiFernet) -> None:
        super().__init__(database)
        self._secrets = secrets
        self._dialect = database.dialect
        self._events: list[DomainEvent] = []

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.users = SqlUsers(self.session)
        self.credentials = SqlCredentials(self.session)
        self.sessions = SqlSessions(self.session)
        self.audit = SqlAuditLog(self.session)
        self.tokens = SqlTokens(self.session)
        self.mfa = SqlMfa(self.session, self._secrets, self._dialect)
        self.follows = SqlFollows(self.session, self._dialect)
        self.identities = SqlIdentities(self.session)
        self.service_clients = SqlServiceClients(self.session, self._dialect)
        return self

    def emit(self, event: DomainEvent) -> None:
        self._events.append(event)

    async def commit(self) -> None:
        for user in self.users.seen:
            self._events.extend(user.pull_events())
        self.users.seen.clear()
        for event in self._events:
            self.record(event_to_proto(event))
        self._events.clear()
        await super().commit()
