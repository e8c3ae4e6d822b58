"""Templates in PostgreSQL (placements as JSON)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from lms_certificate.adapters.tables import templates
from lms_certificate.domain.template import Orientation, PageSize, Placement, Template
from lms_certificate.handlers.ports import After
from lms_kit.uow import SqlRepository


def _placements(template: Template) -> list[dict[str, Any]]:
    return [
        {"kind": p.kind, "x_mm": p.x_mm, "y_mm": p.y_mm, "size": p.size, "align": p.align, "text": p.text}
        for p in template.placements
    ]


def _template(row: Any) -> Template:
    return Template(
        id=row.id,
        course_id=row.course_id,
        display_name=row.display_name,
        orientation=Orientation(row.orientation),
        page_size=PageSize(row.page_size),
        font_family=row.font_family,
        placements=[Placement(**p) for p in row.placements],
        signature_image=row.signature_image,
        logo_image=row.logo_image,
        background_image=row.background_image,
        created_at=row.created_at,
        updated_at=row.updated_at,
        created_by=row.created_by,
        request_id=row.request_id,
    )


def _values(template: Template) -> dict[str, Any]:
    return {
        "display_name": template.display_name,
        "orientation": template.orientation.value,
        "page_size": template.page_size.value,
        "font_family": template.font_family,
        "placements": _placements(template),
        "signature_image": template.signature_image,
        "logo_image": template.logo_image,
        "background_image": template.background_image,
        "updated_at": template.updated_at,
    }


class SqlTemplates(SqlRepository):
    async def add(self, template: Template) -> Template:
        inserted = await self.session.execute(
            insert(templates)
            .values(
                id=template.id,
                course_id=template.course_id,
                created_by=template.created_by,
                request_id=template.request_id,
                created_at=template.created_at,
                **_values(template),
            )
            .on_conflict_do_nothing(constraint="templates_creator_request_key")
            .returning(templates.c.id)
        )
        if inserted.first() is not None:
            return self.seen(template)
        row = (
            await self.session.execute(
                sa.select(templates).where(
                    templates.c.created_by == template.created_by,
                    templates.c.request_id == template.request_id,
                )
            )
        ).one()
        return _template(row)

    async def get(self, template_id: str) -> Template | None:
        row = (await self.session.execute(sa.select(templates).where(templates.c.id == template_id))).first()
        return self.seen(_template(row)) if row is not None else None

    async def save(self, template: Template) -> None:
        await self.session.execute(
            sa.update(templates).where(templates.c.id == template.id).values(**_values(template))
        )

    async def newest(self, course_id: str) -> Template | None:
        found = await self.list(course_id, None, 1)
        return found[0] if found else None

    async def list(self, course_id: str, after: After, limit: int) -> list[Template]:
        query = sa.select(templates).where(templates.c.course_id == course_id)
        if after is not None:
            query = query.where(sa.tuple_(templates.c.created_at, templates.c.id) < sa.tuple_(*after))
        query = query.order_by(templates.c.created_at.desc(), templates.c.id.desc()).limit(limit)
        return [_template(row) for row in await self.session.execute(query)]
