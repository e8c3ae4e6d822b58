"""Templates: saved only when every field is known and the font is installed; previewed
with sample data."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from lms_certificate.domain.errors import NotCourseTeacher, TemplateNotFound
from lms_certificate.domain.template import Printed, Template
from lms_certificate.handlers.access import require_teacher
from lms_certificate.handlers.ports import After, CertificateUnitOfWork, Directory, Documents
from lms_kit.domain import Actor, Clock, utc_now

# What a template may change after creation (its course is fixed).
MUTABLE = frozenset(
    {
        "display_name",
        "orientation",
        "page_size",
        "font_family",
        "placements",
        "signature_image",
        "logo_image",
        "background_image",
    }
)


class TemplateHandlers:
    def __init__(
        self,
        uow: Callable[[], CertificateUnitOfWork],
        directory: Directory,
        documents: Documents,
        *,
        issuer_name: str,
        verification_page: str,
        clock: Clock = utc_now,
    ) -> None:
        self._uow = uow
        self._directory = directory
        self._documents = documents
        self._issuer_name = issuer_name
        self._verification_page = verification_page
        self._clock = clock

    async def _require_editor(self, actor: Actor, course_id: str) -> None:
        if course_id:
            await require_teacher(actor, self._directory, course_id)
        elif not actor.is_admin:
            raise NotCourseTeacher("")

    async def create(self, actor: Actor, draft: Template, *, request_id: str | None = None) -> Template:
        await self._require_editor(actor, draft.course_id)
        now = self._clock()
        template = replace(
            draft,
            id=str(uuid.uuid4()),
            display_name=draft.display_name.strip(),
            created_at=now,
            updated_at=now,
            created_by=actor.user_id,
            request_id=request_id,
        )
        template.check(self._documents.families())
        async with self._uow() as uow:
            stored = await uow.templates.add(template)
            await uow.commit()
        return stored

    async def update(self, actor: Actor, template_id: str, changes: Mapping[str, Any]) -> Template:
        async with self._uow() as uow:
            template = await uow.templates.get(template_id)
            if template is None:
                raise TemplateNotFound(template_id)
            await self._require_editor(actor, template.course_id)
            values = {k: v for k, v in changes.items() if k in MUTABLE}
            changed = replace(template, **values, updated_at=self._clock())
            changed.check(self._documents.families())
            await uow.templates.save(changed)
            await uow.commit()
        return changed

    async def get(self, template_id: str) -> Template:
        async with self._uow() as uow:
            template = await uow.templates.get(template_id)
        if template is None:
            raise TemplateNotFound(template_id)
        return template

    async def list(self, course_id: str, after: After, limit: int) -> list[Template]:
        async with self._uow() as uow:
            return await uow.templates.list(course_id, after, limit)

    async def preview(self, template_id: str, *, learner_name: str = "", course_title: str = "") -> bytes:
        template = await self.get(template_id)
        sample = Printed(
            "00000000-0000-0000-0000-000000000000",
            learner_name.strip() or "Ada Lovelace",
            course_title.strip() or "Sample course",
            datetime(2026, 1, 15, tzinfo=UTC),
            12.5,
            "A",
            self._verification_page.format(id="00000000-0000-0000-0000-000000000000"),
            self._issuer_name,
        )
        return await self._documents.preview(template, sample)
