"""Email: the MIME message of a delivery, SMTP relays with failover, and the local outbox
directory of the embedded default."""

from __future__ import annotations

import asyncio
import logging
import os
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path

import aiosmtplib

from lms_kit.domain import utc_now
from lms_notification.domain.errors import SendFailed
from lms_notification.domain.model import Delivery

log = logging.getLogger(__name__)


def build_message(delivery: Delivery, from_address: str, from_name: str) -> EmailMessage:
    """The mail of a delivery; the same bytes-to-be on every attempt (stable Message-ID)."""
    message = EmailMessage()
    message["From"] = formataddr((from_name, from_address))
    message["To"] = delivery.address
    message["Subject"] = delivery.content.subject
    message["Message-ID"] = delivery.message_id
    message["Date"] = format_datetime(delivery.created_at)
    message["X-LMS-Notification-Type"] = delivery.type
    if delivery.content.unsubscribe_url:
        # RFC 8058 one-click: mail clients POST List-Unsubscribe=One-Click to the URL.
        message["List-Unsubscribe"] = f"<{delivery.content.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(delivery.content.text_body)
    if delivery.content.html_body:
        message.add_alternative(delivery.content.html_body, subtype="html")
    return message


@dataclass(frozen=True, slots=True)
class Relay:
    host: str
    port: int = 25
    security: str = "none"  # none | starttls | ssl
    username: str = ""
    password: str = ""

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


class SmtpSender:
    """Sends through the first relay that answers; a relay that cannot be reached (or answers
    4xx) hands over to the next. 5xx answers are permanent and not tried elsewhere.

    Connections are kept open and reused across messages (one per concurrent sender at most):
    connecting, EHLO, STARTTLS and AUTH once instead of once per mail."""

    def __init__(
        self,
        relays: list[Relay],
        *,
        from_address: str,
        from_name: str,
        timeout_s: float = 10.0,
        max_idle_s: float = 30.0,
    ) -> None:
        if not relays:
            raise ValueError("at least one SMTP relay")
        self._relays = relays
        self._from_address = from_address
        self._from_name = from_name
        self._timeout_s = timeout_s
        self._max_idle_s = max_idle_s  # relays drop idle clients; older ones are not reused
        self._idle: dict[Relay, list[tuple[float, aiosmtplib.SMTP]]] = {relay: [] for relay in relays}

    async def close(self) -> None:
        for connections in self._idle.values():
            while connections:
                await _quit(connections.pop()[1])

    async def send(self, delivery: Delivery) -> Sequence[str]:
        message = build_message(delivery, self._from_address, self._from_name)
        errors: list[str] = []
        for relay in self._relays:
            try:
                await self._send_via(relay, message)
                return ()
            except aiosmtplib.SMTPResponseException as refused:
                if 500 <= refused.code < 600:
                    raise SendFailed(
                        f"{relay} refused: {refused.code} {refused.message}", permanent=True
                    ) from refused
                errors.append(f"{relay}: {refused.code} {refused.message}")
            except aiosmtplib.SMTPRecipientsRefused as refused:
                codes = [r.code for r in refused.recipients]
                if all(500 <= c < 600 for c in codes):
                    raise SendFailed(f"{relay} refused the recipient: {codes}", permanent=True) from refused
                errors.append(f"{relay}: recipient refused {codes}")
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as down:
                errors.append(f"{relay}: {type(down).__name__}: {down}")
            log.warning("smtp_relay_failed relay=%s delivery_id=%s error=%s", relay, delivery.id, errors[-1])
        raise SendFailed("; ".join(errors), permanent=False)

    async def _send_via(self, relay: Relay, message: EmailMessage) -> None:
        reused = self._take_idle(relay)
        if reused is not None:
            try:
                await reused.send_message(message)
            except aiosmtplib.SMTPServerDisconnected:
                # The relay closed the kept connection before this message: a fresh one below.
                reused.close()
            except BaseException:
                reused.close()
                raise
            else:
                self._idle[relay].append((time.monotonic(), reused))
                return
        client = await self._connect(relay)
        try:
            await client.send_message(message)
        except BaseException:
            client.close()
            raise
        self._idle[relay].append((time.monotonic(), client))

    def _take_idle(self, relay: Relay) -> aiosmtplib.SMTP | None:
        connections = self._idle[relay]
        while connections:
            since, client = connections.pop()
            if client.is_connected and time.monotonic() - since < self._max_idle_s:
                return client
            client.close()
        return None

    async def _connect(self, relay: Relay) -> aiosmtplib.SMTP:
        context = ssl.create_default_context() if relay.security in ("ssl", "starttls") else None
        client = aiosmtplib.SMTP(
            hostname=relay.host,
            port=relay.port,
            username=relay.username or None,
            password=relay.password or None,
            use_tls=relay.security == "ssl",
            start_tls=relay.security == "starttls",
            tls_context=context,
            timeout=self._timeout_s,
        )
        await client.connect()
        return client


async def _quit(client: aiosmtplib.SMTP) -> None:
    try:
        await client.quit()
    except (aiosmtplib.SMTPException, OSError, TimeoutError):
        client.close()


class OutboxDirectorySender:
    """The embedded default: each mail is a readable `<delivery id>.eml` file. Writing the same
    delivery again replaces the file, so a retried send never makes two."""

    def __init__(self, directory: Path, *, from_address: str, from_name: str) -> None:
        self._directory = directory
        self._from_address = from_address
        self._from_name = from_name

    async def send(self, delivery: Delivery) -> Sequence[str]:
        message = build_message(delivery, self._from_address, self._from_name)
        await asyncio.to_thread(self._write, delivery.id, bytes(message))
        return ()

    def _write(self, delivery_id: str, data: bytes) -> None:
        self._directory.mkdir(parents=True, exist_ok=True)
        target = self._directory / f"{delivery_id}.eml"
        partial = target.with_suffix(f".{utc_now().timestamp():.0f}.part")
        partial.write_bytes(data)
        os.replace(partial, target)
