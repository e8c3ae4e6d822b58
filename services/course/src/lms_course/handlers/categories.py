"""The catalogue's category tree: create, list, rename, move (subtrees move along)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from lms_course.domain import ordering
from lms_course.domain.errors import (
    CategoryCycle,
    CategoryNotFound,
    CategorySlugTaken,
    InvalidField,
    UpdateMaskInvalid,
)
from lms_course.domain.graph import category_path, moves_under_itself
from lms_course.domain.model import Category
from lms_course.handlers.common import SharedReads
from lms_course.handlers.ports import CourseUnitOfWork

CATEGORY_FIELDS = ("slug", "display_name")


def _check_slug(slug: str) -> None:
    if not slug:
        raise InvalidField("category.slug", "REQUIRED", "a category needs a slug")


def _check_name(display_name: str) -> None:
    if not display_name.strip():
        raise InvalidField("category.display_name", "REQUIRED", "a category needs a name")


class CategoryHandlers:
    def __init__(self, uow: Callable[[], CourseUnitOfWork], *, shared: SharedReads | None = None) -> None:
        self._uow = uow
        self._shared = shared or SharedReads()

    async def create(self, *, parent_id: str | None, slug: str, display_name: str) -> Category:
        """Append a category to its siblings (top level without a parent)."""
        _check_slug(slug)
        _check_name(display_name)
        async with self._uow() as uow:
            await uow.categories.lock_tree()
            parent_path = "/"
            if parent_id:
                parent = await uow.categories.get(parent_id)
                if parent is None:
                    raise CategoryNotFound(parent_id)
                parent_path = parent.path
            category_id = str(uuid.uuid4())
            siblings = await uow.categories.sibling_ids(parent_id)
            category = Category(
                category_id,
                parent_id,
                slug,
                display_name,
                len(siblings),
                category_path(parent_path, category_id),
            )
            await uow.categories.add(category)
            await uow.commit()
        self._shared.catalogue_changed()
        return category

    async def tree(self) -> list[Category]:
        """The whole tree, depth first, siblings in order."""
        async with self._uow() as uow:
            found = await uow.categories.list_all()
        children: dict[str | None, list[Category]] = {}
        for category in found:
            children.setdefault(category.parent_id, []).append(category)
        ordered: list[Category] = []

        def walk(parent: str | None) -> None:
            for category in sorted(children.get(parent, []), key=lambda c: (c.position, c.id)):
                ordered.append(category)
                walk(category.id)

        walk(None)
        return ordered

    async def update(self, category_id: str, fields: set[str], *, slug: str, display_name: str) -> Category:
        unknown = sorted(fields - set(CATEGORY_FIELDS))
        if unknown:
            raise UpdateMaskInvalid(unknown)
        async with self._uow() as uow:
            category = await uow.categories.get(category_id)
            if category is None:
                raise CategoryNotFound(category_id)
            if "slug" in fields:
                _check_slug(slug)
                if await uow.categories.slug_taken(slug, category_id):
                    raise CategorySlugTaken(slug)
                category.slug = slug
            if "display_name" in fields:
                _check_name(display_name)
                category.display_name = display_name
            await uow.categories.save(category)
            await uow.commit()
        self._shared.catalogue_changed()
        return category

    async def move(self, category_id: str, *, parent_id: str | None, position: int) -> Category:
        """Move a category and its subtree; refuses to move it under itself."""
        async with self._uow() as uow:
            await uow.categories.lock_tree()
            category = await uow.categories.get(category_id)
            if category is None:
                raise CategoryNotFound(category_id)
            parent_path = "/"
            if parent_id:
                parent = await uow.categories.get(parent_id)
                if parent is None:
                    raise CategoryNotFound(parent_id)
                if moves_under_itself(category.path, parent.path):
                    raise CategoryCycle()
                parent_path = parent.path
            old_parent = category.parent_id
            if old_parent != parent_id:
                await uow.categories.set_positions(
                    ordering.positions(
                        ordering.removed(await uow.categories.sibling_ids(old_parent), category_id)
                    )
                )
                new_path = category_path(parent_path, category_id)
                await uow.categories.move_subtree(category.path, new_path)
                category.path, category.parent_id = new_path, parent_id
            order = ordering.inserted(
                [i for i in await uow.categories.sibling_ids(parent_id) if i != category_id],
                category_id,
                position,
            )
            category.position = order.index(category_id)
            await uow.categories.save(category)
            await uow.categories.set_positions(ordering.positions(order))
            await uow.commit()
        self._shared.catalogue_changed()
        return category
