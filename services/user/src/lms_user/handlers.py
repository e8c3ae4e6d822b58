"""Use cases of the identity service. Each takes plain values, works through a unit
of work and returns domain objects; nothing here knows gRPC or SQL.

The ports below are what the use cases need; adapters/ implements them for
PostgreSQL/SQLite, tests/unit/fakes.py in memory.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Generic, Protocol, Self, TypeVar
from urllib.parse import quote

from lms_user.domain import mfa
from lms_user.domain.audit import NO_CLIENT, AuditAction, AuditEntry, AuditQuery, ClientInfo
from lms_user.domain.errors import (
    CannotFollowSelf,
    ClientCredentialsInvalid,
    EmailAlreadyRegistered,
    EmailAlreadyVerified,
    EmailVerificationTokenInvalid,
    InvalidCredentials,
    InvalidEmail,
    InvalidRoles,
    LoginThrottled,
    MfaAlreadyEnabled,
    MfaChallengeInvalid,
    MfaCodeInvalid,
    MfaNotEnrolling,
    PasswordResetTokenInvalid,
    RefreshTokenInvalid,
    RefreshTokenReused,
    RequestIdReused,
    SocialEmailNotVerified,
    SocialLoginDisabled,
    UpdateMaskInvalid,
    UserNotFound,
    VerificationEmailTooSoon,
)
from lms_user.domain.follows import FollowView
from lms_user.domain.mfa import MfaChallenge, TotpFactor
from lms_user.domain.model import (
    PROFILE_FIELDS,
    DomainEvent,
    EmailVerificationRequested,
    PasswordChanged,
    PasswordResetRequested,
    ProfileChanges,
    Role,
    TwoFactorChanged,
    User,
    UserFollowed,
)
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
from lms_user.domain.throttle import ACCOUNT_RULE, ADDRESS_RULE, ThrottleRule, account_key, address_key
from lms_user.domain.tokens import OneTimeToken, TokenCodec, TokenPurpose, hash_token

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
    async def list(
        self, query: AuditQuery, *, after: tuple[datetime, str] | None, limit: int
    ) -> list[AuditEntry]: ...


class TokenRepository(Protocol):
    """Mailed single-use tokens, kept as hashes."""

    async def add(self, token: OneTimeToken) -> None: ...
    async def consume(self, purpose: TokenPurpose, token_hash: str, now: datetime) -> str | None:
        """Atomically mark an unused, unexpired token used; its user id, or None."""
        ...

    async def last_issued_at(self, user_id: str, purpose: TokenPurpose) -> datetime | None: ...


class MfaRepository(Protocol):
    async def get_totp(self, user_id: str, *, lock: bool = False) -> TotpFactor | None: ...
    async def save_totp(self, factor: TotpFactor) -> None: ...
    async def delete_totp(self, user_id: str) -> None: ...
    async def replace_recovery_codes(
        self, user_id: str, code_hashes: Sequence[str], now: datetime
    ) -> None: ...
    async def use_recovery_code(self, user_id: str, code_hash: str, now: datetime) -> bool:
        """Atomically spend an unused code; False if there is none."""
        ...

    async def add_challenge(self, challenge: MfaChallenge) -> None: ...
    async def get_challenge(self, token_hash: str, *, lock: bool = False) -> MfaChallenge | None: ...
    async def save_challenge(self, challenge: MfaChallenge) -> None: ...


class FollowRepository(Protocol):
    async def add(self, follower_id: str, followee_id: str, now: datetime) -> bool:
        """False when the follow already existed."""
        ...

    async def remove(self, follower_id: str, followee_id: str) -> bool: ...
    async def counts(self, user_id: str) -> tuple[int, int]:
        """(followers, following)."""
        ...

    async def followers(
        self, user_id: str, *, after: tuple[datetime, str] | None, limit: int
    ) -> list[FollowView]: ...
    async def following(
        self, user_id: str, *, after: tuple[datetime, str] | None, limit: int
    ) -> list[FollowView]: ...


class IdentityRepository(Protocol):
    """Accounts at external identity providers linked to users."""

    async def find_user_id(self, provider: str, subject: str) -> str | None: ...
    async def link(self, provider: str, subject: str, user_id: str, now: datetime) -> None: ...


class ServiceClientRepository(Protocol):
    async def get(self, client_id: str) -> tuple[str, str] | None:
        """(service name, secret hash) of a client."""
        ...

    async def upsert(self, client_id: str, service: str, secret_hash: str, now: datetime) -> None: ...


class UnitOfWork(Protocol):
    """Commits the writes of its repositories and the events of the users it saw,
    atomically; leaving the block without commit() rolls back."""

    users: UserRepository
    credentials: CredentialRepository
    sessions: SessionRepository
    audit: AuditLog
    tokens: TokenRepository
    mfa: MfaRepository
    follows: FollowRepository
    identities: IdentityRepository
    service_clients: ServiceClientRepository

    def emit(self, event: DomainEvent) -> None:
        """Publish `event` through the outbox with this transaction."""
        ...

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


@dataclass(frozen=True, slots=True)
class ExternalIdentity:
    """What an identity provider vouches for."""

    provider: str
    subject: str
    email: str
    email_verified: bool
    display_name: str = ""


class SocialTokenVerifier(Protocol):
    async def verify(self, token: str) -> ExternalIdentity:
        """Raises SocialTokenInvalid."""
        ...


@dataclass(frozen=True, slots=True)
class AccountPolicy:
    """Lifetimes and limits of the account flows."""

    web_url: str = "http://127.0.0.1:8080"
    email_verification_ttl: timedelta = timedelta(hours=24)
    verification_resend_cooldown: timedelta = timedelta(seconds=60)
    password_reset_ttl: timedelta = timedelta(hours=1)
    password_reset_cooldown: timedelta = timedelta(seconds=60)
    # RequestPasswordReset answers after at least this long, account or not.
    password_reset_min_duration_s: float = 0.25
    mfa_challenge_ttl: timedelta = timedelta(minutes=5)
    totp_issuer: str = "LMS"
    service_token_ttl: timedelta = timedelta(minutes=5)
    # Dev default until the notification service mails links: log them.
    log_links: bool = True
    account_throttle: ThrottleRule = ACCOUNT_RULE
    address_throttle: ThrottleRule = ADDRESS_RULE


class NoThrottle:
    async def retry_after(self, keys: Sequence[str]) -> float:
        return 0.0

    async def record_failure(self, key: str, rule: ThrottleRule) -> float:
        return 0.0

    async def reset(self, key: str) -> None:
        return None


Clock = Callable[[], datetime]
T = TypeVar("T")
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


@dataclass(frozen=True, slots=True)
class MfaRequired:
    """The first factor passed; the second is still owed."""

    challenge_token: str
    expires_at: datetime
    methods: tuple[str, ...] = ("totp", "recovery_code")


@dataclass(frozen=True, slots=True)
class TotpEnrollment:
    secret: str
    otpauth_uri: str


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    # The sort key of the last item when there are more; None on the last page.
    next_after: tuple[datetime, str] | None


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
        link_tokens: TokenCodec | None = None,
        account_policy: AccountPolicy | None = None,
        throttle: LoginThrottle | None = None,
        social: SocialTokenVerifier | None = None,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._tokens = tokens
        self._passwords = password_policy
        self._sessions = session_policy
        self._clock = clock
        self._links = link_tokens or TokenCodec([secrets.token_bytes(32)])
        self._policy = account_policy or AccountPolicy()
        self._throttle = throttle or NoThrottle()
        self._social = social

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
            await self._send_verification(uow, user, now, client)
            await uow.commit()
        log.info("user_registered user_id=%s", user.id)
        return user

    # -- email verification --

    async def verify_email(self, token: str, *, client: ClientInfo = NO_CLIENT) -> User:
        """Spend a verification token and mark the email verified (idempotent for the
        user: a second, different valid token just spends itself)."""
        if not self._links.is_authentic(TokenPurpose.EMAIL_VERIFICATION, token):
            raise EmailVerificationTokenInvalid()
        now = self._clock()
        async with self._uow() as uow:
            user_id = await uow.tokens.consume(TokenPurpose.EMAIL_VERIFICATION, hash_token(token), now)
            if user_id is None:
                raise EmailVerificationTokenInvalid()
            user = await uow.users.get(user_id, lock=True)
            if user is None:
                raise EmailVerificationTokenInvalid()
            if user.verify_email(now):
                await uow.users.save(user)
                await uow.audit.add(_audit(AuditAction.EMAIL_VERIFIED, now, user.id, user.id, client))
            await uow.commit()
        return user

    async def resend_verification(self, user_id: str, *, client: ClientInfo = NO_CLIENT) -> None:
        now = self._clock()
        async with self._uow() as uow:
            user = await uow.users.get(user_id, lock=True)  # the lock serialises racing resends
            if user is None:
                raise UserNotFound([user_id])
            if user.email_verified:
                raise EmailAlreadyVerified()
            last = await uow.tokens.last_issued_at(user.id, TokenPurpose.EMAIL_VERIFICATION)
            cooldown = self._policy.verification_resend_cooldown
            if last is not None and now - last < cooldown:
                raise VerificationEmailTooSoon((last + cooldown - now).total_seconds())
            await self._send_verification(uow, user, now, client)
            await uow.commit()

    async def _send_verification(
        self, uow: UnitOfWork, user: User, now: datetime, client: ClientInfo
    ) -> None:
        token = self._links.issue(TokenPurpose.EMAIL_VERIFICATION)
        expires_at = now + self._policy.email_verification_ttl
        await uow.tokens.add(
            OneTimeToken(hash_token(token), TokenPurpose.EMAIL_VERIFICATION, user.id, now, expires_at)
        )
        url = f"{self._policy.web_url}/verify-email?token={quote(token)}"
        uow.emit(
            EmailVerificationRequested(user.id, user.email, user.display_name, url, token, expires_at, now)
        )
        await uow.audit.add(_audit(AuditAction.EMAIL_VERIFICATION_SENT, now, user.id, user.id, client))
        if self._policy.log_links:
            # Dev default until the notification service mails it (LMS_LOG_EMAIL_LINKS=false to stop).
            log.info(
                "email_verification_link",
                extra={"user_id": user.id, "email": user.email, "link": url, "purpose": "verify_email"},
            )

    # -- passwords --

    async def request_password_reset(self, email: str, *, client: ClientInfo = NO_CLIENT) -> None:
        """Mail a reset link if the account exists. Returns the same way, after at least
        `password_reset_min_duration_s`, whether or not it does."""
        started = time.monotonic()
        try:
            await self._request_password_reset(email, client)
        finally:
            remaining = self._policy.password_reset_min_duration_s - (time.monotonic() - started)
            if remaining > 0:
                await asyncio.sleep(remaining)

    async def _request_password_reset(self, email: str, client: ClientInfo) -> None:
        try:
            email = normalise_email(email)
        except InvalidEmail:
            return
        now = self._clock()
        token = self._links.issue(TokenPurpose.PASSWORD_RESET)  # made either way: same work
        async with self._uow() as uow:
            user = await uow.users.get_by_email(email)
            if user is None:
                await uow.audit.add(
                    _audit(AuditAction.PASSWORD_RESET_REQUESTED, now, None, None, client, email=email)
                )
                await uow.commit()
                return
            last = await uow.tokens.last_issued_at(user.id, TokenPurpose.PASSWORD_RESET)
            if last is not None and now - last < self._policy.password_reset_cooldown:
                return  # one link per cooldown; the caller cannot tell
            expires_at = now + self._policy.password_reset_ttl
            await uow.tokens.add(
                OneTimeToken(hash_token(token), TokenPurpose.PASSWORD_RESET, user.id, now, expires_at)
            )
            url = f"{self._policy.web_url}/reset-password?token={quote(token)}"
            uow.emit(
                PasswordResetRequested(user.id, user.email, user.display_name, url, token, expires_at, now)
            )
            await uow.audit.add(_audit(AuditAction.PASSWORD_RESET_REQUESTED, now, user.id, None, client))
            await uow.commit()
        if self._policy.log_links:
            log.info(
                "password_reset_link",
                extra={"user_id": user.id, "email": user.email, "link": url, "purpose": "reset_password"},
            )

    async def reset_password(self, token: str, new_password: str, *, client: ClientInfo = NO_CLIENT) -> int:
        """Set a new password with a reset token; revokes every session. Returns how many."""
        if not self._links.is_authentic(TokenPurpose.PASSWORD_RESET, token):
            raise PasswordResetTokenInvalid()
        # Check the policy before spending the token, so a refused password costs no link.
        self._passwords.check(new_password)
        password_hash = await self._hasher.hash(new_password)
        now = self._clock()
        async with self._uow() as uow:
            user_id = await uow.tokens.consume(TokenPurpose.PASSWORD_RESET, hash_token(token), now)
            if user_id is None:
                raise PasswordResetTokenInvalid()
            user = await uow.users.get(user_id)
            if user is None:
                raise PasswordResetTokenInvalid()
            self._passwords.check(new_password, email=user.email)
            count = await self._replace_password(uow, user.id, password_hash, "reset", now, client)
            await uow.commit()
        await self._throttle.reset(account_key(user.email))
        return count

    async def change_password(
        self, user_id: str, current_password: str, new_password: str, *, client: ClientInfo = NO_CLIENT
    ) -> int:
        """Replace the password of a signed-in user who proves the current one; revokes
        every session. Returns how many."""
        async with self._uow() as uow:
            user = await uow.users.get(user_id)
            stored = await uow.credentials.get_password_hash(user_id) if user else None
        if user is None:
            raise UserNotFound([user_id])
        await self._check_password(user, stored, current_password, client)
        self._passwords.check(new_password, email=user.email)
        password_hash = await self._hasher.hash(new_password)
        now = self._clock()
        async with self._uow() as uow:
            count = await self._replace_password(uow, user.id, password_hash, "change", now, client)
            await uow.commit()
        return count

    async def _replace_password(
        self,
        uow: UnitOfWork,
        user_id: str,
        password_hash: str,
        method: str,
        now: datetime,
        client: ClientInfo,
    ) -> int:
        await uow.credentials.set_password_hash(user_id, password_hash, now)
        count = await uow.sessions.revoke_all(user_id, RevokeReason.PASSWORD_CHANGED, now)
        uow.emit(PasswordChanged(user_id, method, now))
        action = AuditAction.PASSWORD_RESET if method == "reset" else AuditAction.PASSWORD_CHANGED
        actor = None if method == "reset" else user_id
        await uow.audit.add(_audit(action, now, user_id, actor, client, revoked_sessions=count))
        return count

    async def _check_password(
        self, user: User, stored_hash: str | None, password: str, client: ClientInfo
    ) -> None:
        """Re-authentication of a signed-in user; failures count towards the account's
        throttle like failed sign-ins."""
        key = account_key(user.email)
        wait = await self._throttle.retry_after([key])
        if wait > 0:
            raise LoginThrottled(wait)
        if stored_hash is None or not await self._hasher.verify(stored_hash, password):
            if stored_hash is None:
                await self._hasher.verify_dummy(password)
            await self._throttle.record_failure(key, self._policy.account_throttle)
            await self._record_failure(user.id, user.email, client, step="reauth")
            raise InvalidCredentials()

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

    async def login(
        self, *, email: str, password: str, client: ClientInfo = NO_CLIENT
    ) -> SignedIn | MfaRequired:
        """Check the password and start a session (or, with two-factor sign-in on, an
        MFA challenge). Unknown email and wrong password fail the same way after the
        same amount of hashing work. Throttled per account and per address."""
        try:
            email = normalise_email(email)
        except InvalidEmail:
            email = ""
        keys = [account_key(email)]
        if client.ip:
            keys.append(address_key(client.ip))
        wait = await self._throttle.retry_after(keys)
        if wait > 0:
            now = self._clock()
            async with self._uow() as uow:
                await uow.audit.add(
                    _audit(AuditAction.LOGIN_THROTTLED, now, None, None, client, email=email,
                           retry_after_s=round(wait, 1))
                )  # fmt: skip
                await uow.commit()
            raise LoginThrottled(wait)
        user = stored_hash = None
        if email:
            async with self._uow() as uow:
                user = await uow.users.get_by_email(email)
                if user is not None:
                    stored_hash = await uow.credentials.get_password_hash(user.id)
        if user is None or stored_hash is None:
            await self._hasher.verify_dummy(password)
            await self._login_failed(None, email, client)
        elif not await self._hasher.verify(stored_hash, password):
            await self._login_failed(user.id, email, client)
        assert user is not None and stored_hash is not None
        await self._throttle.reset(account_key(email))
        new_hash = await self._hasher.hash(password) if self._hasher.needs_rehash(stored_hash) else None
        now = self._clock()
        async with self._uow() as uow:
            if new_hash is not None:
                await uow.credentials.set_password_hash(user.id, new_hash, now)
                await uow.audit.add(_audit(AuditAction.PASSWORD_REHASHED, now, user.id, user.id, client))
            result = await self._second_factor_or_session(uow, user, now, client, provider="password")
            await uow.commit()
        return result

    async def _login_failed(self, user_id: str | None, email: str, client: ClientInfo) -> None:
        await self._throttle.record_failure(account_key(email), self._policy.account_throttle)
        if client.ip:
            await self._throttle.record_failure(address_key(client.ip), self._policy.address_throttle)
        await self._record_failure(user_id, email, client)
        raise InvalidCredentials()

    async def _second_factor_or_session(
        self, uow: UnitOfWork, user: User, now: datetime, client: ClientInfo, *, provider: str
    ) -> SignedIn | MfaRequired:
        factor = await uow.mfa.get_totp(user.id)
        if factor is not None and factor.is_enabled:
            secret = secrets.token_urlsafe(32)
            challenge = MfaChallenge(
                id=str(uuid.uuid4()),
                token_hash=hash_token(secret),
                user_id=user.id,
                created_at=now,
                expires_at=now + self._policy.mfa_challenge_ttl,
                provider=provider,
            )
            await uow.mfa.add_challenge(challenge)
            await uow.audit.add(
                _audit(AuditAction.LOGIN_MFA_REQUIRED, now, user.id, user.id, client, provider=provider)
            )
            return MfaRequired(secret, challenge.expires_at)
        return await self._start_session(uow, user, now, client, provider=provider)

    async def _start_session(
        self, uow: UnitOfWork, user: User, now: datetime, client: ClientInfo, **details: object
    ) -> SignedIn:
        session = Session(
            id=str(uuid.uuid4()),
            user_id=user.id,
            created_at=now,
            expires_at=now + self._sessions.session_max_lifetime,
        )
        await uow.sessions.add(session)
        signed_in = await self._issue(uow, user, session, now)
        await uow.audit.add(
            _audit(
                AuditAction.LOGIN_SUCCEEDED, now, user.id, user.id, client, session_id=session.id, **details
            )
        )
        return signed_in

    # -- two-factor (TOTP) --

    async def start_totp_enrollment(self, user_id: str, *, client: ClientInfo = NO_CLIENT) -> TotpEnrollment:
        """A new pending TOTP secret (replacing an unconfirmed one)."""
        now = self._clock()
        async with self._uow() as uow:
            user = await uow.users.get(user_id, lock=True)
            if user is None:
                raise UserNotFound([user_id])
            factor = await uow.mfa.get_totp(user_id, lock=True)
            if factor is not None and factor.is_enabled:
                raise MfaAlreadyEnabled()
            factor = TotpFactor(user_id=user_id, secret=mfa.new_secret(), created_at=now)
            await uow.mfa.save_totp(factor)
            await uow.audit.add(_audit(AuditAction.MFA_ENROLLMENT_STARTED, now, user_id, user_id, client))
            await uow.commit()
        uri = mfa.provisioning_uri(factor.secret, account=user.email, issuer=self._policy.totp_issuer)
        return TotpEnrollment(factor.secret, uri)

    async def confirm_totp_enrollment(
        self, user_id: str, code: str, *, client: ClientInfo = NO_CLIENT
    ) -> list[str]:
        """Turn two-factor sign-in on; returns the recovery codes (their only showing)."""
        now = self._clock()
        async with self._uow() as uow:
            factor = await uow.mfa.get_totp(user_id, lock=True)
            if factor is None or factor.is_enabled:
                raise MfaNotEnrolling()
            if not factor.accept(code, now):
                raise MfaCodeInvalid(at_sign_in=False)
            factor.confirmed_at = now
            await uow.mfa.save_totp(factor)
            codes = mfa.new_recovery_codes()
            await uow.mfa.replace_recovery_codes(user_id, [mfa.hash_recovery_code(c) for c in codes], now)
            await uow.audit.add(_audit(AuditAction.MFA_ENABLED, now, user_id, user_id, client, method="totp"))
            uow.emit(TwoFactorChanged(user_id, True, "totp", now))
            await uow.commit()
        return codes

    async def disable_totp(self, user_id: str, password: str, *, client: ClientInfo = NO_CLIENT) -> None:
        """Turn two-factor sign-in off after the user proves their password again."""
        async with self._uow() as uow:
            user = await uow.users.get(user_id)
            stored = await uow.credentials.get_password_hash(user_id) if user else None
        if user is None:
            raise UserNotFound([user_id])
        await self._check_password(user, stored, password, client)
        now = self._clock()
        async with self._uow() as uow:
            factor = await uow.mfa.get_totp(user_id, lock=True)
            if factor is None:
                raise MfaNotEnrolling()
            await uow.mfa.delete_totp(user_id)
            await uow.audit.add(_audit(AuditAction.MFA_DISABLED, now, user_id, user_id, client))
            uow.emit(TwoFactorChanged(user_id, False, "totp", now))
            await uow.commit()

    async def complete_mfa_challenge(
        self,
        challenge_token: str,
        *,
        totp_code: str = "",
        recovery_code: str = "",
        client: ClientInfo = NO_CLIENT,
    ) -> SignedIn:
        now = self._clock()
        async with self._uow() as uow:
            challenge = await uow.mfa.get_challenge(hash_token(challenge_token), lock=True)
            if challenge is None or not challenge.usable(now):
                raise MfaChallengeInvalid()
            user = await uow.users.get(challenge.user_id)
            factor = await uow.mfa.get_totp(challenge.user_id, lock=True)
            if user is None or factor is None or not factor.is_enabled:
                raise MfaChallengeInvalid()
            wait = await self._throttle.retry_after([account_key(user.email)])
            if wait > 0:
                raise LoginThrottled(wait)
            if totp_code:
                ok, method = factor.accept(totp_code, now), "totp"
            else:
                code_hash = mfa.hash_recovery_code(recovery_code)
                ok = bool(mfa.normalise_recovery_code(recovery_code)) and await uow.mfa.use_recovery_code(
                    user.id, code_hash, now
                )
                method = "recovery_code"
            if not ok:
                challenge.attempts += 1
                await uow.mfa.save_challenge(challenge)
                await uow.audit.add(
                    _audit(AuditAction.MFA_FAILED, now, user.id, None, client, method=method,
                           attempts=challenge.attempts)
                )  # fmt: skip
                await uow.commit()
                await self._throttle.record_failure(account_key(user.email), self._policy.account_throttle)
                raise MfaCodeInvalid(at_sign_in=True)
            challenge.used_at = now
            await uow.mfa.save_challenge(challenge)
            if method == "totp":
                await uow.mfa.save_totp(factor)  # remembers the step just used
            else:
                await uow.audit.add(_audit(AuditAction.MFA_RECOVERY_CODE_USED, now, user.id, user.id, client))
            signed_in = await self._start_session(
                uow, user, now, client, provider=challenge.provider, mfa=method
            )
            await uow.commit()
        return signed_in

    # -- social sign-in --

    async def sign_in_with_social(
        self, token: str, *, client: ClientInfo = NO_CLIENT
    ) -> SignedIn | MfaRequired:
        """Sign in with an identity provider's token: the linked account, else the
        account with the same (provider-verified) email, else a new student account."""
        if self._social is None:
            raise SocialLoginDisabled()
        identity = await self._social.verify(token)
        now = self._clock()
        async with self._uow() as uow:
            user_id = await uow.identities.find_user_id(identity.provider, identity.subject)
            user = await uow.users.get(user_id, lock=True) if user_id else None
            if user is None:
                if not identity.email_verified or not identity.email:
                    raise SocialEmailNotVerified()
                email = normalise_email(identity.email)
                user = await uow.users.get_by_email(email)
                if user is None:
                    name = identity.display_name or email.split("@", 1)[0]
                    user = User.register(user_id=str(uuid.uuid4()), email=email, display_name=name, now=now)
                    await uow.users.add(user)
                    await uow.audit.add(
                        _audit(AuditAction.USER_REGISTERED, now, user.id, user.id, client,
                               provider=identity.provider)
                    )  # fmt: skip
                elif not user.email_verified:
                    # Someone registered this email without proving it (possibly to
                    # pre-hijack it): the provider's owner takes over, the password and
                    # sessions set up before go.
                    await uow.credentials.delete(user.id)
                    await uow.sessions.revoke_all(user.id, RevokeReason.ADMIN, now)
                user.verify_email(now)
                await uow.users.save(user)
                await uow.identities.link(identity.provider, identity.subject, user.id, now)
                await uow.audit.add(
                    _audit(
                        AuditAction.SOCIAL_LINKED, now, user.id, user.id, client, provider=identity.provider
                    )
                )
            result = await self._second_factor_or_session(uow, user, now, client, provider=identity.provider)
            await uow.commit()
        return result

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

    async def _record_failure(
        self, user_id: str | None, email: str, client: ClientInfo, **details: object
    ) -> None:
        now = self._clock()
        async with self._uow() as uow:
            await uow.audit.add(
                _audit(AuditAction.LOGIN_FAILED, now, user_id, None, client, email=email, **details)
            )
            await uow.commit()

    # -- follows --

    async def follow(self, follower_id: str, followee_id: str) -> bool:
        """Follow (idempotent); True when the follow is new."""
        if follower_id == followee_id:
            raise CannotFollowSelf()
        now = self._clock()
        async with self._uow() as uow:
            found = await uow.users.get_many([follower_id, followee_id])
            if followee_id not in found:
                raise UserNotFound([followee_id])
            if follower_id not in found:
                raise UserNotFound([follower_id])
            created = await uow.follows.add(follower_id, followee_id, now)
            if created:
                uow.emit(UserFollowed(follower_id, followee_id, now))
                await uow.commit()
        return created

    async def unfollow(self, follower_id: str, followee_id: str) -> bool:
        async with self._uow() as uow:
            removed = await uow.follows.remove(follower_id, followee_id)
            if removed:
                await uow.commit()
        return removed

    async def public_profile(self, user_id: str) -> tuple[User, int, int]:
        """The user with their follower and following counts."""
        async with self._uow() as uow:
            user = await uow.users.get(user_id)
            if user is None:
                raise UserNotFound([user_id])
            followers, following = await uow.follows.counts(user_id)
        return user, followers, following

    async def list_follows(
        self, user_id: str, *, followers: bool, after: tuple[datetime, str] | None, limit: int
    ) -> Page[FollowView]:
        async with self._uow() as uow:
            if await uow.users.get(user_id) is None:
                raise UserNotFound([user_id])
            lister = uow.follows.followers if followers else uow.follows.following
            rows = await lister(user_id, after=after, limit=limit + 1)
        items = rows[:limit]
        if len(rows) <= limit:
            return Page(items, None)
        last = items[-1]
        return Page(items, (last.created_at, last.follower_id if followers else last.followee_id))

    # -- audit --

    async def list_audit(
        self, query: AuditQuery, *, after: tuple[datetime, str] | None, limit: int
    ) -> Page[AuditEntry]:
        async with self._uow() as uow:
            rows = await uow.audit.list(query, after=after, limit=limit + 1)
        items = rows[:limit]
        if len(rows) <= limit:
            return Page(items, None)
        return Page(items, (items[-1].occurred_at, items[-1].id))

    # -- service clients --

    async def seed_service_clients(self, clients: dict[str, str]) -> None:
        """Store `{client id: secret}` (as hashes); the client id is the service name."""
        now = self._clock()
        async with self._uow() as uow:
            for client_id, secret in clients.items():
                await uow.service_clients.upsert(client_id, client_id, _secret_hash(secret), now)
            await uow.commit()

    async def issue_service_token(
        self, client_id: str, client_secret: str, *, client: ClientInfo = NO_CLIENT
    ) -> IssuedToken:
        """A short-lived service token for a client that proves its secret."""
        key = "client:" + client_id
        wait = await self._throttle.retry_after([key])
        if wait > 0:
            raise LoginThrottled(wait)
        async with self._uow() as uow:
            found = await uow.service_clients.get(client_id)
        # Compare against something even for an unknown client id.
        service, stored = found or ("", "0" * 64)
        if not hmac.compare_digest(stored, _secret_hash(client_secret)) or not found:
            await self._throttle.record_failure(key, self._policy.account_throttle)
            now = self._clock()
            async with self._uow() as uow:
                await uow.audit.add(
                    _audit(AuditAction.SERVICE_TOKEN_REFUSED, now, None, None, client, client_id=client_id)
                )
                await uow.commit()
            raise ClientCredentialsInvalid()
        issued = await self._tokens.issue_service(service, now=self._clock())
        log.info("service_token_issued service=%s", service)
        return issued


def _secret_hash(secret: str) -> str:
    # Client secrets are long random strings, so a fast hash is enough (like refresh tokens).
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _audit(
    action: AuditAction,
    now: datetime,
    user_id: str | None,
    actor_id: str | None,
    client: ClientInfo,
    **details: object,
) -> AuditEntry:
    return AuditEntry(str(uuid.uuid4()), now, action, user_id, actor_id, client, details)
