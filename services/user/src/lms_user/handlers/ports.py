"""What the use cases need, as typed Protocols: the repositories and the unit of work
(adapters/ implements them on PostgreSQL, tests/unit/fakes.py in memory), password
hashing, token signing, the login throttle, the social identity provider and the
published signing keys."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from lms_kit.domain import UnitOfWork
from lms_user.domain.audit import AuditEntry, AuditQuery
from lms_user.domain.follows import FollowView
from lms_user.domain.mfa import MfaChallenge, TotpFactor
from lms_user.domain.model import User
from lms_user.domain.sessions import RefreshToken, RevokeReason, Session
from lms_user.domain.teaching import ApplicationState, TeacherApplication
from lms_user.domain.throttle import ThrottleRule
from lms_user.domain.tokens import OneTimeToken, TokenPurpose
from lms_user.handlers.results import After, ExternalIdentity, IssuedToken


class Users(Protocol):
    """Every user it loads or adds is tracked: its events go out with the commit."""

    async def add(self, user: User, *, register_request_id: str | None = None) -> None:
        """Insert; raises EmailAlreadyRegistered when the email is taken."""
        ...

    async def get(self, user_id: str, *, lock: bool = False) -> User | None: ...
    async def get_by_email(self, email: str) -> User | None: ...
    async def get_by_register_request_id(self, request_id: str) -> User | None: ...
    async def get_many(self, user_ids: Iterable[str]) -> dict[str, User]: ...
    async def save(self, user: User) -> None: ...


class Credentials(Protocol):
    async def get_password_hash(self, user_id: str) -> str | None: ...
    async def set_password_hash(self, user_id: str, password_hash: str, now: datetime) -> None: ...
    async def delete(self, user_id: str) -> None:
        """Drop the user's password (the account then signs in only through a provider)."""
        ...


class Sessions(Protocol):
    async def add(self, session: Session) -> None: ...
    async def get(self, session_id: str, *, lock: bool = False) -> Session | None: ...
    async def save(self, session: Session) -> None: ...
    async def revoke_all(self, user_id: str, reason: RevokeReason, now: datetime) -> int: ...
    async def add_token(self, token: RefreshToken) -> None: ...
    async def get_token(self, token_hash: str, *, lock: bool = False) -> RefreshToken | None: ...
    async def save_token(self, token: RefreshToken) -> None: ...


class AuditLog(Protocol):
    async def add(self, entry: AuditEntry) -> None: ...
    async def list(self, query: AuditQuery, *, after: After, limit: int) -> list[AuditEntry]:
        """Newest first, by (occurred_at, id)."""
        ...


class OneTimeTokens(Protocol):
    """Mailed single-use tokens, kept as hashes."""

    async def add(self, token: OneTimeToken) -> None: ...
    async def consume(self, purpose: TokenPurpose, token_hash: str, now: datetime) -> str | None:
        """Atomically mark an unused, unexpired token used; its user id, or None."""
        ...

    async def last_issued_at(self, user_id: str, purpose: TokenPurpose) -> datetime | None: ...


class Factors(Protocol):
    async def get_totp(self, user_id: str, *, lock: bool = False) -> TotpFactor | None: ...
    async def save_totp(self, factor: TotpFactor) -> None: ...
    async def delete_totp(self, user_id: str) -> None:
        """Drop the TOTP factor and the recovery codes."""
        ...

    async def replace_recovery_codes(
        self, user_id: str, code_hashes: Sequence[str], now: datetime
    ) -> None: ...
    async def use_recovery_code(self, user_id: str, code_hash: str, now: datetime) -> bool:
        """Atomically spend an unused code; False if there is none."""
        ...

    async def add_challenge(self, challenge: MfaChallenge) -> None: ...
    async def get_challenge(self, token_hash: str, *, lock: bool = False) -> MfaChallenge | None: ...
    async def save_challenge(self, challenge: MfaChallenge) -> None: ...


