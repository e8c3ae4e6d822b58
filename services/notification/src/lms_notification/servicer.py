"""lms.notification.v1.NotificationService: one short method per RPC (proto -> handler -> proto).

The kit's pipeline has already authenticated the caller, enforced the RPC's access policy
and checked the contract's field rules before a method runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from lms.notification.v1 import notification_pb2 as pb
from lms.notification.v1 import notification_pb2_grpc
from lms_kit.caller import actor
from lms_kit.paging import Pager
from lms_kit.proto import from_timestamp, update_mask
from lms_notification import mappers
from lms_notification.domain.catalog import CATALOG
from lms_notification.handlers.admin import AdminHandlers
from lms_notification.handlers.announcements import AnnouncementHandlers
from lms_notification.handlers.callbacks import ProviderCallbacks
from lms_notification.handlers.devices import DeviceHandlers
from lms_notification.handlers.inbox import InboxHandlers
from lms_notification.handlers.ports import HistoryFilter
from lms_notification.handlers.preferences import FIELDS as PREFERENCE_FIELDS
from lms_notification.handlers.preferences import PreferenceHandlers
from lms_notification.handlers.sending import Sending
from lms_notification.handlers.templates import TemplateHandlers


@dataclass(frozen=True)
class NotificationUseCases:
    sending: Sending
    templates: TemplateHandlers
    preferences: PreferenceHandlers
    inbox: InboxHandlers
    admin: AdminHandlers
    devices: DeviceHandlers
    callbacks: ProviderCallbacks
    announcements: AnnouncementHandlers


def _time_key(item) -> tuple[str, str]:
    return (item.created_at.isoformat(), item.id)


class NotificationServicer(notification_pb2_grpc.NotificationServiceServicer):
    def __init__(self, use_cases: NotificationUseCases, *, page_max: int = 100) -> None:
        self._u = use_cases
        self._page_max = page_max

    async def Send(self, request, context):
        notification = await self._u.sending.send(mappers.send_command(request))
        return mappers.notification_to_proto(notification)

    async def CancelScheduledNotification(self, request, context):
        return mappers.notification_to_proto(await self._u.admin.cancel(request.idempotency_key))

    async def GetTemplate(self, request, context):
        (template_id,) = mappers.TEMPLATE.ids(request.name)
        template = await self._u.templates.get(template_id)
        return mappers.template_to_proto(template, CATALOG[template.key.type].declared)

    async def ListTemplates(self, request, context):
        found = await self._u.templates.listing(request.type)
        return pb.ListTemplatesResponse(
            templates=[mappers.template_to_proto(t, CATALOG[t.key.type].declared) for t in found]
        )

    async def UpdateTemplate(self, request, context):
        (template_id,) = mappers.TEMPLATE.ids(request.template.name)
        t = request.template
        saved = await self._u.templates.save(template_id, t.subject, t.text_body, t.html_body)
        return mappers.template_to_proto(saved, CATALOG[saved.key.type].declared)

    async def PreviewTemplate(self, request, context):
        (template_id,) = mappers.TEMPLATE.ids(request.name)
        rendered = await self._u.templates.preview(template_id, dict(request.variables))
        return mappers.rendered_to_proto(rendered)

    async def GetPreferences(self, request, context):
        (user_id,) = mappers.PREFERENCES.ids(request.name)
        return mappers.preferences_to_proto(await self._u.preferences.get(user_id))

    async def UpdatePreferences(self, request, context):
        fields = update_mask(request, request.preferences, PREFERENCE_FIELDS)
        changes = mappers.preferences_from_proto(request.preferences)
        return mappers.preferences_to_proto(await self._u.preferences.update(changes, fields))

    async def ListNotifications(self, request, context):
        (user_id,) = mappers.USER.ids(request.parent)
        pager = Pager(request, maximum=self._page_max)
        where = HistoryFilter(
            user_id=None if user_id == "-" else user_id,
            type=request.type,
            status=mappers.STATUS_FROM_PROTO.get(request.status),
            start=from_timestamp(request, "start_time"),
            end=from_timestamp(request, "end_time"),
        )
        found = await self._u.admin.history(where, pager.after_time(), pager.size + 1)
        return pb.ListNotificationsResponse(
            notifications=[mappers.notification_to_proto(n) for n in found[: pager.size]],
            next_page_token=pager.next_token(found, _time_key),
        )

    async def ListInboxItems(self, request, context):
        (user_id,) = mappers.USER.ids(request.parent)
        pager = Pager(request, maximum=self._page_max)
        found = await self._u.inbox.page(
            user_id, show_archived=request.show_archived, after=pager.after_time(), limit=pager.size + 1
        )
        return pb.ListInboxItemsResponse(
            items=[mappers.inbox_item_to_proto(i) for i in found[: pager.size]],
            next_page_token=pager.next_token(found, _time_key),
        )

    async def GetUnreadCount(self, request, context):
        (user_id,) = mappers.USER.ids(request.parent)
        return pb.UnreadCount(unread=await self._u.inbox.unread(user_id))

    async def MarkInboxItemsRead(self, request, context):
        (user_id,) = mappers.USER.ids(request.parent)
        # Names of another user's inbox simply match nothing.
        item_ids = None if request.all else [name.rsplit("/", 1)[-1] for name in request.names]
        return pb.UnreadCount(unread=await self._u.inbox.mark_read(user_id, item_ids))

    async def ArchiveInboxItem(self, request, context):
        user_id, item_id = mappers.INBOX_ITEM.ids(request.name)
        return mappers.inbox_item_to_proto(await self._u.inbox.archive(user_id, item_id))

    async def StreamInbox(self, request, context):
        (user_id,) = mappers.USER.ids(request.parent)
        start = await self._u.inbox.stream_start(user_id)
        # Headers out once the starting point is fixed: a client that waits for them misses nothing.
        await context.send_initial_metadata((("x-lms-stream", "ready"),))
        async for item in self._u.inbox.stream(user_id, start):
            yield mappers.inbox_item_to_proto(item)

    async def CreateAnnouncement(self, request, context):
        course_id = mappers.COURSE.ids(request.course)[0] if request.course else None
        announcement = await self._u.announcements.create(
            actor(), request.title, request.message, course_id, request.request_id
        )
        return mappers.announcement_to_proto(announcement)

    async def GetAnnouncement(self, request, context):
        (announcement_id,) = mappers.ANNOUNCEMENT.ids(request.name)
        return mappers.announcement_to_proto(await self._u.announcements.get(actor(), announcement_id))

    async def RegisterDevice(self, request, context):
        (user_id,) = mappers.USER.ids(request.parent)
        count = await self._u.devices.register(user_id, request.token)
        return mappers.device_to_proto(user_id, request.token, count)

    async def ListDeadLetters(self, request, context):
        pager = Pager(request, maximum=self._page_max)
        found = await self._u.admin.dead_letters(pager.after_time(), pager.size + 1)
        return pb.ListDeadLettersResponse(
            deliveries=[mappers.delivery_to_proto(d) for d in found[: pager.size]],
            next_page_token=pager.next_token(found, _time_key),
        )

    async def RedriveDelivery(self, request, context):
        (delivery_id,) = mappers.DELIVERY.ids(request.name)
        return mappers.delivery_to_proto(await self._u.admin.redrive(delivery_id))

    async def HandleTwilioStatus(self, request, context):
        signature = dict(context.invocation_metadata() or ()).get("x-twilio-signature", "")
        handled = await self._u.callbacks.twilio_status(
            request.delivery, mappers.form_fields(request.body.data), signature
        )
        return pb.HandleTwilioStatusResponse(handled=handled)

    async def CheckUnsubscribe(self, request, context):
        user_id, category, unsubscribed = await self._u.preferences.check_link(request.token)
        return pb.UnsubscribeResult(
            user=mappers.USER.format(user=user_id),
            category=mappers.CATEGORY_TO_PROTO[category],
            unsubscribed=unsubscribed,
        )

    async def Unsubscribe(self, request, context):
        user_id, category, unsubscribed = await self._u.preferences.unsubscribe(request.token)
        return pb.UnsubscribeResult(
            user=mappers.USER.format(user=user_id),
            category=mappers.CATEGORY_TO_PROTO[category],
            unsubscribed=unsubscribed,
        )
