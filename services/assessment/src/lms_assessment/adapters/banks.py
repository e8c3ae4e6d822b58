"""Banks, categories and versioned questions in PostgreSQL."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from lms_assessment.adapters.tables import banks, categories, question_versions, questions
from lms_assessment.domain.bank import Bank, Category, Question, QuestionVersion
from lms_assessment.domain.questions.codec import body_from_dict, body_to_dict
from lms_kit.uow import SqlRepository


class SqlBanks(SqlRepository):
    async def add(self, bank: Bank) -> None:
        await self.session.execute(
            banks.insert().values(
                id=bank.id, course_id=bank.course_id, title=bank.title, created_by=bank.created_by,
                created_at=bank.created_at,
            )
        )  # fmt: skip
        self.seen(bank)

    async def get(self, bank_id: str) -> Bank | None:
        row = (await self.session.execute(sa.select(banks).where(banks.c.id == bank_id))).first()
        if row is None:
            return None
        return self.seen(Bank(row.id, row.course_id, row.title, row.created_by, row.created_at))


class SqlCategories(SqlRepository):
    async def add(self, category: Category) -> None:
        await self.session.execute(
            categories.insert().values(
                id=category.id, bank_id=category.bank_id, parent_id=category.parent_id, name=category.name
            )
        )
        self.seen(category)

    async def get(self, category_id: str) -> Category | None:
        row = (
            await self.session.execute(sa.select(categories).where(categories.c.id == category_id))
        ).first()
        return self.seen(Category(row.id, row.bank_id, row.parent_id, row.name)) if row else None

    async def in_bank(self, bank_id: str) -> list[Category]:
        rows = await self.session.execute(
            sa.select(categories)
            .where(categories.c.bank_id == bank_id)
            .order_by(categories.c.name, categories.c.id)
        )
        found = [Category(r.id, r.bank_id, r.parent_id, r.name) for r in rows]
        # Parents before children: a stable walk of the tree from the top.
        children: dict[str, list[Category]] = {}
        for category in found:
            children.setdefault(category.parent_id, []).append(category)
        ordered: list[Category] = []
        stack = list(reversed(children.get("", [])))
        while stack:
            category = stack.pop()
            ordered.append(category)
            stack.extend(reversed(children.get(category.id, [])))
        return ordered

    async def with_descendants(self, category_id: str) -> list[str]:
        tree = sa.select(categories.c.id).where(categories.c.id == category_id).cte("tree", recursive=True)
        tree = tree.union_all(sa.select(categories.c.id).where(categories.c.parent_id == tree.c.id))
        return list((await self.session.execute(sa.select(tree.c.id))).scalars())


def _version(row: Any) -> QuestionVersion:
    return QuestionVersion(
        row.version, row.title, row.text, body_from_dict(row.body), row.points, row.general_feedback,
        row.created_by, row.created_at,
    )  # fmt: skip


class SqlQuestions(SqlRepository):
    async def add(self, question: Question) -> None:
        await self.session.execute(
            questions.insert().values(
                id=question.id, bank_id=question.bank_id, category_id=question.category_id,
                tags=list(question.tags), current_version=question.current.version,
            )
        )  # fmt: skip
        await self._insert_version(question.id, question.current)
        self.seen(question)

    async def _insert_version(self, question_id: str, version: QuestionVersion) -> None:
        await self.session.execute(
            question_versions.insert().values(
                question_id=question_id, version=version.version, title=version.title, text=version.text,
                body=body_to_dict(version.body), points=version.points, general_feedback=version.general_feedback,
                created_by=version.created_by, created_at=version.created_at,
            )
        )  # fmt: skip

    async def add_version(self, question: Question, version: QuestionVersion) -> None:
        await self._insert_version(question.id, version)
        await self.session.execute(
            questions.update()
            .where(questions.c.id == question.id)
            .values(
                category_id=question.category_id, tags=list(question.tags), current_version=version.version
            )
        )

    def _select(self) -> sa.Select[Any]:
        return sa.select(questions, question_versions).join(
            question_versions,
            sa.and_(
                question_versions.c.question_id == questions.c.id,
                question_versions.c.version == questions.c.current_version,
            ),
        )

    def _question(self, row: Any) -> Question:
        return self.seen(Question(row.id, row.bank_id, row.category_id, tuple(row.tags), _version(row)))

    async def get(self, question_id: str) -> Question | None:
        row = (await self.session.execute(self._select().where(questions.c.id == question_id))).first()
        return self._question(row) if row else None

    async def version(self, question_id: str, version: int) -> QuestionVersion | None:
        row = (
            await self.session.execute(
                sa.select(question_versions).where(
                    question_versions.c.question_id == question_id, question_versions.c.version == version
                )
            )
        ).first()
        return _version(row) if row else None

    async def page(self, bank_id: str, category_id: str, tag: str, after: str, limit: int) -> list[Question]:
        query = self._select().where(questions.c.bank_id == bank_id)
        if category_id:
            query = query.where(questions.c.category_id == category_id)
        if tag:
            query = query.where(sa.literal(tag) == sa.any_(questions.c.tags))
        if after:
            query = query.where(questions.c.id > after)
        rows = await self.session.execute(query.order_by(questions.c.id).limit(limit))
        return [self._question(r) for r in rows]

    async def ids_in(self, category_ids: list[str]) -> list[str]:
        rows = await self.session.execute(
            sa.select(questions.c.id)
            .where(questions.c.category_id.in_(category_ids))
            .order_by(questions.c.id)
        )
        return list(rows.scalars())
