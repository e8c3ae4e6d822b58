"""Preferences (the user or an administrator) and the signed one-click unsubscribe links."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from lms_notification.domain import unsubscribe
from lms_notification.domain.catalog import Category, Channel
from lms_notification.domain.preferences import Preferences
from lms_notification.domain.rendering import check_locale
from lms_notification.handlers.ports import NotificationUnitOfWork

FIELDS = (
    "opt_outs",
    "time_zone",
    "quiet_start_minute",
    "quiet_end_minute",
    "marketing_unsubscribed",
    "locale",
    "social_digest",
)


class PreferenceHandlers:
    def __init__(
        self, uow: Callable[[], NotificationUnitOfWork], *, secret: bytes, locales: tuple[str, ...]
    ) -> None:
        self._uow = uow
        self._secret = secret
        self._locales = locales

    async def get(self, user_id: str) -> Preferences:
        async with self._uow() as uow:
            return await uow.preferences.get(user_id) or Preferences(user_id)

    async def update(self, changes: Preferences, fields: Iterable[str]) -> Preferences:
        """Copy `fields` of `changes` onto the stored preferences, after checking them."""
        changes.check()
        check_locale(changes.locale, self._locales, field_path="preferences.locale")
        async with self._uow() as uow:
            current = await uow.preferences.get(changes.user_id) or Preferences(changes.user_id)
            for name in fields:
                setattr(current, name, getattr(changes, name))
            await uow.preferences.save(current)
            await uow.commit()
        return current

    async def check_link(self, token: str) -> tuple[str, Category, bool]:
        """What a link would do: (user, category, already unsubscribed); changes nothing."""
        user_id, category = unsubscribe.verify(self._secret, token)
        preferences = await self.get(user_id)
        return user_id, category, _unsubscribed(preferences, category)

    async def unsubscribe(self, token: str) -> tuple[str, Category, bool]:
        """Leave the link's category of email (marketing: all of it); idempotent."""
        user_id, category = unsubscribe.verify(self._secret, token)
        async with self._uow() as uow:
            preferences = await uow.preferences.get(user_id) or Preferences(user_id)
            if category is Category.MARKETING:
                preferences.marketing_unsubscribed = True
            preferences.opt_outs.add((category, Channel.EMAIL))
            await uow.preferences.save(preferences)
            await uow.commit()
        return user_id, category, True


def _unsubscribed(preferences: Preferences, category: Category) -> bool:
    if category is Category.MARKETING and preferences.marketing_unsubscribed:
        return True
    return (category, Channel.EMAIL) in preferences.opt_outs
