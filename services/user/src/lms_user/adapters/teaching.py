"""Teacher applications on PostgreSQL; listings carry the applicant's display name."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from lms_kit.uow import SqlRepository
from lms_user.adapters.tables import teacher_applications as apps
from lms_user.adapters.tables import users
from lms_user.domain.errors import TeacherApplicationPending
from lms_user.domain.teaching import ApplicationState, TeacherApplication, TeachingProfile
from lms_user.handlers.results import After


class SqlTeacherApplications(SqlRepository):
    async def add(self, application: TeacherApplication) -> None:
        try:
            await self.session.execute(sa.insert(apps).values(**_row(application)))
        except IntegrityError as exc:
            if "uq_teacher_applications_one_pending" in str(exc.orig):
                raise TeacherApplicationPending(application.name) from None
            raise
        self.seen(application)

    async def get(
        self, user_id: str, application_id: str, *, lock: bool = False
    ) -> TeacherApplication | None:
        query = sa.select(apps).where(apps.c.id == application_id, apps.c.user_id == user_id)
        if lock:
            query = query.with_for_update()
        return await self._one(query)

    async def pending_for(self, user_id: str) -> TeacherApplication | None:
        return await self._one(
            sa.select(apps).where(apps.c.user_id == user_id, apps.c.state == ApplicationState.PENDING.value)
        )

    async def save(self, application: TeacherApplication) -> None:
        row = _row(application)
        del row["id"], row["user_id"], row["submitted_at"]
        await self.session.execute(sa.update(apps).where(apps.c.id == application.id).values(**row))
        self.seen(application)

    async def list(
        self, user_id: str | None, state: ApplicationState | None, *, after: After, limit: int
    ) -> list[TeacherApplication]:
        query = sa.select(apps, users.c.display_name).join(users, users.c.id == apps.c.user_id)
        if user_id is not None:
            query = query.where(apps.c.user_id == user_id)
        if state is not None:
            query = query.where(apps.c.state == state.value)
        if after is not None:
            moment, key = after
            query = query.where(
                sa.or_(apps.c.submitted_at > moment, sa.and_(apps.c.submitted_at == moment, apps.c.id > key))
            )
        query = query.order_by(apps.c.submitted_at, apps.c.id).limit(limit)
        found = []
        for row in (await self.session.execute(query)).mappings():
            application = _application(row)
            application.applicant_display_name = row["display_name"]
            found.append(application)
        return found

    async def _one(self, query: Any) -> TeacherApplication | None:
        row = (await self.session.execute(query)).mappings().first()
        return self.seen(_application(row)) if row else None


def _row(application: TeacherApplication) -> dict[str, Any]:
    profile = application.profile
    return {
        "id": application.id,
        "user_id": application.user_id,
        "headline": profile.headline,
        "bio": profile.bio,
        "topics": list(profile.topics),
        "sample_url": profile.sample_url,
        "state": application.state.value,
        "submitted_at": application.submitted_at,
        "decided_at": application.decided_at,
        "decided_by": application.decided_by,
        "note": application.note,
    }


def _application(row: Any) -> TeacherApplication:
    return TeacherApplication(
        id=row["id"],
        user_id=row["user_id"],
        profile=TeachingProfile(row["headline"], row["bio"], tuple(row["topics"]), row["sample_url"]),
        state=ApplicationState(row["state"]),
        submitted_at=row["submitted_at"],
        decided_at=row["decided_at"],
        decided_by=row["decided_by"],
        note=row["note"],
    )
