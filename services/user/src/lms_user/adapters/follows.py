"""Follows between users, listed with both display names."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from lms_kit.uow import SqlRepository
from lms_user.adapters.sql import before
from lms_user.adapters.tables import follows, users
from lms_user.domain.follows import FollowView
from lms_user.handlers.results import After


class SqlFollows(SqlRepository):
    async def add(self, follower_id: str, followee_id: str, now: datetime) -> bool:
        statement = (
            insert(follows)
            .values(follower_id=follower_id, followee_id=followee_id, created_at=now)
            .on_conflict_do_nothing(index_elements=["follower_id", "followee_id"])
            .returning(follows.c.follower_id)
        )
        return (await self.session.execute(statement)).scalar_one_or_none() is not None

    async def remove(self, follower_id: str, followee_id: str) -> bool:
        result: Any = await self.session.execute(
            sa.delete(follows).where(
                follows.c.follower_id == follower_id, follows.c.followee_id == followee_id
            )
        )
        return bool(result.rowcount == 1)

    async def counts(self, user_id: str) -> tuple[int, int]:
        followers = sa.select(sa.func.count()).where(follows.c.followee_id == user_id).scalar_subquery()
        following = sa.select(sa.func.count()).where(follows.c.follower_id == user_id).scalar_subquery()
        row = (await self.session.execute(sa.select(followers, following))).one()
        return int(row[0]), int(row[1])

    async def followers(self, user_id: str, *, after: After, limit: int) -> list[FollowView]:
        return await self._list(follows.c.followee_id, follows.c.follower_id, user_id, after, limit)

    async def following(self, user_id: str, *, after: After, limit: int) -> list[FollowView]:
        return await self._list(follows.c.follower_id, follows.c.followee_id, user_id, after, limit)

    async def _list(self, own: Any, other: Any, user_id: str, after: After, limit: int) -> list[FollowView]:
        follower, followee = users.alias("follower"), users.alias("followee")
        statement = (
            sa.select(
                follows.c.follower_id,
                follows.c.followee_id,
                follows.c.created_at,
                follower.c.display_name.label("follower_name"),
                followee.c.display_name.label("followee_name"),
            )
            .join(follower, follower.c.id == follows.c.follower_id)
            .join(followee, followee.c.id == follows.c.followee_id)
            .where(own == user_id)
        )
        if after is not None:
            statement = statement.where(before(follows.c.created_at, other, after))
        statement = statement.order_by(follows.c.created_at.desc(), other.desc()).limit(limit)
        rows = (await self.session.execute(statement)).mappings()
        return [
            FollowView(
                row["follower_id"],
                row["followee_id"],
                row["follower_name"],
                row["followee_name"],
                row["created_at"],
            )
            for row in rows
        ]
