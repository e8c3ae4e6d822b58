"""SMS through Twilio with the official twilio SDK. With `api_base` set (development and
tests) the SDK's requests go to a local stand-in through its pluggable HTTP client."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from lms_notification.domain.errors import SendFailed
from lms_notification.domain.model import Delivery

TWILIO_API = "https://api.twilio.com"
# Twilio error codes that retrying cannot fix: invalid To/From, unsubscribed, not a mobile
# number, blocked by carrier, body missing. (https://www.twilio.com/docs/api/errors)
PERMANENT_CODES = frozenset(
    {21211, 21212, 21214, 21408, 21601, 21602, 21610, 21612, 21614, 30003, 30004, 30005, 30006}
)


class _StandInHttpClient(TwilioHttpClient):
    def __init__(self, api_base: str) -> None:
        super().__init__(timeout=10)
        self._api_base = api_base.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        return super().request(method, url.replace(TWILIO_API, self._api_base, 1), *args, **kwargs)


class TwilioSender:
    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str,
        *,
        api_base: str = "",
        status_callback: str = "",
    ) -> None:
        http_client = _StandInHttpClient(api_base) if api_base else None
        self._client = Client(account_sid, auth_token, http_client=http_client)
        self._from = from_number
        self._status_callback = status_callback

    async def send(self, delivery: Delivery) -> Sequence[str]:
        options: dict[str, Any] = {
            "to": delivery.address,
            "from_": self._from,
            "body": delivery.content.text_body,
        }
        if self._status_callback:
            options["status_callback"] = f"{self._status_callback}?delivery={delivery.id}"
        try:
            await asyncio.to_thread(self._client.messages.create, **options)
        except TwilioRestException as error:
            permanent = error.code in PERMANENT_CODES or (400 <= error.status < 500 and error.status != 429)
            raise SendFailed(
                f"twilio {error.status} code {error.code}: {error.msg}", permanent=permanent
            ) from error
        except (TwilioException, OSError) as error:
            raise SendFailed(f"twilio: {type(error).__name__}: {error}", permanent=False) from error
        return ()


def twilio_signature_check(auth_token: str) -> Callable[[str, Mapping[str, str], str], bool]:
    """Twilio's X-Twilio-Signature check (HMAC-SHA1 over the URL and the sorted form)."""
    validator = RequestValidator(auth_token)

    def check(url: str, form: Mapping[str, str], signature: str) -> bool:
        return bool(validator.validate(url, dict(form), signature))

    return check
