"""Sessions: signing in with a password, refreshing (rotating, single-use refresh
tokens), signing out of one session or all of them."""

from __future__ import annotations

import logging
from collections.abc import Callable

from lms_kit.domain import Actor, Clock, utc_now
from lms_user.domain.audit import NO_CLIENT, AuditAction, ClientInfo
from lms_user.domain.errors import (
    InvalidCredentials,
    InvalidEmail,
    LoginThrottled,
    RefreshTokenInvalid,
    RefreshTokenReused,
)
from lms_user.domain.passwords import normalise_email
from lms_user.domain.sessions import RefreshVerdict, RevokeReason, hash_refresh_token, judge_refresh
from lms_user.domain.throttle import account_key, address_key
from lms_user.handlers.common import AccountPolicy, audit, signed_in_user
from lms_user.handlers.ports import LoginThrottle, PasswordHasher, UserUnitOfWork
from lms_user.handlers.results import MfaRequired, SignedIn
from lms_user.handlers.signin import PasswordCheck, SessionStarter

log = logging.getLogger("lms_user")


class SessionHandlers:
    def __init__(
        self,
        uow: Callable[[], UserUnitOfWork],
        *,
        hasher: PasswordHasher,
        throttle: LoginThrottle,
        policy: AccountPolicy,
        starter: SessionStarter,
        password_check: PasswordCheck,
        clock: Clock = utc_now,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._throttle = throttle
        self._policy = policy
        self._starter = starter
        self._check = password_check
        self._clock = clock

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
                    audit(AuditAction.LOGIN_THROTTLED, now, None, None, client, email=email,
                          retry_after_s=round(wait, 1))
                )  # fmt: skip
                await uow.commit()
            account_locked = await self._throttle.retry_after(keys[:1]) > 0
            raise LoginThrottled(wait, account_locked=account_locked)
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
                await uow.audit.add(audit(AuditAction.PASSWORD_REHASHED, now, user.id, user.id, client))
            result = await self._starter.second_factor_or_session(uow, user, now, client, provider="password")
            await uow.commit()
        return result

    async def _login_failed(self, user_id: str | None, email: str, client: ClientInfo) -> None:
        await self._throttle.record_failure(account_key(email), self._policy.account_throttle)
        if client.ip:
            await self._throttle.record_failure(address_key(client.ip), self._policy.address_throttle)
        await self._check.record_failure(user_id, email, client)
        raise InvalidCredentials()

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
                    audit(AuditAction.REFRESH_TOKEN_REUSED, now, token.user_id, None, client,
                          session_id=session.id)
                )  # fmt: skip
                await uow.commit()
                log.warning("refresh_token_reused user_id=%s session_id=%s", token.user_id, session.id)
                raise RefreshTokenReused()
            user = await uow.users.get(token.user_id)
            if user is None:
                raise RefreshTokenInvalid()
            token.used_at = now
            await uow.sessions.save_token(token)
            signed_in = await self._starter.issue(uow, user, session, now)
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
                audit(AuditAction.SESSION_REVOKED, now, session.user_id, session.user_id, client,
                      session_id=session.id)
            )  # fmt: skip
            await uow.commit()

    async def logout_all(self, actor: Actor, *, client: ClientInfo = NO_CLIENT) -> int:
        """Revoke every active session of the signed-in user; returns how many."""
        user_id = signed_in_user(actor, "sign out everywhere")
        now = self._clock()
        async with self._uow() as uow:
            count = await uow.sessions.revoke_all(user_id, RevokeReason.LOGOUT_ALL, now)
            await uow.audit.add(
                audit(AuditAction.SESSIONS_REVOKED_ALL, now, user_id, user_id, client, count=count)
            )
            await uow.commit()
        return count
