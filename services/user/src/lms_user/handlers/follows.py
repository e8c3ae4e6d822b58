"""Who follows whom, and public profiles with their counts."""

from __future__ import annotations

from collections.abc import Callable

from lms_kit.domain import Actor, Clock, utc_now
from lms_user.domain.errors import CannotFollowSelf, UserNotFound
from lms_user.domain.follows import FollowView
from lms_user.domain.model import UserFollowed
from lms_user.handlers.common import signed_in_user
from lms_user.handlers.ports import UserUnitOfWork
from lms_user.handlers.results import After, Page, ProfileWithCounts


class FollowHandlers:
    def __init__(self, uow: Callable[[], UserUnitOfWork], *, clock: Clock = utc_now) -> None:
        self._uow = uow
        self._clock = clock

    async def follow(self, actor: Actor, followee_id: str) -> bool:
        """Follow (idempotent); True when the follow is new."""
        follower_id = signed_in_user(actor, "follow someone")
        if follower_id == followee_id:
            raise CannotFollowSelf()
        now = self._clock()
        async with self._uow() as uow:
            found = await uow.users.get_many([follower_id, followee_id])
            if followee_id not in found:
                raise UserNotFound([followee_id])
            if follower_id not in found:
                raise UserNotFound([follower_id])
            created = await uow.follows.add(follower_id, followee_id, now)
            if created:
                uow.emit(UserFollowed(follower_id, followee_id, now))
                await uow.commit()
        return created

    async def unfollow(self, actor: Actor, followee_id: str) -> bool:
        """Stop following (idempotent); True when there was a follow."""
        follower_id = signed_in_user(actor, "unfollow someone")
        async with self._uow() as uow:
            removed = await uow.follows.remove(follower_id, followee_id)
            if removed:
                await uow.commit()
        return removed

    async def public_profile(self, user_id: str) -> ProfileWithCounts:
        async with self._uow() as uow:
            user = await uow.users.get(user_id)
            # Public once the email is verified: until then an id proves nothing (Register
            # answers a stand-in for a registered email, which has no profile either).
            if user is None or user.is_deleted or not user.email_verified:
                raise UserNotFound([user_id])
            followers, following = await uow.follows.counts(user_id)
        return ProfileWithCounts(user, followers, following)

    async def list_follows(
        self, user_id: str, *, followers: bool, after: After, size: int
    ) -> Page[FollowView]:
        """The user's followers (or whom they follow), newest first."""
        async with self._uow() as uow:
            if await uow.users.get(user_id) is None:
                raise UserNotFound([user_id])
            lister = uow.follows.followers if followers else uow.follows.following
            rows = await lister(user_id, after=after, limit=size + 1)
        if followers:
            return Page(rows, size, lambda f: (f.created_at, f.follower_id))
        return Page(rows, size, lambda f: (f.created_at, f.followee_id))
