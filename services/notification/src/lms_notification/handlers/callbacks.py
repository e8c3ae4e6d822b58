"""Providers' callbacks about messages already sent: Twilio's SMS status reports."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from lms_kit.domain import Clock, utc_now
from lms_notification.domain.catalog import Channel
from lms_notification.domain.errors import TwilioSignatureInvalid
from lms_notification.handlers.ports import NotificationUnitOfWork

# (url, form fields, signature) -> whether the provider signed exactly this request.
SignatureCheck = Callable[[str, Mapping[str, str], str], bool]


class ProviderCallbacks:
    def __init__(
        self,
        uow: Callable[[], NotificationUnitOfWork],
        *,
        twilio_check: SignatureCheck | None,
        twilio_callback_url: str,
        clock: Clock = utc_now,
    ) -> None:
        self._uow = uow
        self._twilio_check = twilio_check
        self._twilio_callback_url = twilio_callback_url
        self._clock = clock

    async def twilio_status(self, delivery_id: str, form: Mapping[str, str], signature: str) -> bool:
        """Apply a signed status report; False when it changes nothing (replays, unknown ids)."""
        url = f"{self._twilio_callback_url}?delivery={delivery_id}"
        if self._twilio_check is None or not signature or not self._twilio_check(url, form, signature):
            raise TwilioSignatureInvalid()
        async with self._uow() as uow:
            delivery = await uow.deliveries.get(delivery_id)
            if delivery is None or delivery.channel is not Channel.SMS:
                return False
            changed = delivery.provider_reported(
                form.get("MessageStatus", ""), form.get("ErrorCode", ""), self._clock()
            )
            if changed:
                await uow.deliveries.save(delivery)
                await uow.commit()
        return changed
