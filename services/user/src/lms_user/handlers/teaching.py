"""Becoming a teacher: apply, read and list applications, and the administrators'
decision, which grants the teacher role in the same transaction."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from lms_kit.domain import Actor, Clock, EmailNotVerified, utc_now
from lms_user.domain.audit import NO_CLIENT, AuditAction, ClientInfo
from lms_user.domain.errors import (
    AlreadyTeacher,
    NotAllowed,
    TeacherApplicationNotFound,
    TeacherApplicationPending,
    UserNotFound,
)
from lms_user.domain.model import Role
from lms_user.domain.teaching import (
    ApplicationState,
    TeacherApplication,
    TeachingProfile,
    application_name,
)
from lms_user.handlers.common import actor_ref, audit, signed_in_user
from lms_user.handlers.ports import UserUnitOfWork
from lms_user.handlers.results import After, Page


class TeachingHandlers:
    def __init__(self, uow: Callable[[], UserUnitOfWork], *, clock: Clock = utc_now) -> None:
        self._uow = uow
        self._clock = clock

    async def apply(
        self, actor: Actor, user_id: str, profile: TeachingProfile, *, client: ClientInfo = NO_CLIENT
    ) -> TeacherApplication:
        """Submit an application for `user_id` (the caller). The same application again
        while it is pending returns the pending one, so a retry is harmless."""
        if signed_in_user(actor, "apply to teach") != user_id:
            raise NotAllowed("only the account holder can apply to teach")
        now = self._clock()
        async with self._uow() as uow:
            user = await uow.users.get(user_id)
            if user is None:
                raise UserNotFound([user_id])
            if Role.TEACHER in user.roles:
                raise AlreadyTeacher()
            if not user.email_verified:
                raise EmailNotVerified("apply to teach")
            pending = await uow.applications.pending_for(user_id)
            if pending is not None:
                if pending.profile == profile:
                    pending.applicant_display_name = user.display_name
                    return pending
                raise TeacherApplicationPending(pending.name)
            application = TeacherApplication.submit(
                application_id=str(uuid.uuid4()), user_id=user_id, profile=profile, now=now
            )
            await uow.applications.add(application)
            await uow.audit.add(
                audit(
                    AuditAction.TEACHER_APPLICATION_SUBMITTED,
                    now,
                    user_id,
                    user_id,
                    client,
                    application=application.id,
                )
            )
            await uow.commit()
        application.applicant_display_name = user.display_name
        return application

    async def get(self, user_id: str, application_id: str) -> TeacherApplication:
        async with self._uow() as uow:
            application = await uow.applications.get(user_id, application_id)
            if application is None:
                raise TeacherApplicationNotFound(application_name(user_id, application_id))
            user = await uow.users.get(user_id)
        application.applicant_display_name = user.display_name if user else ""
        return application

    async def list(
        self, user_id: str | None, state: ApplicationState | None, *, after: After, size: int
    ) -> Page[TeacherApplication]:
        """One applicant's applications, or (user_id None) everyone's: oldest first."""
        async with self._uow() as uow:
            rows = await uow.applications.list(user_id, state, after=after, limit=size + 1)
        return Page(rows, size, lambda a: (a.submitted_at, a.id))

    async def decide(
        self,
        actor: Actor,
        user_id: str,
        application_id: str,
        *,
        approve: bool,
        note: str,
        client: ClientInfo = NO_CLIENT,
    ) -> TeacherApplication:
        """Approve (the applicant gains the teacher role) or decline a pending
        application. Deciding again the same way changes nothing."""
        by = actor_ref(actor)
        now = self._clock()
        async with self._uow() as uow:
            application = await uow.applications.get(user_id, application_id, lock=True)
            if application is None:
                raise TeacherApplicationNotFound(application_name(user_id, application_id))
            user = await uow.users.get(user_id, lock=True)
            if user is None:
                raise UserNotFound([user_id])
            if application.decide(approve=approve, by=by, note=note, now=now):
                await uow.applications.save(application)
                if approve and Role.TEACHER not in user.roles:
                    previous = user.roles
                    reason = f"teacher application {application.id} approved"
                    user.set_roles(previous | {Role.TEACHER}, changed_by=by, reason=reason, now=now)
                    await uow.users.save(user)
                    await uow.audit.add(
                        audit(
                            AuditAction.ROLES_CHANGED,
                            now,
                            user_id,
                            by,
                            client,
                            previous=sorted(previous),
                            roles=sorted(user.roles),
                            reason=reason,
                        )
                    )
                await uow.audit.add(
                    audit(
                        AuditAction.TEACHER_APPLICATION_DECIDED,
                        now,
                        user_id,
                        by,
                        client,
                        application=application.id,
                        approved=approve,
                    )
                )
                await uow.commit()
        application.applicant_display_name = user.display_name
        return application
