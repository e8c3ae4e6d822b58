"""Suspending, re-enabling and closing accounts, and telling other services where an
account stands (their kit refuses the writes of accounts that are not active).

Closing erases the personal data the service holds (email, names, profile, password,
two-factor secrets, linked providers) and revokes every session; the id stays as a
tombstone so that orders, grades and certificates elsewhere still resolve. Each change
is audited and published (UserDisabled / UserEnabled / UserDeleted) with the commit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from lms_kit.domain import Actor, Clock, Invalid, utc_now
from lms_user.domain.audit import NO_CLIENT, AuditAction, ClientInfo
from lms_user.domain.errors import CannotDisableSelf, UserNotFound
from lms_user.domain.model import AccountStatus, User
from lms_user.domain.sessions import RevokeReason
from lms_user.handlers.common import actor_ref, audit
from lms_user.handlers.ports import UserUnitOfWork
from lms_user.handlers.signin import PasswordCheck

log = logging.getLogger("lms_user")


@dataclass(frozen=True, slots=True)
class AccountClosure:
    user_id: str
    deleted_at: datetime


@dataclass(frozen=True, slots=True)
class AccountStanding:
    user_id: str
    status: AccountStatus
    changed_at: datetime


class AccountStatusHandlers:
    def __init__(
        self, uow: Callable[[], UserUnitOfWork], *, password_check: PasswordCheck, clock: Clock = utc_now
    ) -> None:
        self._uow = uow
        self._check = password_check
        self._clock = clock

    async def disable(
        self, actor: Actor, user_id: str, *, reason: str, client: ClientInfo = NO_CLIENT
    ) -> User:
        """Suspend the account (administrators, by the contract) and revoke its sessions.
        Safe to retry: a suspended account is returned unchanged."""
        if not reason.strip():
            raise Invalid.field("reason", "REQUIRED", "say why the account is suspended")
        if user_id == actor.user_id:
            raise CannotDisableSelf()
        by = actor_ref(actor)
        now = self._clock()
        async with self._uow() as uow:
            user = await self._living(uow, user_id)
            if user.disable(by=by, reason=reason, now=now):
                await uow.users.save(user)
                revoked = await uow.sessions.revoke_all(user.id, RevokeReason.ACCOUNT_DISABLED, now)
                await uow.audit.add(
                    audit(
                        AuditAction.USER_DISABLED, now, user.id, by, client, reason=reason, sessions=revoked
                    )
                )
                await uow.commit()
                log.warning("user_disabled user_id=%s actor_id=%s", user.id, by)
        return user

    async def enable(
        self, actor: Actor, user_id: str, *, reason: str = "", client: ClientInfo = NO_CLIENT
    ) -> User:
        """Lift a suspension (administrators). Safe to retry."""
        by = actor_ref(actor)
        now = self._clock()
        async with self._uow() as uow:
            user = await self._living(uow, user_id)
            if user.enable(by=by, now=now):
                await uow.users.save(user)
                await uow.audit.add(audit(AuditAction.USER_ENABLED, now, user.id, by, client, reason=reason))
                await uow.commit()
                log.info("user_enabled user_id=%s actor_id=%s", user.id, by)
        return user

    async def delete(
        self,
        actor: Actor,
        user_id: str,
        *,
        password: str = "",
        reason: str = "",
        client: ClientInfo = NO_CLIENT,
    ) -> AccountClosure:
        """Close the account: its owner with their password (if it has one), an
        administrator with a reason. A closed account answers its first closure again."""
        own = actor.user_id == user_id
        if not own and not reason.strip():
            raise Invalid.field("reason", "REQUIRED", "say why the account is closed")
        async with self._uow() as uow:
            user = await uow.users.get(user_id)
            stored_hash = await uow.credentials.get_password_hash(user_id) if user else None
        if user is None:
            raise UserNotFound([user_id])
        if user.is_deleted:
            return AccountClosure(user.id, user.status_changed_at or user.updated_at)
        if own and stored_hash is not None:
            if not password:
                raise Invalid.field("password", "REQUIRED", "confirm with your current password")
            await self._check.check(user, stored_hash, password, client)
        by = actor_ref(actor)
        now = self._clock()
        async with self._uow() as uow:
            user = await uow.users.get(user_id, lock=True)
            if user is None:
                raise UserNotFound([user_id])
            if user.delete(by=by, now=now):  # False: a concurrent closure won
                await uow.users.save(user)
                await uow.credentials.delete(user.id)
                await uow.mfa.delete_totp(user.id)
                unlinked = await uow.identities.unlink_all(user.id)
                revoked = await uow.sessions.revoke_all(user.id, RevokeReason.ACCOUNT_DELETED, now)
                await uow.audit.add(
                    audit(
                        AuditAction.USER_DELETED,
                        now,
                        user.id,
                        by,
                        client,
                        reason=reason,
                        own=own,
                        sessions=revoked,
                        providers=unlinked,
                    )
                )
                await uow.commit()
                log.warning("user_deleted user_id=%s actor_id=%s own=%s", user.id, by, own)
        return AccountClosure(user.id, user.status_changed_at or now)

    async def standing(self, user_id: str) -> AccountStanding:
        """Where the account stands (UserNotFound for an id with no account)."""
        async with self._uow() as uow:
            user = await uow.users.get(user_id)
        if user is None:
            raise UserNotFound([user_id])
        return AccountStanding(user.id, user.status, user.status_changed_at or user.created_at)

    @staticmethod
    async def _living(uow: UserUnitOfWork, user_id: str) -> User:
        user = await uow.users.get(user_id, lock=True)
        if user is None or user.is_deleted:
            raise UserNotFound([user_id])
        return user
