"""Send: one notification of a type to a user, rendered per channel and locale, with each
channel's delivery decided by the user's preferences. Idempotent by the caller's key."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from lms_kit.domain import Clock, FieldViolation, Invalid, utc_now
from lms_notification.domain import unsubscribe
from lms_notification.domain.catalog import Channel, NotificationType, notification_type
from lms_notification.domain.errors import NotificationNotFound
from lms_notification.domain.model import (
    Content,
    Delivery,
    DeliveryStatus,
    InboxItem,
    Notification,
    Recipient,
)
from lms_notification.domain.preferences import E164, Preferences
from lms_notification.domain.rendering import (
    Template,
    TemplateKey,
    check_locale,
    check_variables,
    locale_chain,
    render,
)
from lms_notification.handlers.ports import NotificationUnitOfWork

# A batch renders every recipient's message in one go; this many, then other tasks get a turn.
_RENDERS_BETWEEN_YIELDS = 25


@dataclass(frozen=True, slots=True)
class SendCommand:
    type: str
    user_id: str
    idempotency_key: str
    variables: Mapping[str, str] = field(default_factory=dict)
    channels: Sequence[Channel] = ()
    send_at: datetime | None = None
    email: str = ""
    phone_number: str = ""
    locale: str = ""


@dataclass(frozen=True, slots=True)
class SendingConfig:
    app_name: str = "LMS"
    public_url: str = "http://127.0.0.1:8080"  # where unsubscribe links point (the gateway)
    unsubscribe_secret: bytes = b"dev-only-unsubscribe-secret"
    locales: tuple[str, ...] = ("en", "de")
    message_id_domain: str = "notification.lms"
    template_cache_s: float = 5.0


class Sending:
    def __init__(
        self,
        uow: Callable[[], NotificationUnitOfWork],
        bundled: Mapping[str, Template],
        config: SendingConfig,
        *,
        clock: Clock = utc_now,
        on_queued: Callable[[], None] = lambda: None,
        on_inbox: Callable[[str], None] = lambda _user: None,
    ) -> None:
        self._uow = uow
        self._bundled = bundled
        self._config = config
        self._clock = clock
        self._on_queued = on_queued  # wakes the delivery workers
        self._on_inbox = on_inbox  # wakes the user's live inbox streams
        self._templates: dict[tuple[str, Channel, str], tuple[float, Template | None]] = {}

    @property
    def config(self) -> SendingConfig:
        return self._config

    async def send(self, command: SendCommand) -> Notification:
        """Queue the notification (or return the one made with the same key)."""
        async with self._uow() as uow:
            notification, created = await self.enqueue(uow, command)
            await uow.commit()
        if created:
            self.after_commit(notification)
        return notification

    def after_commit(self, notification: Notification) -> None:
        self._on_queued()
        for delivery in notification.deliveries:
            if delivery.channel is Channel.IN_APP and delivery.status is DeliveryStatus.SENT:
                self._on_inbox(delivery.user_id)

    async def enqueue(self, uow: NotificationUnitOfWork, command: SendCommand) -> tuple[Notification, bool]:
        """Within `uow`: the notification and its deliveries, and whether this call made it."""
        ntype = notification_type(command.type)
        self._check(ntype, command)
        now = self._clock()
        recipient = await uow.recipients.get(command.user_id) or Recipient(command.user_id)
        if (command.email and not recipient.email) or (command.phone_number and not recipient.phone_number):
            recipient.email = recipient.email or command.email
            recipient.phone_number = recipient.phone_number or command.phone_number
            await uow.recipients.save(recipient)
        preferences = await uow.preferences.get(command.user_id) or Preferences(command.user_id)
        notification = await self._build(uow, ntype, command, recipient, preferences, now)
        if not await uow.notifications.add(notification):
            # The key was used before (a retry, a redelivery, a concurrent call): that is the answer.
            found = await uow.notifications.by_key(command.idempotency_key)
            if found is None:
                raise NotificationNotFound(command.idempotency_key)
            return found, False
        await self._write_deliveries(uow, [notification], now)
        return notification, True

    async def enqueue_many(
        self, uow: NotificationUnitOfWork, commands: Sequence[SendCommand]
    ) -> list[Notification]:
        """Within `uow`, a batch of commands with a statement per table, not per recipient: the
        recipients and their preferences in one query each, then multi-row inserts. Returns the
        notifications this call made; a command whose key was used before makes nothing."""
        now = self._clock()
        checked = []
        for command in commands:
            ntype = notification_type(command.type)
            self._check(ntype, command)
            checked.append((ntype, command))
        user_ids = list(dict.fromkeys(command.user_id for command in commands))
        recipients = await uow.recipients.get_many(user_ids)
        preferences = await uow.preferences.get_many(user_ids)
        built: dict[str, Notification] = {}  # by key: a key twice in one batch is one notification
        for position, (ntype, command) in enumerate(checked):
            if command.idempotency_key in built:
                continue
            if position and position % _RENDERS_BETWEEN_YIELDS == 0:
                await asyncio.sleep(0)  # rendering is CPU: let critical sends in between
            recipient = recipients.get(command.user_id) or Recipient(command.user_id)
            if (command.email and not recipient.email) or (
                command.phone_number and not recipient.phone_number
            ):
                recipient.email = recipient.email or command.email
                recipient.phone_number = recipient.phone_number or command.phone_number
                await uow.recipients.save(recipient)
            user_preferences = preferences.get(command.user_id) or Preferences(command.user_id)
            built[command.idempotency_key] = await self._build(
                uow, ntype, command, recipient, user_preferences, now
            )
        inserted = await uow.notifications.add_many(list(built.values()))
        made = [n for n in built.values() if n.id in inserted]
        await self._write_deliveries(uow, made, now)
        return made

    async def _build(
        self,
        uow: NotificationUnitOfWork,
        ntype: NotificationType,
        command: SendCommand,
        recipient: Recipient,
        preferences: Preferences,
        now: datetime,
    ) -> Notification:
        locale = command.locale or preferences.locale or "en"
        notification = Notification(
            str(uuid.uuid4()), command.idempotency_key, ntype.name, ntype.category, command.user_id, now
        )
        due = max(command.send_at or now, now)
        variables = {
            "app_name": self._config.app_name,
            "display_name": recipient.display_name,
            **command.variables,
        }
        for channel in dict.fromkeys(command.channels or ntype.channels):
            template = await self._template(uow, ntype.name, channel, locale)
            delivery = self._delivery(notification, ntype, channel, recipient, preferences, due, now)
            if template is not None:
                delivery.content = self._content(template, ntype, channel, command.user_id, variables)
            elif delivery.status is not DeliveryStatus.SUPPRESSED:
                delivery.status, delivery.suppressed_by = DeliveryStatus.SUPPRESSED, "no_template"
            notification.deliveries.append(delivery)
        return notification

    async def _write_deliveries(
        self, uow: NotificationUnitOfWork, made: Sequence[Notification], now: datetime
    ) -> None:
        """The deliveries of notifications just inserted, their inbox items and digest lines."""
        items: list[InboxItem] = []
        for notification in made:
            for delivery in notification.deliveries:
                if delivery.channel is Channel.IN_APP and delivery.status is DeliveryStatus.QUEUED:
                    items.append(inbox_item(delivery, now))
                if delivery.suppressed_by == "digest":
                    await uow.digests.hold(delivery.user_id, notification.id, delivery.content.subject, now)
        await uow.inbox.add_many(items)
        await uow.deliveries.add_all([d for n in made for d in n.deliveries])

    def _check(self, ntype: NotificationType, command: SendCommand) -> None:
        violations: list[FieldViolation] = []
        try:
            check_variables(ntype, command.variables)
        except Invalid as bad:
            violations += bad.violations
        try:
            check_locale(command.locale, self._config.locales)
        except Invalid as bad:
            violations += bad.violations
        if command.phone_number and not re.fullmatch(E164, command.phone_number):
            violations.append(
                FieldViolation(
                    "phone_number",
                    "a phone number in E.164 form, e.g. +4915112345678",
                    "PHONE_NUMBER_INVALID",
                )
            )
        if violations:
            reasons = {v.reason for v in violations}
            raise Invalid(violations, reason=reasons.pop() if len(reasons) == 1 else "INVALID_FIELDS")

    async def _template(
        self, uow: NotificationUnitOfWork, type_name: str, channel: Channel, locale: str
    ) -> Template | None:
        now = time.monotonic()
        cached = self._templates.get((type_name, channel, locale))
        if cached is not None and now - cached[0] < self._config.template_cache_s:
            return cached[1]
        found: Template | None = None
        for candidate in locale_chain(locale):
            key = TemplateKey(type_name, channel, candidate)
            found = await uow.templates.get(key) or self._bundled.get(key.id)
            if found is not None:
                break
        # A fan-out renders one template for thousands: saved templates apply within seconds.
        self._templates[(type_name, channel, locale)] = (now, found)
        return found

    def _delivery(
        self,
        notification: Notification,
        ntype: NotificationType,
        channel: Channel,
        recipient: Recipient,
        preferences: Preferences,
        due: datetime,
        now: datetime,
    ) -> Delivery:
        decision = preferences.decide(ntype, channel, due)
        address = recipient.address(channel)
        status = DeliveryStatus.QUEUED if decision.send_at <= now else DeliveryStatus.SCHEDULED
        # An email address may still be on its way (the user service's event can arrive after
        # a payment's): the worker looks it up again when it sends. No device or phone: none.
        waits_for_address = channel is Channel.EMAIL
        suppressed_by = decision.suppressed_by or ("" if address or waits_for_address else "no_address")
        if suppressed_by:
            status = DeliveryStatus.SUPPRESSED
        delivery_id = str(uuid.uuid4())
        return Delivery(
            id=delivery_id,
            notification_id=notification.id,
            user_id=notification.user_id,
            type=ntype.name,
            channel=channel,
            status=status,
            address=address,
            content=Content("", ""),
            due_at=decision.send_at,
            created_at=now,
            critical=ntype.critical,
            suppressed_by=suppressed_by,
            # Stable across retries and crashes: a receiver can tell a re-send from a new mail.
            message_id=f"<{delivery_id}@{self._config.message_id_domain}>",
        )

    def _content(
        self,
        template: Template,
        ntype: NotificationType,
        channel: Channel,
        user_id: str,
        variables: Mapping[str, str],
    ) -> Content:
        unsubscribe_url = ""
        if channel is Channel.EMAIL and not ntype.critical:
            token = unsubscribe.sign(self._config.unsubscribe_secret, user_id, ntype.category)
            unsubscribe_url = f"{self._config.public_url}/v1/notification/unsubscribe?token={token}"
        rendered = render(template, {**variables, "unsubscribe_url": unsubscribe_url})
        return Content(rendered.subject, rendered.text_body, rendered.html_body, unsubscribe_url)


def inbox_item(delivery: Delivery, now: datetime) -> InboxItem:
    """The in-app channel: the item, with the delivery marked SENT (they commit together, so
    never twice)."""
    delivery.attempts += 1
    delivery.mark_sent(now)
    return InboxItem(
        str(uuid.uuid4()),
        delivery.user_id,
        delivery.notification_id,
        delivery.type,
        delivery.content.subject,
        delivery.content.text_body,
        now,
    )


async def deliver_to_inbox(uow: NotificationUnitOfWork, delivery: Delivery, now: datetime) -> None:
    """The in-app channel: the item and the delivery's SENT commit together, so never twice."""
    await uow.inbox.add(inbox_item(delivery, now))
