"""Push devices: a user's FCM registration tokens (pruned by the workers when FCM says so)."""

from __future__ import annotations

from collections.abc import Callable

from lms_notification.domain.model import Recipient
from lms_notification.handlers.ports import NotificationUnitOfWork

MAX_DEVICES = 10


class DeviceHandlers:
    def __init__(self, uow: Callable[[], NotificationUnitOfWork]) -> None:
        self._uow = uow

    async def register(self, user_id: str, token: str) -> int:
        """Add the token (newest last, at most MAX_DEVICES); how many the user has now."""
        async with self._uow() as uow:
            recipient = await uow.recipients.get(user_id) or Recipient(user_id)
            tokens = [t for t in recipient.device_tokens if t != token] + [token]
            recipient.device_tokens = tokens[-MAX_DEVICES:]
            await uow.recipients.save(recipient)
            await uow.commit()
        return len(recipient.device_tokens)
