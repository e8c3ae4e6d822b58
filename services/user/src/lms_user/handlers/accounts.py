"""Accounts: registration, email verification, reading users and editing profiles."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from urllib.parse import quote

from lms_kit.domain import Actor, Clock, utc_now
from lms_user.domain.audit import NO_CLIENT, AuditAction, ClientInfo
from lms_user.domain.errors import (
    EmailAlreadyRegistered,
    EmailAlreadyVerified,
    EmailVerificationTokenInvalid,
    InvalidProfile,
    RequestIdReused,
    UpdateMaskInvalid,
    UserNotFound,
    VerificationEmailTooSoon,
)
from lms_user.domain.model import (
    PROFILE_FIELDS,
    EmailVerificationRequested,
    ProfileChanges,
    RegistrationAttemptedForExistingAccount,
    User,
)
from lms_user.domain.passwords import PasswordPolicy, normalise_email
from lms_user.domain.tokens import OneTimeToken, TokenCodec, TokenPurpose, hash_token
from lms_user.handlers.common import AccountPolicy, actor_ref, audit, signed_in_user
from lms_user.handlers.passwords import reset_link
from lms_user.handlers.ports import PasswordHasher, UserUnitOfWork

log = logging.getLogger("lms_user")


class AccountHandlers:
    def __init__(
        self,
        uow: Callable[[], UserUnitOfWork],
        *,
        hasher: PasswordHasher,
        password_policy: PasswordPolicy,
        link_tokens: TokenCodec,
        policy: AccountPolicy,
        clock: Clock = utc_now,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._passwords = password_policy
        self._links = link_tokens
        self._policy = policy
        self._clock = clock

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
        the account the first call made. An email that has an account gets the same kind
        of answer (nothing is created; its owner is mailed instead)."""
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
        try:
            user = User.register(user_id=str(uuid.uuid4()), email=email, display_name=display_name, now=now)
        except InvalidProfile as bad:
            raise bad.relocated("user.") from None  # Register carries display_name itself
        password_hash = await self._hasher.hash(password)  # before the transaction: it is slow
        async with self._uow() as uow:
            owner = await uow.users.get_by_email(email)
            if owner is not None:
                await self._tell_owner(uow, owner, now, client)
                await uow.commit()
                return self._stand_in(user, email, request_id)
            try:
                await uow.users.add(user, register_request_id=request_id or None)
            except EmailAlreadyRegistered:  # a concurrent registration won the race
                return self._stand_in(user, email, request_id)
            await uow.credentials.set_password_hash(user.id, password_hash, now)
            await uow.audit.add(audit(AuditAction.USER_REGISTERED, now, user.id, user.id, client))
            await self._send_verification(uow, user, now, client)
            await uow.commit()
        log.info("user_registered user_id=%s", user.id)
        return user

    def _stand_in(self, fresh: User, email: str, request_id: str) -> User:
        """What Register answers for an email that has an account: the same shape as a new
        account's, so the answer does not tell which emails are registered. A retry with
        the same request_id gets the same id; nothing is stored."""
        if not request_id:
            return fresh
        fresh.id = str(self._links.keyed_id(f"register.{email}.{request_id}"))
        return fresh

    async def _tell_owner(self, uow: UserUnitOfWork, owner: User, now: datetime, client: ClientInfo) -> None:
        """Mail the owner (with a reset link as the way back in), at most once per reset
        cooldown; audited either way."""
        await uow.audit.add(audit(AuditAction.REGISTRATION_EXISTING_EMAIL, now, owner.id, None, client))
        if not owner.is_active:
            return  # a suspended or closed account gets no mail
        token = self._links.issue(TokenPurpose.PASSWORD_RESET)
        link = await reset_link(uow, self._policy, owner, token, now)
        if link is not None:
            url, expires_at = link
            uow.emit(
                RegistrationAttemptedForExistingAccount(
                    owner.id, owner.email, owner.display_name, url, token, expires_at, now
                )
            )
        log.info("register_existing_email user_id=%s notified=%s", owner.id, link is not None)

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
                await uow.audit.add(audit(AuditAction.EMAIL_VERIFIED, now, user.id, user.id, client))
            await uow.commit()
        return user

    async def resend_verification(self, actor: Actor, *, client: ClientInfo = NO_CLIENT) -> None:
        user_id = signed_in_user(actor, "ask for a verification email")
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
        self, uow: UserUnitOfWork, user: User, now: datetime, client: ClientInfo
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
        await uow.audit.add(audit(AuditAction.EMAIL_VERIFICATION_SENT, now, user.id, user.id, client))
        if self._policy.log_links:
            # Dev default until the notification service mails it (LMS_LOG_EMAIL_LINKS=false to stop).
            log.info(
                "email_verification_link",
                extra={"user_id": user.id, "email": user.email, "link": url, "purpose": "verify_email"},
            )

    # -- reading and editing --

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
        self, actor: Actor, user_id: str, changes: ProfileChanges, *, client: ClientInfo = NO_CLIENT
    ) -> User:
        """Apply the named profile fields (the contract's policy let only the owner or an
        admin call this)."""
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
                    audit(
                        AuditAction.PROFILE_UPDATED,
                        now,
                        user.id,
                        actor_ref(actor),
                        client,
                        fields=sorted(changes.fields),
                    )
                )
                await uow.commit()
        return user
