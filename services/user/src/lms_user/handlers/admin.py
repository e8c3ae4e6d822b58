"""What administrators do: set roles, read the security audit log."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from lms_kit.domain import Actor, Clock, EmailNotVerified, utc_now
from lms_user.domain.audit import NO_CLIENT, AuditAction, AuditEntry, AuditQuery, ClientInfo
from lms_user.domain.errors import InvalidRoles, UserNotFound
from lms_user.domain.model import Role, User
from lms_user.domain.passwords import normalise_email
from lms_user.handlers.common import actor_ref, audit
from lms_user.handlers.ports import UserUnitOfWork
from lms_user.handlers.results import After, Page

log = logging.getLogger("lms_user")


class AdminHandlers:
    def __init__(self, uow: Callable[[], UserUnitOfWork], *, clock: Clock = utc_now) -> None:
        self._uow = uow
        self._clock = clock

    async def set_roles(
        self,
        actor: Actor,
        user_id: str,
        roles: Iterable[Role],
        *,
        reason: str = "",
        client: ClientInfo = NO_CLIENT,
    ) -> User:
        """Replace the user's roles (the contract lets only admins call this); an admin
        cannot drop their own admin role."""
        wanted = frozenset(roles)
        if not wanted:
            raise InvalidRoles("a user needs at least one role")
        actor_id = actor_ref(actor)
        now = self._clock()
        async with self._uow() as uow:
            user = await uow.users.get(user_id, lock=True)
            if user is None:
                raise UserNotFound([user_id])
            previous = user.roles
            if user.set_roles(wanted, changed_by=actor_id, reason=reason, now=now):
                await uow.users.save(user)
                await uow.audit.add(
                    audit(
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

    async def grant_admin(self, email: str, *, operator: str, reason: str) -> tuple[User, bool]:
        """The operator's way to a deployment's first administrator (lms_user.operator):
        the account of `email` must exist with its email verified. Audited and published
        like any role change, by `operator:<operator>`. Returns the user and whether the
        role was new."""
        address = normalise_email(email)
        by = f"operator:{operator}"
        now = self._clock()
        async with self._uow() as uow:
            found = await uow.users.get_by_email(address)
            if found is None:
                raise UserNotFound([address])
            user = await uow.users.get(found.id, lock=True)
            assert user is not None
            if not user.email_verified:
                raise EmailNotVerified("become an administrator")
            previous = user.roles
            granted = user.set_roles(previous | {Role.ADMIN}, changed_by=by, reason=reason, now=now)
            if granted:
                await uow.users.save(user)
                await uow.audit.add(
                    audit(
                        AuditAction.ROLES_CHANGED,
                        now,
                        user.id,
                        by,
                        NO_CLIENT,
                        previous=sorted(previous),
                        roles=sorted(user.roles),
                        reason=reason,
                    )
                )
                await uow.commit()
        log.warning("admin_granted_by_operator user_id=%s operator=%s new=%s", user.id, operator, granted)
        return user, granted

    async def list_audit(self, query: AuditQuery, *, after: After, size: int) -> Page[AuditEntry]:
        """Audit entries matching `query`, newest first."""
        async with self._uow() as uow:
            rows = await uow.audit.list(query, after=after, limit=size + 1)
        return Page(rows, size, lambda e: (e.occurred_at, e.id))
