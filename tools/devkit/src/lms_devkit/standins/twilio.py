"""A local stand-in for Twilio's Messages API, for the official twilio SDK (through its
pluggable HTTP client). It checks HTTP Basic auth with the account SID and auth token, the
form fields, and E.164 numbers, and answers with Twilio's error codes: 20003 (auth), 21211
(invalid 'To' number, also for Twilio's magic test number +15005550001), 21610 (the
recipient unsubscribed)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
from typing import Any
from urllib.parse import parse_qs

from lms_devkit.standins.http import JsonApiServer, Reply

E164 = re.compile(r"\+[1-9][0-9]{6,14}")
INVALID_NUMBER = "+15005550001"
UNSUBSCRIBED_NUMBER = "+15005550004"


def _error(status: int, code: int, message: str) -> Reply:
    return (
        status,
        {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        },
        {},
    )


class TwilioStandIn:
    def __init__(self, *, port: int = 0) -> None:
        self.account_sid = "AC" + secrets.token_hex(16)
        self.auth_token = secrets.token_hex(16)
        self.from_number = "+15005550006"
        self._server = JsonApiServer(self._handle, port=port)
        self._lock = threading.Lock()
        self.sent: list[dict[str, str]] = []

    def start(self) -> TwilioStandIn:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    @property
    def base_url(self) -> str:
        return self._server.base_url

    def signature(self, url: str, params: dict[str, str]) -> str:
        """X-Twilio-Signature as Twilio computes it: HMAC-SHA1 (auth token) over the URL
        followed by each form field's name and value, sorted by name, in base64."""
        data = url + "".join(f"{name}{params[name]}" for name in sorted(params))
        return base64.b64encode(
            hmac.new(self.auth_token.encode(), data.encode(), hashlib.sha1).digest()
        ).decode()

    def status_report(
        self, sent: dict[str, str], status: str, error_code: str = ""
    ) -> tuple[str, dict[str, str], str]:
        """The (URL, form, signature) of the status callback Twilio would send for a message."""
        form = {
            "AccountSid": self.account_sid,
            "MessageSid": sent["Sid"],
            "MessageStatus": status,
            "To": sent["To"],
            "From": sent["From"],
            "ApiVersion": "2010-04-01",
        }
        if error_code:
            form["ErrorCode"] = error_code
        url = sent["StatusCallback"]
        return url, form, self.signature(url, form)

    def _handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply:
        lowered = {k.lower(): v for k, v in headers.items()}
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if lowered.get("authorization") != f"Basic {expected}":
            return _error(401, 20003, "Authenticate")
        if method != "POST" or path != f"/2010-04-01/Accounts/{self.account_sid}/Messages.json":
            return _error(404, 20404, f"The requested resource {path} was not found")
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        to, sender, text = form.get("To", ""), form.get("From", ""), form.get("Body", "")
        if not text:
            return _error(400, 21602, "Message body is required.")
        if not E164.fullmatch(sender):
            return _error(400, 21212, f"The 'From' number {sender} is not a valid phone number.")
        if not E164.fullmatch(to) or to == INVALID_NUMBER:
            return _error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        if to == UNSUBSCRIBED_NUMBER:
            return _error(400, 21610, "Attempt to send to unsubscribed recipient")
        sid = "SM" + secrets.token_hex(16)
        with self._lock:
            self.sent.append({**form, "Sid": sid})
        reply: dict[str, Any] = {
            "sid": sid,
            "account_sid": self.account_sid,
            "to": to,
            "from": sender,
            "body": text,
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
        }
        return 201, reply, {}
