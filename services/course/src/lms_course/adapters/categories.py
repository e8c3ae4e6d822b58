"""The category tree in PostgreSQL (materialised paths: a subtree is a prefix match)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from lms_course.adapters.sql import wrote_row
from lms_course.adapters.tables import categories
from lms_course.domain.errors import CategorySlugTaken
from lms_course.domain.model import Category
from lms_kit.uow import SqlRepository


class SqlCategories(SqlRepository):
    async def lock_tree(self) -> None:
        """Serialise tree changes until the transaction ends (moves must see a stable tree)."""
        await self.session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('course.categories'))"))

    async def add(self, category: Category) -> None:
        statement = insert(categories).values(**_category_row(category)).on_conflict_do_nothing()
        if not await wrote_row(self.session, statement, categories.c.id):
            raise CategorySlugTaken(category.slug)

    async def get(self, category_id: str) -> Category | None:
        query = sa.select(categories).where(categories.c.id == category_id)
        row = (await self.session.execute(query)).mappings().first()
        return Category(**row) if row else None

    async def slug_taken(self, slug: str, other_than: str) -> bool:
        query = sa.select(categories.c.id).where(categories.c.slug == slug, categories.c.id != other_than)
        return (await self.session.execute(query)).first() is not None

    async def sibling_ids(self, parent_id: str | None) -> list[str]:
        where = categories.c.parent_id.is_(None) if parent_id is None else categories.c.parent_id == parent_id
        query = sa.select(categories.c.id).where(where).order_by(categories.c.position, categories.c.id)
        return list((await self.session.execute(query)).scalars())

    async def set_positions(self, order: dict[str, int]) -> None:
        for category_id, position in order.items():
            await self.session.execute(
                sa.update(categories).where(categories.c.id == category_id).values(position=position)
            )

    async def save(self, category: Category) -> None:
        row = _category_row(category)
        del row["id"]
        await self.session.execute(sa.update(categories).where(categories.c.id == category.id).values(**row))

    async def move_subtree(self, old_path: str, new_path: str) -> None:
        """Re-root every descendant's path (the category itself included)."""
        await self.session.execute(
            sa.update(categories)
            .where(categories.c.path.startswith(old_path, autoescape=True))
            .values(path=sa.literal(new_path) + sa.func.substr(categories.c.path, len(old_path) + 1))
        )

    async def list_all(self) -> list[Category]:
        rows = (await self.session.execute(sa.select(categories))).mappings()
        return [Category(**row) for row in rows]


def _category_row(category: Category) -> dict[str, Any]:
    return {
        "id": category.id,
        "parent_id": category.parent_id,
        "slug": category.slug,
        "display_name": category.display_name,
        "position": category.position,
        "path": category.path,
    }
