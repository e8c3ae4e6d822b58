"""In-memory adapters for unit tests of the use cases."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Self

from lms_user.domain.audit import AuditEntry, AuditQuery
from lms_user.domain.errors import EmailAlreadyRegistered, SocialTokenInvalid
from lms_user.domain.follows import FollowView
from lms_user.domain.mfa import MfaChallenge, TotpFactor
from lms_user.domain.model import DomainEvent, User
from lms_user.domain.sessions import RefreshToken, RevokeReason, Session
from lms_user.domain.tokens import OneTimeToken, TokenPurpose
from lms_user.handlers import ExternalIdentity, IssuedToken


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
    one_time: dict[str, OneTimeToken] = field(default_factory=dict)
    totp: dict[str, TotpFactor] = field(default_factory=dict)
    recovery: dict[tuple[str, str], datetime | None] = field(default_factory=dict)
    challenges: dict[str, MfaChallenge] = field(default_factory=dict)
    follows: dict[tuple[str, str], datetime] = field(default_factory=dict)
    identities: dict[tuple[str, str], str] = field(default_factory=dict)
    service_clients: dict[str, tuple[str, str]] = field(default_factory=dict)


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

    async def delete(self, user_id: str) -> None:
        self._staged.hashes.pop(user_id, None)


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

    async def list(self, query: AuditQuery, *, after, limit: int) -> list[AuditEntry]:
        rows = [
            e
            for e in self._staged.audit
            if (not query.user_id or e.user_id == query.user_id)
            and (not query.action or e.action == query.action)
            and (query.start is None or e.occurred_at >= query.start)
            and (query.end is None or e.occurred_at < query.end)
            and (after is None or (e.occurred_at, e.id) < after)
        ]
        return sorted(rows, key=lambda e: (e.occurred_at, e.id), reverse=True)[:limit]


class FakeTokens:
    def __init__(self, staged: Store) -> None:
        self._staged = staged

    async def add(self, token: OneTimeToken) -> None:
        self._staged.one_time[token.token_hash] = token

    async def consume(self, purpose: TokenPurpose, token_hash: str, now: datetime) -> str | None:
        token = self._staged.one_time.get(token_hash)
        if token is None or token.purpose != purpose or token.used_at is not None or token.expires_at <= now:
            return None
        self._staged.one_time[token_hash] = replace(token, used_at=now)
        return token.user_id

    async def last_issued_at(self, user_id: str, purpose: TokenPurpose) -> datetime | None:
        times = [
            t.created_at
            for t in self._staged.one_time.values()
            if (t.user_id, t.purpose) == (user_id, purpose)
        ]
        return max(times, default=None)


class FakeMfa:
    def __init__(self, staged: Store) -> None:
        self._staged = staged

    async def get_totp(self, user_id: str, *, lock: bool = False) -> TotpFactor | None:
        return copy.deepcopy(self._staged.totp.get(user_id))

    async def save_totp(self, factor: TotpFactor) -> None:
        self._staged.totp[factor.user_id] = copy.deepcopy(factor)

    async def delete_totp(self, user_id: str) -> None:
        self._staged.totp.pop(user_id, None)
        self._staged.recovery = {k: v for k, v in self._staged.recovery.items() if k[0] != user_id}

    async def replace_recovery_codes(self, user_id: str, code_hashes, now: datetime) -> None:
        self._staged.recovery = {k: v for k, v in self._staged.recovery.items() if k[0] != user_id}
        self._staged.recovery.update({(user_id, h): None for h in code_hashes})

    async def use_recovery_code(self, user_id: str, code_hash: str, now: datetime) -> bool:
        key = (user_id, code_hash)
        if key not in self._staged.recovery or self._staged.recovery[key] is not None:
            return False
        self._staged.recovery[key] = now
        return True

    async def add_challenge(self, challenge: MfaChallenge) -> None:
        self._staged.challenges[challenge.token_hash] = copy.deepcopy(challenge)

    async def get_challenge(self, token_hash: str, *, lock: bool = False) -> MfaChallenge | None:
        return copy.deepcopy(self._staged.challenges.get(token_hash))

    async def save_challenge(self, challenge: MfaChallenge) -> None:
        self._staged.challenges[challenge.token_hash] = copy.deepcopy(challenge)


class FakeFollows:
    def __init__(self, staged: Store) -> None:
        self._staged = staged

    async def add(self, follower_id: str, followee_id: str, now: datetime) -> bool:
        if (follower_id, followee_id) in self._staged.follows:
            return False
        self._staged.follows[(follower_id, followee_id)] = now
        return True

    async def remove(self, follower_id: str, followee_id: str) -> bool:
        return self._staged.follows.pop((follower_id, followee_id), None) is not None

    async def counts(self, user_id: str) -> tuple[int, int]:
        pairs = self._staged.follows
        return sum(1 for _, b in pairs if b == user_id), sum(1 for a, _ in pairs if a == user_id)

    async def followers(self, user_id: str, *, after, limit: int) -> list[FollowView]:
        return self._list(lambda a, b: b == user_id, lambda a, b: a, after, limit)

    async def following(self, user_id: str, *, after, limit: int) -> list[FollowView]:
        return self._list(lambda a, b: a == user_id, lambda a, b: b, after, limit)

    def _list(self, match, other, after, limit: int) -> list[FollowView]:
        users = self._staged.users
        rows = [
            FollowView(a, b, users[a].display_name, users[b].display_name, when)
            for (a, b), when in self._staged.follows.items()
            if match(a, b) and (after is None or (when, other(a, b)) < after)
        ]
        rows.sort(key=lambda f: (f.created_at, other(f.follower_id, f.followee_id)), reverse=True)
        return rows[:limit]


class FakeIdentities:
    def __init__(self, staged: Store) -> None:
        self._staged = staged

    async def find_user_id(self, provider: str, subject: str) -> str | None:
        return self._staged.identities.get((provider, subject))

    async def link(self, provider: str, subject: str, user_id: str, now: datetime) -> None:
        self._staged.identities[(provider, subject)] = user_id


class FakeServiceClients:
    def __init__(self, staged: Store) -> None:
        self._staged = staged

    async def get(self, client_id: str) -> tuple[str, str] | None:
        return self._staged.service_clients.get(client_id)

    async def upsert(self, client_id: str, service: str, secret_hash: str, now: datetime) -> None:
        self._staged.service_clients[client_id] = (service, secret_hash)


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
        self.tokens = FakeTokens(self._staged)
        self.mfa = FakeMfa(self._staged)
        self.follows = FakeFollows(self._staged)
        self.identities = FakeIdentities(self._staged)
        self.service_clients = FakeServiceClients(self._staged)
        self._emitted: list[DomainEvent] = []
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    def emit(self, event: DomainEvent) -> None:
        self._emitted.append(event)

    async def commit(self) -> None:
        for user in self.users.seen:
            self._staged.events.extend(user.pull_events())
        self._staged.events.extend(self._emitted)
        self._emitted = []
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


class FakeAccessTokens:
    async def issue(self, user: User, *, session_id: str, now: datetime) -> IssuedToken:
        roles = ",".join(sorted(user.roles))
        return IssuedToken(f"access:{user.id}:{roles}:{session_id}", now + timedelta(minutes=15))

    async def issue_service(self, service: str, *, now: datetime) -> IssuedToken:
        return IssuedToken(f"service:{service}", now + timedelta(minutes=5))


class FakeSocial:
    """Accepts tokens `good:<subject>:<email>:<verified 0|1>`."""

    async def verify(self, token: str) -> ExternalIdentity:
        kind, _, rest = token.partition(":")
        if kind != "good":
            raise SocialTokenInvalid()
        subject, email, verified = rest.split(":")
        return ExternalIdentity("firebase", subject, email, verified == "1", "Social Ada")


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)