class Follows(Protocol):
    async def add(self, follower_id: str, followee_id: str, now: datetime) -> bool:
        """False when the follow already existed."""
        ...

    async def remove(self, follower_id: str, followee_id: str) -> bool: ...
    async def counts(self, user_id: str) -> tuple[int, int]:
        """(followers, following)."""
        ...

    async def followers(self, user_id: str, *, after: After, limit: int) -> list[FollowView]:
        """Newest first, by (created_at, follower_id)."""
        ...

    async def following(self, user_id: str, *, after: After, limit: int) -> list[FollowView]:
        """Newest first, by (created_at, followee_id)."""
        ...


class Identities(Protocol):
    """Accounts at external identity providers linked to users."""

    async def find_user_id(self, provider: str, subject: str) -> str | None: ...
    async def link(self, provider: str, subject: str, user_id: str, now: datetime) -> None: ...
    async def unlink_all(self, user_id: str) -> int:
        """Forget every provider account linked to the user (account deletion)."""
        ...


class ServiceClients(Protocol):
    async def get(self, client_id: str) -> tuple[str, str] | None:
        """(service name, secret hash) of a client."""
        ...

    async def upsert(self, client_id: str, service: str, secret_hash: str, now: datetime) -> None: ...


class TeacherApplications(Protocol):
    """Every application it loads or adds is tracked: its events go out with the commit."""

    async def add(self, application: TeacherApplication) -> None:
        """Insert; raises TeacherApplicationPending when the user has a pending one
        (a concurrent submit won the race)."""
        ...

    async def get(
        self, user_id: str, application_id: str, *, lock: bool = False
    ) -> TeacherApplication | None: ...
    async def pending_for(self, user_id: str) -> TeacherApplication | None: ...
    async def save(self, application: TeacherApplication) -> None: ...
    async def list(
        self, user_id: str | None, state: ApplicationState | None, *, after: After, limit: int
    ) -> list[TeacherApplication]:
        """Oldest first by (submitted_at, id), with the applicant's display name;
        `user_id` None: every applicant's."""
        ...


class UserUnitOfWork(UnitOfWork, Protocol):
    """The repositories on one transaction (adapters/unit_of_work.SqlUserUnitOfWork).
    `commit` writes the rows, the events of the users the repositories saw and those
    given to `emit`, atomically; leaving without commit rolls everything back."""

    # Read-only members, so an implementation may hold its own (sub)types.
    @property
    def users(self) -> Users: ...
    @property
    def credentials(self) -> Credentials: ...
    @property
    def sessions(self) -> Sessions: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def tokens(self) -> OneTimeTokens: ...
    @property
    def mfa(self) -> Factors: ...
    @property
    def follows(self) -> Follows: ...
    @property
    def identities(self) -> Identities: ...
    @property
    def service_clients(self) -> ServiceClients: ...
    @property
    def applications(self) -> TeacherApplications: ...


class PasswordHasher(Protocol):
    """Slow hashing; implementations run it off the event loop."""

    async def hash(self, password: str) -> str: ...
    async def verify(self, password_hash: str, password: str) -> bool: ...
    async def verify_dummy(self, password: str) -> None: ...
    def needs_rehash(self, password_hash: str) -> bool: ...


class AccessTokenIssuer(Protocol):
    async def issue(self, user: User, *, session_id: str, now: datetime) -> IssuedToken: ...
    async def issue_service(self, service: str, *, now: datetime) -> IssuedToken: ...


class LoginThrottle(Protocol):
    """Failure counters with temporary locks, shared by the service's processes
    (Redis) or per process (in memory)."""

    async def retry_after(self, keys: Sequence[str]) -> float:
        """Seconds until every key is unlocked (0: none is locked)."""
        ...

    async def record_failure(self, key: str, rule: ThrottleRule) -> float:
        """Count a failure; the lock it starts, in seconds (0: none)."""
        ...

    async def reset(self, key: str) -> None: ...


class SocialTokenVerifier(Protocol):
    async def verify(self, token: str) -> ExternalIdentity:
        """Raises SocialTokenInvalid (or SocialProviderUnavailable)."""
        ...


class PublishedKeys(Protocol):
    async def jwks(self) -> dict[str, Any]:
        """The JWKS document of the keys that verify this service's tokens now."""
        ...
