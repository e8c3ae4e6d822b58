"""Passwords: reset by a mailed link, change by proving the current one. Either way
every session of the account ends."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime
from urllib.parse import quote

from lms_kit.domain import Actor, Clock, utc_now
from lms_user.domain.audit import NO_CLIENT, AuditAction, ClientInfo
from lms_user.domain.errors import InvalidEmail, PasswordResetTokenInvalid, UserNotFound
from lms_user.domain.model import PasswordChanged, PasswordResetRequested, User
from lms_user.domain.passwords import PasswordPolicy, normalise_email
from lms_user.domain.sessions import RevokeReason
from lms_user.domain.throttle import account_key
from lms_user.domain.tokens import OneTimeToken, TokenCodec, TokenPurpose, hash_token
from lms_user.handlers.common import AccountPolicy, audit, signed_in_user
from lms_user.handlers.ports import LoginThrottle, PasswordHasher, UserUnitOfWork
from lms_user.handlers.signin import PasswordCheck

log = logging.getLogger("lms_user")

# The request field that ResetPassword and ChangePassword carry the new password in.
NEW_PASSWORD = "new_password"


async def reset_link(
    uow: UserUnitOfWork, policy: AccountPolicy, user: User, token: str, now: datetime
) -> tuple[str, datetime] | None:
    """Store `token` as the account's reset token and give its link and expiry; None
    within the cooldown after the last one (one mail per cooldown, whoever asks)."""
    last = await uow.tokens.last_issued_at(user.id, TokenPurpose.PASSWORD_RESET)
    if last is not None and now - last < policy.password_reset_cooldown:
        return None
    expires_at = now + policy.password_reset_ttl
    await uow.tokens.add(
        OneTimeToken(hash_token(token), TokenPurpose.PASSWORD_RESET, user.id, now, expires_at)
    )
    return f"{policy.web_url}/reset-password?token={quote(token)}", expires_at


class PasswordHandlers:
    def __init__(
        self,
        uow: Callable[[], UserUnitOfWork],
        *,
        hasher: PasswordHasher,
        password_policy: PasswordPolicy,
        link_tokens: TokenCodec,
        policy: AccountPolicy,
        throttle: LoginThrottle,
        password_check: PasswordCheck,
        clock: Clock = utc_now,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._passwords = password_policy
        self._links = link_tokens
        self._policy = policy
        self._throttle = throttle
        self._check = password_check
        self._clock = clock

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
            if user is None or not user.is_active:  # a suspended account gets no reset mail
                await uow.audit.add(
                    audit(AuditAction.PASSWORD_RESET_REQUESTED, now, None, None, client, email=email)
                )
                await uow.commit()
                return
            link = await reset_link(uow, self._policy, user, token, now)
            if link is None:
                return  # one link per cooldown; the caller cannot tell
            url, expires_at = link
            uow.emit(
                PasswordResetRequested(user.id, user.email, user.display_name, url, token, expires_at, now)
            )
            await uow.audit.add(audit(AuditAction.PASSWORD_RESET_REQUESTED, now, user.id, None, client))
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
        self._passwords.check(new_password, field=NEW_PASSWORD)
        password_hash = await self._hasher.hash(new_password)
        now = self._clock()
        async with self._uow() as uow:
            user_id = await uow.tokens.consume(TokenPurpose.PASSWORD_RESET, hash_token(token), now)
            if user_id is None:
                raise PasswordResetTokenInvalid()
            user = await uow.users.get(user_id)
            if user is None:
                raise PasswordResetTokenInvalid()
            self._passwords.check(new_password, email=user.email, field=NEW_PASSWORD)
            count = await self._replace_password(uow, user.id, password_hash, "reset", now, client)
            await uow.commit()
        await self._throttle.reset(account_key(user.email))
        return count

    async def change_password(
        self, actor: Actor, current_password: str, new_password: str, *, client: ClientInfo = NO_CLIENT
    ) -> int:
        """Replace the password of a signed-in user who proves the current one; revokes
        every session. Returns how many."""
        user_id = signed_in_user(actor, "change their password")
        async with self._uow() as uow:
            user = await uow.users.get(user_id)
            stored = await uow.credentials.get_password_hash(user_id) if user else None
        if user is None:
            raise UserNotFound([user_id])
        await self._check.check(user, stored, current_password, client)
        self._passwords.check(new_password, email=user.email, field=NEW_PASSWORD)
        password_hash = await self._hasher.hash(new_password)
        now = self._clock()
        async with self._uow() as uow:
            count = await self._replace_password(uow, user.id, password_hash, "change", now, client)
            await uow.commit()
        return count

    async def _replace_password(
        self,
        uow: UserUnitOfWork,
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
        actor_id = None if method == "reset" else user_id
        await uow.audit.add(audit(action, now, user_id, actor_id, client, revoked_sessions=count))
        return count
