"""In-memory adapters for unit tests of the use cases."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Self

from lms_user.domain.audit import AuditEntry
from lms_user.domain.errors import EmailAlreadyRegistered
from lms_user.domain.model import DomainEvent, User
from lms_user.domain.sessions import RefreshToken, RevokeReason, Session
from lms_user.handlers import IssuedToken


@dataclass
class Store:
    """What a database would hold; shared by every FakeUnitOfWork of one test."""

    users: dict[str, User] = field(default_factory=dict)
    request_ids: dict[str, str] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)
    tokens: dict[str, RefreshToken] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    events: list[DomainEvent] = field(default_factory=list)
    commits: int = 0


class FakeUsers:
    def __init__(self, store: Store, staged: Store) -> None:
        self._store, self._staged = store, staged
        self.seen: list[User] = []

    async def add(self, user: User, *, register_request_id: str | None = None) -> None:
        if any(u.email == user.email for u in self._staged.users.values()):
            raise EmailAlreadyRegistered()
        self._staged.users[user.id] = user
        if register_request_id:
            self._staged.request_ids[register_request_id] = user.id
        self.seen.append(user)

    async def get(self, user_id: str, *, lock: bool = False) -> User | None:
        user = self._staged.users.get(user_id)
        return copy.deepcopy(user) if user else None

    async def get_by_email(self, email: str) -> User | None:
        return next((copy.deepcopy(u) for u in self._staged.users.values() if u.email == email), None)

    async def get_by_register_request_id(self, request_id: str) -> User | None:
        user_id = self._staged.request_ids.get(request_id)
        return await self.get(user_id) if user_id else None

    async def get_many(self, user_ids: Iterable[str]) -> dict[str, User]:
        return {i: copy.deepcopy(self._staged.users[i]) for i in user_ids if i in self._staged.users}

    async def save(self, user: User) -> None:
        self._staged.users[user.id] = user
        self.seen.append(user)


class FakeCredentials:
    def __init__(self, staged: Store) -> None:
        self._staged = staged

    async def get_password_hash(self, user_id: str) -> str | None:
        return self._staged.hashes.get(user_id)

    async def set_password_hash(self, user_id: str, password_hash: str, now: datetime) -> None:
        self._staged.hashes[user_id] = password_hash


class FakeSessions:
    def __init__(self, staged: Store) -> None:
        self._staged = staged

    async def add(self, session: Session) -> None:
        self._staged.sessions[session.id] = session

    async def get(self, session_id: str, *, lock: bool = False) -> Session | None:
        return copy.deepcopy(self._staged.sessions.get(session_id))

    async def save(self, session: Session) -> None:
        self._staged.sessions[session.id] = session

    async def revoke_all(self, user_id: str, reason: RevokeReason, now: datetime) -> int:
        return sum(
            1 for s in self._staged.sessions.values() if s.user_id == user_id and s.revoke(reason, now)
        )

    async def add_token(self, token: RefreshToken) -> None:
        self._staged.tokens[token.token_hash] = token

    async def get_token(self, token_hash: str, *, lock: bool = False) -> RefreshToken | None:
        return copy.deepcopy(self._staged.tokens.get(token_hash))

    async def save_token(self, token: RefreshToken) -> None:
        self._staged.tokens[token.token_hash] = token


class FakeAudit:
    def __init__(self, staged: Store) -> None:
        self._staged = staged

    async def add(self, entry: AuditEntry) -> None:
        self._staged.audit.append(entry)


class FakeUnitOfWork:
    """Works on a deep copy of the store; commit() swaps it in (so no commit = rollback)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def __aenter__(self) -> Self:
        self._staged = copy.deepcopy(self._store)
        self.users = FakeUsers(self._store, self._staged)
        self.credentials = FakeCredentials(self._staged)
        self.sessions = FakeSessions(self._staged)
        self.audit = FakeAudit(self._staged)
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def commit(self) -> None:
        for user in self.users.seen:
            self._staged.events.extend(user.pull_events())
        self._staged.commits += 1
        self._store.__dict__.update(copy.deepcopy(self._staged).__dict__)


class FakeHasher:
    """`hashed:<password>`; hashes starting with `legacy:` need a rehash."""

    def __init__(self) -> None:
        self.dummy_verifies = 0
        self.verifies = 0

    async def hash(self, password: str) -> str:
        return f"hashed:{password}"

    async def verify(self, password_hash: str, password: str) -> bool:
        self.verifies += 1
        return password_hash.split(":", 1)[1] == password

    async def verify_dummy(self, password: str) -> None:
        self.dummy_verifies += 1

    def needs_rehash(self, password_hash: str) -> bool:
        return password_hash.startswith("legacy:")


class FakeTokens:
    async def issue(self, user: User, *, session_id: str, now: datetime) -> IssuedToken:
        roles = ",".join(sorted(user.roles))
        return IssuedToken(f"access:{user.id}:{roles}:{session_id}", now + timedelta(minutes=15))


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)
