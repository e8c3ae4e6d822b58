"""In-memory repositories (the Protocols of lms_user.handlers.ports) on the kit's fake
unit of work: a unit of work works on a copy of the committed state, `commit()` keeps it
and the events, leaving without commit drops both, and a block that changed state or
raised events without committing fails with UncommittedWork. The repositories keep the
promises of the SQL adapters (a taken email is refused, one-time tokens and recovery
codes are spent once, follows are idempotent) and hand out copies, so a change a use
case does not save is lost as it would be in the database."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from lms_kit.testing.fakes import FakeRepository, FakeStore, FakeUnitOfWork
from lms_user.domain.audit import AuditEntry, AuditQuery
from lms_user.domain.errors import EmailAlreadyRegistered, SocialTokenInvalid, TeacherApplicationPending
from lms_user.domain.follows import FollowView
from lms_user.domain.mfa import MfaChallenge, TotpFactor
from lms_user.domain.model import User
from lms_user.domain.sessions import RefreshToken, RevokeReason, Session
from lms_user.domain.teaching import ApplicationState, TeacherApplication
from lms_user.domain.tokens import OneTimeToken, TokenPurpose
from lms_user.handlers.results import After, ExternalIdentity, IssuedToken

Track = Callable[[object], None]


@dataclass
class State:
    """Everything the fakes store (plain dataclasses, compared with ==)."""

    users: dict[str, User] = field(default_factory=dict)
    request_ids: dict[str, str] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)
    tokens: dict[str, RefreshToken] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    one_time: dict[str, OneTimeToken] = field(default_factory=dict)
    totp: dict[str, TotpFactor] = field(default_factory=dict)
    recovery: dict[tuple[str, str], datetime | None] = field(default_factory=dict)
    challenges: dict[str, MfaChallenge] = field(default_factory=dict)
    follows: dict[tuple[str, str], datetime] = field(default_factory=dict)
    identities: dict[tuple[str, str], str] = field(default_factory=dict)
    service_clients: dict[str, tuple[str, str]] = field(default_factory=dict)
    applications: dict[str, TeacherApplication] = field(default_factory=dict)


def stored(user: User) -> User:
    """What storage keeps of a user: its fields, never its pending events."""
    kept = copy.deepcopy(user)
    kept.pull_events()
    return kept


class FakeUsers(FakeRepository):
    def __init__(self, state: State, track: Track) -> None:
        super().__init__(track)
        self._state = state

    async def add(self, user: User, *, register_request_id: str | None = None) -> None:
        if any(u.email == user.email for u in self._state.users.values()):
            raise EmailAlreadyRegistered()
        self._state.users[user.id] = stored(user)
        if register_request_id:
            self._state.request_ids[register_request_id] = user.id
        self.seen(user)

    async def get(self, user_id: str, *, lock: bool = False) -> User | None:
        user = self._state.users.get(user_id)
        return self.seen(copy.deepcopy(user)) if user else None

    async def get_by_email(self, email: str) -> User | None:
        found = next((u for u in self._state.users.values() if u.email == email), None)
        return self.seen(copy.deepcopy(found)) if found else None

    async def get_by_register_request_id(self, request_id: str) -> User | None:
        user_id = self._state.request_ids.get(request_id)
        return await self.get(user_id) if user_id else None

    async def get_many(self, user_ids: Iterable[str]) -> dict[str, User]:
        users = self._state.users
        return {i: self.seen(copy.deepcopy(users[i])) for i in user_ids if i in users}

    async def save(self, user: User) -> None:
        self._state.users[user.id] = stored(user)
        self.seen(user)


class FakeCredentials(FakeRepository):
    def __init__(self, state: State, track: Track) -> None:
        super().__init__(track)
        self._hashes = state.hashes

    async def get_password_hash(self, user_id: str) -> str | None:
        return self._hashes.get(user_id)

    async def set_password_hash(self, user_id: str, password_hash: str, now: datetime) -> None:
        self._hashes[user_id] = password_hash

    async def delete(self, user_id: str) -> None:
        self._hashes.pop(user_id, None)


class FakeSessions(FakeRepository):
    def __init__(self, state: State, track: Track) -> None:
        super().__init__(track)
        self._sessions = state.sessions
        self._tokens = state.tokens

    async def add(self, session: Session) -> None:
        self._sessions[session.id] = copy.deepcopy(session)

    async def get(self, session_id: str, *, lock: bool = False) -> Session | None:
        return copy.deepcopy(self._sessions.get(session_id))

    async def save(self, session: Session) -> None:
        self._sessions[session.id] = copy.deepcopy(session)

    async def revoke_all(self, user_id: str, reason: RevokeReason, now: datetime) -> int:
        live = [s for s in self._sessions.values() if s.user_id == user_id and s.expires_at > now]
        return sum(1 for s in live if s.revoke(reason, now))

    async def add_token(self, token: RefreshToken) -> None:
        self._tokens[token.token_hash] = copy.deepcopy(token)

    async def get_token(self, token_hash: str, *, lock: bool = False) -> RefreshToken | None:
        return copy.deepcopy(self._tokens.get(token_hash))

    async def save_token(self, token: RefreshToken) -> None:
        self._tokens[token.token_hash] = copy.deepcopy(token)


class FakeAuditLog(FakeRepository):
    def __init__(self, state: State, track: Track) -> None:
        super().__init__(track)
        self._entries = state.audit

    async def add(self, entry: AuditEntry) -> None:
        self._entries.append(entry)

    async def list(self, query: AuditQuery, *, after: After, limit: int) -> list[AuditEntry]:
        rows = [
            e
            for e in self._entries
            if (not query.user_id or e.user_id == query.user_id)
            and (not query.action or e.action == query.action)
            and (query.start is None or e.occurred_at >= query.start)
            and (query.end is None or e.occurred_at < query.end)
            and (after is None or (e.occurred_at, e.id) < after)
        ]
        return sorted(rows, key=lambda e: (e.occurred_at, e.id), reverse=True)[:limit]


class FakeOneTimeTokens(FakeRepository):
    def __init__(self, state: State, track: Track) -> None:
        super().__init__(track)
        self._tokens = state.one_time

    async def add(self, token: OneTimeToken) -> None:
        self._tokens[token.token_hash] = token

    async def consume(self, purpose: TokenPurpose, token_hash: str, now: datetime) -> str | None:
        token = self._tokens.get(token_hash)
        if token is None or token.purpose != purpose or token.used_at is not None or token.expires_at <= now:
            return None
        self._tokens[token_hash] = replace(token, used_at=now)
        return token.user_id

    async def last_issued_at(self, user_id: str, purpose: TokenPurpose) -> datetime | None:
        times = [t.created_at for t in self._tokens.values() if (t.user_id, t.purpose) == (user_id, purpose)]
        return max(times, default=None)


class FakeFactors(FakeRepository):
    def __init__(self, state: State, track: Track) -> None:
        super().__init__(track)
        self._state = state

    async def get_totp(self, user_id: str, *, lock: bool = False) -> TotpFactor | None:
        return copy.deepcopy(self._state.totp.get(user_id))

    async def save_totp(self, factor: TotpFactor) -> None:
        self._state.totp[factor.user_id] = copy.deepcopy(factor)

    async def delete_totp(self, user_id: str) -> None:
        self._state.totp.pop(user_id, None)
        self._drop_recovery_codes(user_id)

    async def replace_recovery_codes(self, user_id: str, code_hashes: Sequence[str], now: datetime) -> None:
        self._drop_recovery_codes(user_id)
        self._state.recovery.update({(user_id, h): None for h in code_hashes})

    def _drop_recovery_codes(self, user_id: str) -> None:
        for key in [k for k in self._state.recovery if k[0] == user_id]:
            del self._state.recovery[key]

    async def use_recovery_code(self, user_id: str, code_hash: str, now: datetime) -> bool:
        key = (user_id, code_hash)
        if key not in self._state.recovery or self._state.recovery[key] is not None:
            return False
        self._state.recovery[key] = now
        return True

    async def add_challenge(self, challenge: MfaChallenge) -> None:
        self._state.challenges[challenge.token_hash] = copy.deepcopy(challenge)

    async def get_challenge(self, token_hash: str, *, lock: bool = False) -> MfaChallenge | None:
        return copy.deepcopy(self._state.challenges.get(token_hash))

    async def save_challenge(self, challenge: MfaChallenge) -> None:
        self._state.challenges[challenge.token_hash] = copy.deepcopy(challenge)


class FakeFollows(FakeRepository):
    def __init__(self, state: State, track: Track) -> None:
        super().__init__(track)
        self._state = state

    async def add(self, follower_id: str, followee_id: str, now: datetime) -> bool:
        if (follower_id, followee_id) in self._state.follows:
            return False
        self._state.follows[(follower_id, followee_id)] = now
        return True

    async def remove(self, follower_id: str, followee_id: str) -> bool:
        return self._state.follows.pop((follower_id, followee_id), None) is not None

    async def counts(self, user_id: str) -> tuple[int, int]:
        pairs = self._state.follows
        return sum(1 for _, b in pairs if b == user_id), sum(1 for a, _ in pairs if a == user_id)

    async def followers(self, user_id: str, *, after: After, limit: int) -> list[FollowView]:
        return self._list(lambda a, b: b == user_id, lambda a, b: a, after, limit)

    async def following(self, user_id: str, *, after: After, limit: int) -> list[FollowView]:
        return self._list(lambda a, b: a == user_id, lambda a, b: b, after, limit)

    def _list(
        self,
        match: Callable[[str, str], bool],
        other: Callable[[str, str], str],
        after: After,
        limit: int,
    ) -> list[FollowView]:
        users = self._state.users
        rows = [
            FollowView(a, b, users[a].display_name, users[b].display_name, when)
            for (a, b), when in self._state.follows.items()
            if match(a, b) and (after is None or (when, other(a, b)) < after)
        ]
        rows.sort(key=lambda f: (f.created_at, other(f.follower_id, f.followee_id)), reverse=True)
        return rows[:limit]


class FakeTeacherApplications(FakeRepository):
    def __init__(self, state: State, track: Track) -> None:
        super().__init__(track)
        self._state = state

    async def add(self, application: TeacherApplication) -> None:
        if await self.pending_for(application.user_id) is not None:
            raise TeacherApplicationPending(application.name)
        self._state.applications[application.id] = _kept(application)
        self.seen(application)

    async def get(
        self, user_id: str, application_id: str, *, lock: bool = False
    ) -> TeacherApplication | None:
        found = self._state.applications.get(application_id)
        return self.seen(copy.deepcopy(found)) if found and found.user_id == user_id else None

    async def pending_for(self, user_id: str) -> TeacherApplication | None:
        for application in self._state.applications.values():
            if application.user_id == user_id and application.state == ApplicationState.PENDING:
                return self.seen(copy.deepcopy(application))
        return None

    async def save(self, application: TeacherApplication) -> None:
        self._state.applications[application.id] = _kept(application)
        self.seen(application)

    async def list(
        self, user_id: str | None, state: ApplicationState | None, *, after: After, limit: int
    ) -> list[TeacherApplication]:
        rows = [
            copy.deepcopy(a)
            for a in self._state.applications.values()
            if (user_id is None or a.user_id == user_id)
            and (state is None or a.state == state)
            and (after is None or (a.submitted_at, a.id) > after)
        ]
        rows.sort(key=lambda a: (a.submitted_at, a.id))
        for row in rows:
            row.applicant_display_name = self._state.users[row.user_id].display_name
        return rows[:limit]


def _kept(application: TeacherApplication) -> TeacherApplication:
    kept = copy.deepcopy(application)
    kept.pull_events()
    kept.applicant_display_name = ""
    return kept


class FakeIdentities(FakeRepository):
    def __init__(self, state: State, track: Track) -> None:
        super().__init__(track)
        self._identities = state.identities

    async def find_user_id(self, provider: str, subject: str) -> str | None:
        return self._identities.get((provider, subject))

    async def link(self, provider: str, subject: str, user_id: str, now: datetime) -> None:
        self._identities[(provider, subject)] = user_id

    async def unlink_all(self, user_id: str) -> int:
        linked = [key for key, owner in self._identities.items() if owner == user_id]
        for key in linked:
            del self._identities[key]
        return len(linked)


class FakeServiceClients(FakeRepository):
    def __init__(self, state: State, track: Track) -> None:
        super().__init__(track)
        self._clients = state.service_clients

    async def get(self, client_id: str) -> tuple[str, str] | None:
        return self._clients.get(client_id)

    async def upsert(self, client_id: str, service: str, secret_hash: str, now: datetime) -> None:
        self._clients[client_id] = (service, secret_hash)


class FakeUserUnitOfWork(FakeUnitOfWork[State]):
    def bind(self, state: State) -> None:
        self.users = FakeUsers(state, self.track)
        self.credentials = FakeCredentials(state, self.track)
        self.sessions = FakeSessions(state, self.track)
        self.audit = FakeAuditLog(state, self.track)
        self.tokens = FakeOneTimeTokens(state, self.track)
        self.mfa = FakeFactors(state, self.track)
        self.follows = FakeFollows(state, self.track)
        self.identities = FakeIdentities(state, self.track)
        self.service_clients = FakeServiceClients(state, self.track)
        self.applications = FakeTeacherApplications(state, self.track)


def unit_of_work(store: FakeStore[State]) -> Callable[[], FakeUserUnitOfWork]:
    return lambda: FakeUserUnitOfWork(store)


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
