"""Use cases of the identity service. Each takes plain values, works through a unit
of work and returns domain objects; nothing here knows gRPC or SQL.

The ports below are what the use cases need; adapters/ implements them for
PostgreSQL/SQLite, tests/unit/fakes.py in memory.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Protocol, Self

from lms_user.domain.audit import NO_CLIENT, AuditAction, AuditEntry, ClientInfo
from lms_user.domain.errors import (
    EmailAlreadyRegistered,
    InvalidCredentials,
    InvalidEmail,
    InvalidRoles,
    RefreshTokenInvalid,
    RefreshTokenReused,
    RequestIdReused,
    UpdateMaskInvalid,
    UserNotFound,
)
from lms_user.domain.model import PROFILE_FIELDS, ProfileChanges, Role, User
from lms_user.domain.passwords import PasswordPolicy, normalise_email
from lms_user.domain.sessions import (
    RefreshToken,
    RefreshVerdict,
    RevokeReason,
    Session,
    SessionPolicy,
    hash_refresh_token,
    judge_refresh,
    new_refresh_secret,
    next_token_expiry,
)

log = logging.getLogger("lms_user")

# --- ports -------------------------------------------------------------------


class UserRepository(Protocol):
    async def add(self, user: User, *, register_request_id: str | None = None) -> None: ...
    async def get(self, user_id: str, *, lock: bool = False) -> User | None: ...
    async def get_by_email(self, email: str) -> User | None: ...
    async def get_by_register_request_id(self, request_id: str) -> User | None: ...
    async def get_many(self, user_ids: Iterable[str]) -> dict[str, User]: ...
    async def save(self, user: User) -> None: ...


class CredentialRepository(Protocol):
    async def get_password_hash(self, user_id: str) -> str | None: ...
    async def set_password_hash(self, user_id: str, password_hash: str, now: datetime) -> None: ...


class SessionRepository(Protocol):
    async def add(self, session: Session) -> None: ...
    async def get(self, session_id: str, *, lock: bool = False) -> Session | None: ...
    async def save(self, session: Session) -> None: ...
    async def revoke_all(self, user_id: str, reason: RevokeReason, now: datetime) -> int: ...
    async def add_token(self, token: RefreshToken) -> None: ...
    async def get_token(self, token_hash: str, *, lock: bool = False) -> RefreshToken | None: ...
    async def save_token(self, token: RefreshToken) -> None: ...


class AuditLog(Protocol):
    async def add(self, entry: AuditEntry) -> None: ...


class UnitOfWork(Protocol):
    """Commits the writes of its repositories and the events of the users it saw,
    atomically; leaving the block without commit() rolls back."""

    users: UserRepository
    credentials: CredentialRepository
    sessions: SessionRepository
    audit: AuditLog

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    async def commit(self) -> None: ...


class PasswordHasher(Protocol):
    """Slow hashing; implementations run it off the event loop."""

    async def hash(self, password: str) -> str: ...
    async def verify(self, password_hash: str, password: str) -> bool: ...
    async def verify_dummy(self, password: str) -> None: ...
    def needs_rehash(self, password_hash: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_at: datetime


class AccessTokenIssuer(Protocol):
    async def issue(self, user: User, *, session_id: str, now: datetime) -> IssuedToken: ...


Clock = Callable[[], datetime]
DEFAULT_SESSION_POLICY = SessionPolicy()


def utc_now() -> datetime:
    return datetime.now(UTC)


# --- results -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: User
    session_id: str
    access_token: str
    access_token_expires_at: datetime
    refresh_token: str
    refresh_token_expires_at: datetime


# --- use cases ---------------------------------------------------------------


class UserHandlers:
    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        *,
        hasher: PasswordHasher,
        tokens: AccessTokenIssuer,
        password_policy: PasswordPolicy,
        session_policy: SessionPolicy = DEFAULT_SESSION_POLICY,
        clock: Clock = utc_now,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._tokens = tokens
        self._passwords = password_policy
        self._sessions = session_policy
        self._clock = clock

    # -- accounts --

    async def register(
        self,
        *,
        email: str,
        password: str,
        display_name: str,
        request_id: str = "",
        client: ClientInfo = NO_CLIENT,
    ) -> User:
        """Create a student account. A retry with the same request_id and email returns
        the account the first call made."""
        email = normalise_email(email)
        if request_id:
            async with self._uow() as uow:
                earlier = await uow.users.get_by_register_request_id(request_id)
            if earlier is not None:
                if earlier.email != email:
                    raise RequestIdReused()
                return earlier
        self._passwords.check(password, email=email)
        now = self._clock()
        user = User.register(user_id=str(uuid.uuid4()), email=email, display_name=display_name, now=now)
        password_hash = await self._hasher.hash(password)  # before the transaction: it is slow
        async with self._uow() as uow:
            if await uow.users.get_by_email(email) is not None:
                raise EmailAlreadyRegistered()
            await uow.users.add(user, register_request_id=request_id or None)
            await uow.credentials.set_password_hash(user.id, password_hash, now)
            await uow.audit.add(_audit(AuditAction.USER_REGISTERED, now, user.id, user.id, client))
            await uow.commit()
        log.info("user_registered user_id=%s", user.id)
        return user

    async def get_user(self, user_id: str) -> User:
        async with self._uow() as uow:
            user = await uow.users.get(user_id)
        if user is None:
            raise UserNotFound([user_id])
        return user

    async def batch_get_users(self, user_ids: Sequence[str]) -> list[User]:
        """The users in the order asked; UserNotFound naming every missing one."""
        async with self._uow() as uow:
            found = await uow.users.get_many(set(user_ids))
        missing = [i for i in dict.fromkeys(user_ids) if i not in found]
        if missing:
            raise UserNotFound(missing)
        return [found[i] for i in user_ids]

    async def update_profile(
        self, user_id: str, changes: ProfileChanges, *, actor_id: str, client: ClientInfo = NO_CLIENT
    ) -> User:
        unknown = sorted(changes.fields - set(PROFILE_FIELDS))
        if unknown:
            raise UpdateMaskInvalid(unknown)
        now = self._clock()
        async with self._uow() as uow:
            user = await uow.users.get(user_id, lock=True)
            if user is None:
                raise UserNotFound([user_id])
            user.update_profile(changes, now)
            if changes.fields:
                await uow.users.save(user)
                await uow.audit.add(
                    _audit(
                        AuditAction.PROFILE_UPDATED,
                        now,
                        user.id,
                        actor_id,
                        client,
                        fields=sorted(changes.fields),
                    )
                )
                await uow.commit()
        return user

    async def set_roles(
        self,
        user_id: str,
        roles: Iterable[Role],
        *,
        actor_id: str,
        reason: str = "",
        client: ClientInfo = NO_CLIENT,
    ) -> User:
        wanted = frozenset(roles)
        if not wanted:
            raise InvalidRoles("a user needs at least one role")
        now = self._clock()
        async with self._uow() as uow:
            user = await uow.users.get(user_id, lock=True)
            if user is None:
                raise UserNotFound([user_id])
            previous = user.roles
            if user.set_roles(wanted, changed_by=actor_id, reason=reason, now=now):
                await uow.users.save(user)
                await uow.audit.add(
                    _audit(
                        AuditAction.ROLES_CHANGED,
                        now,
                        user.id,
                        actor_id,
                        client,
                        previous=sorted(previous),
                        roles=sorted(wanted),
                        reason=reason,
                    )
                )
                await uow.commit()
        log.info("user_roles_set user_id=%s actor_id=%s roles=%s", user_id, actor_id, sorted(wanted))
        return user

    # -- sessions --

    async def login(self, *, email: str, password: str, client: ClientInfo = NO_CLIENT) -> SignedIn:
        """Check the password and start a session. Unknown email and wrong password
        fail the same way after the same amount of hashing work."""
        try:
            email = normalise_email(email)
        except InvalidEmail:
            email = ""
        user = stored_hash = None
        if email:
            async with self._uow() as uow:
                user = await uow.users.get_by_email(email)
                if user is not None:
                    stored_hash = await uow.credentials.get_password_hash(user.id)
        if user is None or stored_hash is None:
            await self._hasher.verify_dummy(password)
            await self._record_failure(None, email, client)
            raise InvalidCredentials()
        if not await self._hasher.verify(stored_hash, password):
            await self._record_failure(user.id, email, client)
            raise InvalidCredentials()
        new_hash = await self._hasher.hash(password) if self._hasher.needs_rehash(stored_hash) else None
        now = self._clock()
        async with self._uow() as uow:
            if new_hash is not None:
                await uow.credentials.set_password_hash(user.id, new_hash, now)
                await uow.audit.add(_audit(AuditAction.PASSWORD_REHASHED, now, user.id, user.id, client))
            session = Session(
                id=str(uuid.uuid4()),
                user_id=user.id,
                created_at=now,
                expires_at=now + self._sessions.session_max_lifetime,
            )
            await uow.sessions.add(session)
            signed_in = await self._issue(uow, user, session, now)
            await uow.audit.add(
                _audit(AuditAction.LOGIN_SUCCEEDED, now, user.id, user.id, client, session_id=session.id)
            )
            await uow.commit()
        return signed_in

    async def refresh(self, refresh_token: str, *, client: ClientInfo = NO_CLIENT) -> SignedIn:
        """Spend `refresh_token` for a new pair. A spent token presented again revokes
        its session and fails with RefreshTokenReused."""
        now = self._clock()
        async with self._uow() as uow:
            token = await uow.sessions.get_token(hash_refresh_token(refresh_token), lock=True)
            if token is None:
                raise RefreshTokenInvalid()
            session = await uow.sessions.get(token.session_id, lock=True)
            if session is None:
                raise RefreshTokenInvalid()
            if judge_refresh(token, session, now) is RefreshVerdict.REUSED:
                session.revoke(RevokeReason.TOKEN_REUSE, now)
                await uow.sessions.save(session)
                await uow.audit.add(
                    _audit(
                        AuditAction.REFRESH_TOKEN_REUSED,
                        now,
                        token.user_id,
                        None,
                        client,
                        session_id=session.id,
                    )
                )
                await uow.commit()
                log.warning("refresh_token_reused user_id=%s session_id=%s", token.user_id, session.id)
                raise RefreshTokenReused()
            user = await uow.users.get(token.user_id)
            if user is None:
                raise RefreshTokenInvalid()
            token.used_at = now
            await uow.sessions.save_token(token)
            signed_in = await self._issue(uow, user, session, now)
            await uow.commit()
        return signed_in

    async def logout(self, refresh_token: str, *, client: ClientInfo = NO_CLIENT) -> None:
        """Revoke the session of `refresh_token`; unknown tokens are ignored."""
        now = self._clock()
        async with self._uow() as uow:
            token = await uow.sessions.get_token(hash_refresh_token(refresh_token))
            if token is None:
                return
            session = await uow.sessions.get(token.session_id, lock=True)
            if session is None or not session.revoke(RevokeReason.LOGOUT, now):
                return
            await uow.sessions.save(session)
            await uow.audit.add(
                _audit(AuditAction.SESSION_REVOKED, now, session.user_id, session.user_id, client,
                       session_id=session.id)
            )  # fmt: skip
            await uow.commit()

    async def logout_all(self, user_id: str, *, client: ClientInfo = NO_CLIENT) -> int:
        """Revoke every active session of the user; returns how many."""
        now = self._clock()
        async with self._uow() as uow:
            count = await uow.sessions.revoke_all(user_id, RevokeReason.LOGOUT_ALL, now)
            await uow.audit.add(
                _audit(AuditAction.SESSIONS_REVOKED_ALL, now, user_id, user_id, client, count=count)
            )
            await uow.commit()
        return count

    async def _issue(self, uow: UnitOfWork, user: User, session: Session, now: datetime) -> SignedIn:
        secret = new_refresh_secret()
        refresh = RefreshToken(
            id=str(uuid.uuid4()),
            session_id=session.id,
            user_id=user.id,
            token_hash=hash_refresh_token(secret),
            created_at=now,
            expires_at=next_token_expiry(session, self._sessions, now),
        )
        await uow.sessions.add_token(refresh)
        access = await self._tokens.issue(user, session_id=session.id, now=now)
        return SignedIn(user, session.id, access.token, access.expires_at, secret, refresh.expires_at)

    async def _record_failure(self, user_id: str | None, email: str, client: ClientInfo) -> None:
        now = self._clock()
        async with self._uow() as uow:
            await uow.audit.add(_audit(AuditAction.LOGIN_FAILED, now, user_id, None, client, email=email))
            await uow.commit()


def _audit(
    action: AuditAction,
    now: datetime,
    user_id: str | None,
    actor_id: str | None,
    client: ClientInfo,
    **details: object,
) -> AuditEntry:
    return AuditEntry(str(uuid.uuid4()), now, action, user_id, actor_id, client, details)
