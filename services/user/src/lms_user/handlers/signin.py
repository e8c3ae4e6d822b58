"""Signing in, shared by the password, two-factor and social flows: the second factor
when it is on, else a session with its first refresh token and an access token; and
checking a password with the throttle and the audit log."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from datetime import datetime

from lms_kit.domain import AccountInactive, Clock
from lms_user.domain.audit import AuditAction, ClientInfo
from lms_user.domain.errors import InvalidCredentials, LoginThrottled
from lms_user.domain.mfa import MfaChallenge
from lms_user.domain.model import User
from lms_user.domain.sessions import (
    RefreshToken,
    Session,
    SessionPolicy,
    hash_refresh_token,
    new_refresh_secret,
    next_token_expiry,
)
from lms_user.domain.throttle import account_key
from lms_user.domain.tokens import hash_token
from lms_user.handlers.common import AccountPolicy, audit
from lms_user.handlers.ports import AccessTokenIssuer, LoginThrottle, PasswordHasher, UserUnitOfWork
from lms_user.handlers.results import MfaRequired, SignedIn


def require_active(user: User) -> None:
    """Every sign-in and refresh ends here: a suspended or closed account gets no tokens."""
    if not user.is_active:
        raise AccountInactive(f"the account is {user.status.value}")


class SessionStarter:
    def __init__(self, tokens: AccessTokenIssuer, sessions: SessionPolicy, policy: AccountPolicy) -> None:
        self._tokens = tokens
        self._sessions = sessions
        self._policy = policy

    async def second_factor_or_session(
        self, uow: UserUnitOfWork, user: User, now: datetime, client: ClientInfo, *, provider: str
    ) -> SignedIn | MfaRequired:
        """An MFA challenge when two-factor sign-in is on, else a new session."""
        require_active(user)
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
                audit(AuditAction.LOGIN_MFA_REQUIRED, now, user.id, user.id, client, provider=provider)
            )
            return MfaRequired(secret, challenge.expires_at)
        return await self.start_session(uow, user, now, client, provider=provider)

    async def start_session(
        self, uow: UserUnitOfWork, user: User, now: datetime, client: ClientInfo, **details: object
    ) -> SignedIn:
        session = Session(
            id=str(uuid.uuid4()),
            user_id=user.id,
            created_at=now,
            expires_at=now + self._sessions.session_max_lifetime,
        )
        await uow.sessions.add(session)
        signed_in = await self.issue(uow, user, session, now)
        await uow.audit.add(
            audit(
                AuditAction.LOGIN_SUCCEEDED, now, user.id, user.id, client, session_id=session.id, **details
            )
        )
        return signed_in

    async def issue(self, uow: UserUnitOfWork, user: User, session: Session, now: datetime) -> SignedIn:
        """The session's next refresh token and a new access token."""
        require_active(user)
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


class PasswordCheck:
    """Re-authentication of a signed-in user, and the record of failed sign-ins."""

    def __init__(
        self,
        uow: Callable[[], UserUnitOfWork],
        *,
        hasher: PasswordHasher,
        throttle: LoginThrottle,
        policy: AccountPolicy,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._throttle = throttle
        self._policy = policy
        self._clock = clock

    async def check(self, user: User, stored_hash: str | None, password: str, client: ClientInfo) -> None:
        """Raise InvalidCredentials unless `password` is the user's; failures count towards
        the account's throttle like failed sign-ins."""
        key = account_key(user.email)
        wait = await self._throttle.retry_after([key])
        if wait > 0:
            raise LoginThrottled(wait)
        if stored_hash is None or not await self._hasher.verify(stored_hash, password):
            if stored_hash is None:
                await self._hasher.verify_dummy(password)
            await self._throttle.record_failure(key, self._policy.account_throttle)
            await self.record_failure(user.id, user.email, client, step="reauth")
            raise InvalidCredentials()

    async def record_failure(
        self, user_id: str | None, email: str, client: ClientInfo, **details: object
    ) -> None:
        now = self._clock()
        async with self._uow() as uow:
            await uow.audit.add(
                audit(AuditAction.LOGIN_FAILED, now, user_id, None, client, email=email, **details)
            )
            await uow.commit()
