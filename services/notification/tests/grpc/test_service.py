"""The service over gRPC with the kit's real pipeline, its workers and consumers: the contract,
access, bad input with field violations, templates, preferences and unsubscribe, the inbox
and its live stream, and mail triggered by events through a real JetStream."""

from __future__ import annotations

import asyncio
import uuid
from urllib.parse import urlencode

import grpc
import nats
import pytest
from google.api import httpbody_pb2
from google.protobuf import field_mask_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc

from lms.course.v1 import events_pb2 as course_events
from lms.notification.v1 import notification_pb2 as pb
from lms.payment.v1 import events_pb2 as payment_events
from lms.type.v1 import money_pb2
from lms.user.v1 import events_pb2 as user_events
from lms_kit.events import Envelope
from lms_kit.testing.checks import contract_problems, unimplemented_rpcs
from lms_kit.testing.harness import error_reason, field_violations
from lms_notification.servicer import NotificationServicer

DESCRIPTOR = pb.DESCRIPTOR.services_by_name["NotificationService"]


async def fails(call) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


def new_user() -> str:
    return f"u-{uuid.uuid4().hex[:10]}"


def test_every_rpc_has_a_policy_rest_mapping_and_an_implementation():
    assert contract_problems(DESCRIPTOR) == []
    assert unimplemented_rpcs(NotificationServicer, DESCRIPTOR) == []


async def test_the_service_reports_serving(service):
    health = health_pb2_grpc.HealthStub(service.channel)
    reply = await health.Check(health_pb2.HealthCheckRequest(service=DESCRIPTOR.full_name))
    assert reply.status == health_pb2.HealthCheckResponse.SERVING


async def test_send_is_for_services_only_and_is_idempotent_by_key(stub, token_mint, smtp):
    user_id = new_user()
    request = pb.SendRequest(
        type="welcome",
        recipient=f"users/{user_id}",
        idempotency_key=f"welcome:{user_id}",
        email=f"{user_id}@example.test",
    )
    denied = await fails(stub.Send(request, metadata=token_mint.bearer(user_id, roles=["admin"])))
    assert (denied.code(), error_reason(denied)) == (grpc.StatusCode.PERMISSION_DENIED, "ACCESS_DENIED")
    first = await stub.Send(request, metadata=token_mint.service_bearer("course"))
    again = await stub.Send(request, metadata=token_mint.service_bearer("course"))
    assert again.name == first.name
    assert {d.channel for d in first.deliveries} == {pb.CHANNEL_EMAIL, pb.CHANNEL_IN_APP}
    # The first relay is down; the worker fails over to the second: one mail.
    assert len(await smtp.mailbox.arrival(f"{user_id}@example.test")) == 1


async def test_bad_send_input_names_every_bad_field(stub, token_mint):
    user_id = new_user()
    error = await fails(
        stub.Send(
            pb.SendRequest(
                type="welcome",
                recipient=f"users/{user_id}",
                idempotency_key="k-bad",
                variables={"display_name": "x" * 17000, "password": "p"},
                phone_number="0151-123",
                locale="xx",
            ),
            metadata=token_mint.service_bearer("course"),
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field_violations(error) == {
        "variables['password']": "UNKNOWN_VARIABLE",
        "variables": "PAYLOAD_TOO_LARGE",
        "locale": "UNKNOWN_LOCALE",
        "phone_number": "PHONE_NUMBER_INVALID",
    }
    unknown = await fails(
        stub.Send(
            pb.SendRequest(type="nope", recipient="users/u", idempotency_key="k"),
            metadata=token_mint.service_bearer("course"),
        )
    )
    assert field_violations(unknown) == {"type": "UNKNOWN_NOTIFICATION_TYPE"}


async def test_templates_are_checked_at_save_and_previewed_with_sample_data(stub, token_mint):
    admin = token_mint.bearer("admin-1", roles=["admin"])
    bundled = await stub.GetTemplate(
        pb.GetTemplateRequest(name="templates/email_verification.email.de"), metadata=admin
    )
    assert bundled.bundled and "verification_url" in bundled.variables
    bad = await fails(
        stub.UpdateTemplate(
            pb.UpdateTemplateRequest(
                template=pb.Template(
                    name="templates/welcome.email.de", subject="Hi", text_body="{{ secret }}"
                )
            ),
            metadata=admin,
        )
    )
    assert (bad.code(), field_violations(bad)) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        {"template.text_body": "UNKNOWN_VARIABLE"},
    )
    locale = await fails(
        stub.UpdateTemplate(
            pb.UpdateTemplateRequest(template=pb.Template(name="templates/welcome.email.xx", text_body="Hi")),
            metadata=admin,
        )
    )
    assert field_violations(locale) == {"template.name": "UNKNOWN_LOCALE"}
    saved = await stub.UpdateTemplate(
        pb.UpdateTemplateRequest(
            template=pb.Template(
                name="templates/welcome.email.de",
                subject="Servus {{ display_name }}",
                text_body="Willkommen, {{ display_name }}!",
                html_body="<p>{{ display_name }}</p>",
            )
        ),
        metadata=admin,
    )
    assert not saved.bundled
    preview = await stub.PreviewTemplate(
        pb.PreviewTemplateRequest(name="templates/welcome.email.de", variables={"display_name": "<Jo>"}),
        metadata=admin,
    )
    assert (preview.subject, preview.html_body, preview.locale) == ("Servus <Jo>", "<p>&lt;Jo&gt;</p>", "de")
    student = await fails(
        stub.GetTemplate(
            pb.GetTemplateRequest(name="templates/welcome.email.en"), metadata=token_mint.bearer("s")
        )
    )
    assert student.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_preferences_are_the_users_own_and_bad_zones_are_refused(stub, token_mint):
    user_id = new_user()
    me = token_mint.bearer(user_id)
    name = f"users/{user_id}/preferences"
    defaults = await stub.GetPreferences(pb.GetPreferencesRequest(name=name), metadata=me)
    assert (defaults.time_zone, list(defaults.opt_outs)) == ("UTC", [])
    updated = await stub.UpdatePreferences(
        pb.UpdatePreferencesRequest(
            preferences=pb.Preferences(
                name=name,
                time_zone="Europe/Berlin",
                quiet_start_minute=22 * 60,
                quiet_end_minute=7 * 60,
                opt_outs=[pb.ChannelOptOut(category=pb.CATEGORY_SOCIAL, channel=pb.CHANNEL_EMAIL)],
            ),
            update_mask=field_mask_pb2.FieldMask(
                paths=["time_zone", "quiet_start_minute", "quiet_end_minute", "opt_outs"]
            ),
        ),
        metadata=me,
    )
    assert updated.time_zone == "Europe/Berlin" and len(updated.opt_outs) == 1
    bad = await fails(
        stub.UpdatePreferences(
            pb.UpdatePreferencesRequest(preferences=pb.Preferences(name=name, time_zone="Mars/Base")),
            metadata=me,
        )
    )
    assert field_violations(bad) == {"preferences.time_zone": "TIME_ZONE_INVALID"}
    other = await fails(
        stub.GetPreferences(pb.GetPreferencesRequest(name=name), metadata=token_mint.bearer("x"))
    )
    assert other.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_the_inbox_stream_delivers_a_new_item_and_the_inbox_counts_it(stub, token_mint):
    user_id = new_user()
    me = token_mint.bearer(user_id)
    stream = stub.StreamInbox(pb.StreamInboxRequest(parent=f"users/{user_id}"), metadata=me)
    await stream.initial_metadata()  # the stream is open: what arrives from now on comes through
    await stub.Send(
        pb.SendRequest(
            type="new_follower",
            recipient=f"users/{user_id}",
            idempotency_key=f"follow:{user_id}",
            variables={"follower_name": "Grace"},
            channels=[pb.CHANNEL_IN_APP],
        ),
        metadata=token_mint.service_bearer("user"),
    )
    item = await asyncio.wait_for(stream.read(), timeout=20)
    stream.cancel()
    assert (item.type, item.body, item.read) == ("new_follower", "Grace follows you now.", False)
    assert (
        await stub.GetUnreadCount(pb.GetUnreadCountRequest(parent=f"users/{user_id}"), metadata=me)
    ).unread == 1
    listed = await stub.ListInboxItems(pb.ListInboxItemsRequest(parent=f"users/{user_id}"), metadata=me)
    assert [i.name for i in listed.items] == [item.name]
    read = await stub.MarkInboxItemsRead(
        pb.MarkInboxItemsReadRequest(parent=f"users/{user_id}", all=True), metadata=me
    )
    assert read.unread == 0
    archived = await stub.ArchiveInboxItem(pb.ArchiveInboxItemRequest(name=item.name), metadata=me)
    assert archived.archived
    assert not (
        await stub.ListInboxItems(pb.ListInboxItemsRequest(parent=f"users/{user_id}"), metadata=me)
    ).items
    stranger = await fails(
        stub.ListInboxItems(
            pb.ListInboxItemsRequest(parent=f"users/{user_id}"), metadata=token_mint.bearer("x")
        )
    )
    assert stranger.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_an_unsubscribe_link_is_checked_by_get_and_acted_on_by_post(stub, token_mint, smtp):
    user_id = new_user()
    address = f"{user_id}@example.test"
    await stub.Send(
        pb.SendRequest(
            type="announcement",
            recipient=f"users/{user_id}",
            idempotency_key=f"news:{user_id}",
            variables={"title": "News", "message": "Hello"},
            email=address,
            channels=[pb.CHANNEL_EMAIL],
        ),
        metadata=token_mint.service_bearer("course"),
    )
    [mail] = await smtp.mailbox.arrival(address)
    token = mail["List-Unsubscribe"].strip("<>").split("token=")[1]
    checked = await stub.CheckUnsubscribe(pb.CheckUnsubscribeRequest(token=token))
    assert (checked.user, checked.category, checked.unsubscribed) == (
        f"users/{user_id}",
        pb.CATEGORY_MARKETING,
        False,
    )
    done = await stub.Unsubscribe(pb.UnsubscribeRequest(token=token))
    assert done.unsubscribed
    prefs = await stub.GetPreferences(
        pb.GetPreferencesRequest(name=f"users/{user_id}/preferences"), metadata=token_mint.bearer(user_id)
    )
    assert prefs.marketing_unsubscribed
    forged = await fails(stub.Unsubscribe(pb.UnsubscribeRequest(token=token[:-3] + "AAA")))
    assert field_violations(forged) == {"token": "UNSUBSCRIBE_TOKEN_INVALID"}


async def test_a_verification_event_delivered_twice_sends_one_mail_with_the_link(
    service, own_nats, smtp, stub, token_mint
):
    user_id = new_user()
    address = f"{user_id}@example.test"
    link = f"https://lms.test/verify-email?token=tok-{user_id}"
    event = user_events.EmailVerificationRequested(
        user_id=user_id, email=address, display_name="Ada", verification_url=link, token=f"tok-{user_id}"
    )
    sentinel_user = new_user()
    sentinel = user_events.EmailVerificationRequested(
        user_id=sentinel_user, email=f"{sentinel_user}@example.test", verification_url=link + "-s", token="s"
    )
    client = await nats.connect(own_nats)
    try:
        js = client.jetstream()
        first = Envelope.new(event)
        # The same id twice, a re-publish with a new id, then a sentinel: the consumer handles
        # them in order, so once the sentinel's mail is in, every copy has been handled.
        for envelope in (first, first, Envelope.new(event), Envelope.new(sentinel)):
            await js.publish(envelope.subject, envelope.payload, headers=envelope.headers)
    finally:
        await client.close()
    await smtp.mailbox.arrival(f"{sentinel_user}@example.test")
    history = await stub.ListNotifications(
        pb.ListNotificationsRequest(parent=f"users/{user_id}"), metadata=token_mint.bearer(user_id)
    )
    assert [n.type for n in history.notifications] == ["email_verification"]
    [mail] = smtp.mailbox.to(address)
    assert link in mail.get_body(("plain",)).get_content()
    assert mail["List-Unsubscribe"] is None


async def test_a_teacher_application_decision_delivered_twice_mails_and_tells_the_inbox_once(
    service, own_nats, smtp, stub, token_mint
):
    approved_user, declined_user = new_user(), new_user()
    approved_address, declined_address = (f"{u}@example.test" for u in (approved_user, declined_user))
    approval = user_events.TeacherApplicationDecided(
        application=f"users/{approved_user}/teacherApplications/a-1",
        user_id=approved_user,
        approved=True,
        note="Your sample lesson was lovely.",
        decided_by="users/admin-1",
    )
    decline = user_events.TeacherApplicationDecided(
        application=f"users/{declined_user}/teacherApplications/a-2",
        user_id=declined_user,
        approved=False,
        note="Please add a sample lesson.",
        decided_by="users/admin-1",
    )
    client = await nats.connect(own_nats)
    try:
        js = client.jetstream()
        first = Envelope.new(approval)
        # The address is learnt at registration; then the decision twice with one id (a
        # redelivery), once more with a new id (a re-publish), and a decline after them: the
        # consumer handles the stream in order, so once the decline is queued all are handled.
        for envelope in (
            Envelope.new(user_events.UserRegistered(user_id=approved_user, email=approved_address)),
            Envelope.new(user_events.UserRegistered(user_id=declined_user, email=declined_address)),
            first,
            first,
            Envelope.new(approval),
            Envelope.new(decline),
        ):
            await js.publish(envelope.subject, envelope.payload, headers=envelope.headers)
    finally:
        await client.close()
    approved_mails = await smtp.mailbox.arrival(approved_address, count=2)  # welcome, approval
    declined_mails = await smtp.mailbox.arrival(declined_address, count=2)  # welcome, decline
    me = token_mint.bearer(approved_user)
    history = await stub.ListNotifications(
        pb.ListNotificationsRequest(parent=f"users/{approved_user}"), metadata=me
    )
    assert sorted(n.type for n in history.notifications) == ["teacher_application_approved", "welcome"]
    [notification] = [n for n in history.notifications if n.type == "teacher_application_approved"]
    assert notification.idempotency_key == f"teacher_application_decided:{approval.application}"
    assert sorted(m["X-LMS-Notification-Type"] for m in approved_mails) == [
        "teacher_application_approved",
        "welcome",
    ]
    [mail] = [m for m in approved_mails if m["X-LMS-Notification-Type"] == "teacher_application_approved"]
    text = mail.get_body(("plain",)).get_content()
    assert "Your sample lesson was lovely." in text and "create your first course" in text
    assert mail["List-Unsubscribe"] is not None  # not critical: the account-mail opt-out applies
    inbox = await stub.ListInboxItems(pb.ListInboxItemsRequest(parent=f"users/{approved_user}"), metadata=me)
    [item] = [i for i in inbox.items if i.type == "teacher_application_approved"]
    assert item.title == "You can teach now" and "Your sample lesson was lovely." in item.body
    [declined] = [m for m in declined_mails if m["X-LMS-Notification-Type"] == "teacher_application_declined"]
    assert "Please add a sample lesson." in declined.get_body(("plain",)).get_content()


async def test_admins_see_dead_letters_and_only_dead_deliveries_are_re_driven(stub, token_mint):
    admin = token_mint.bearer("admin-2", roles=["admin"])
    listed = await stub.ListDeadLetters(pb.ListDeadLettersRequest(page_size=5), metadata=admin)
    assert all(d.status == pb.DELIVERY_STATUS_DEAD for d in listed.deliveries)
    user_id = new_user()
    sent = await stub.Send(
        pb.SendRequest(
            type="new_follower",
            recipient=f"users/{user_id}",
            idempotency_key=f"f2:{user_id}",
            variables={"follower_name": "G"},
            channels=[pb.CHANNEL_IN_APP],
        ),
        metadata=token_mint.service_bearer("user"),
    )
    refused = await fails(
        stub.RedriveDelivery(pb.RedriveDeliveryRequest(name=sent.deliveries[0].name), metadata=admin)
    )
    assert (refused.code(), error_reason(refused)) == (
        grpc.StatusCode.FAILED_PRECONDITION,
        "DELIVERY_NOT_DEAD",
    )
    user = await fails(stub.ListDeadLetters(pb.ListDeadLettersRequest(), metadata=token_mint.bearer(user_id)))
    assert user.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_a_user_registers_their_own_push_devices_once_each(stub, token_mint):
    user_id = new_user()
    me = token_mint.bearer(user_id)
    request = pb.RegisterDeviceRequest(parent=f"users/{user_id}", token="fid-abc:123")
    first = await stub.RegisterDevice(request, metadata=me)
    again = await stub.RegisterDevice(request, metadata=me)
    assert (first.name, first.device_count) == (again.name, 1)
    bad = await fails(
        stub.RegisterDevice(pb.RegisterDeviceRequest(parent=f"users/{user_id}", token="a b"), metadata=me)
    )
    assert field_violations(bad) == {"token": "PATTERN"}
    other = await fails(stub.RegisterDevice(request, metadata=token_mint.bearer("someone-else")))
    assert other.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_a_signed_twilio_status_callback_marks_the_sms_delivered_and_a_forged_one_is_refused(
    stub, token_mint, twilio
):
    user_id = new_user()
    number = "+4917612345678"
    await stub.Send(
        pb.SendRequest(
            type="study_reminder",
            recipient=f"users/{user_id}",
            idempotency_key=f"remind:{user_id}",
            variables={"course_title": "Botany"},
            channels=[pb.CHANNEL_SMS],
            phone_number=number,
        ),
        metadata=token_mint.service_bearer("course"),
    )
    for _ in range(200):  # the worker sends it through the stand-in
        sent = [m for m in twilio.sent if m["To"] == number]
        if sent:
            break
        await asyncio.sleep(0.05)
    [message] = sent
    url, form, signature = twilio.status_report(message, "delivered")
    delivery_id = url.split("delivery=")[1]
    body = httpbody_pb2.HttpBody(
        content_type="application/x-www-form-urlencoded", data=urlencode(form).encode()
    )
    forged = await fails(
        stub.HandleTwilioStatus(
            pb.HandleTwilioStatusRequest(delivery=delivery_id, body=body),
            metadata=(("x-twilio-signature", signature[:-4] + "AAA="),),
        )
    )
    assert (forged.code(), error_reason(forged)) == (
        grpc.StatusCode.PERMISSION_DENIED,
        "TWILIO_SIGNATURE_INVALID",
    )
    handled = await stub.HandleTwilioStatus(
        pb.HandleTwilioStatusRequest(delivery=delivery_id, body=body),
        metadata=(("x-twilio-signature", signature),),
    )
    replay = await stub.HandleTwilioStatus(
        pb.HandleTwilioStatusRequest(delivery=delivery_id, body=body),
        metadata=(("x-twilio-signature", signature),),
    )
    assert (handled.handled, replay.handled) == (True, False)
    history = await stub.ListNotifications(
        pb.ListNotificationsRequest(parent=f"users/{user_id}"), metadata=token_mint.bearer(user_id)
    )
    assert [d.status for d in history.notifications[0].deliveries] == [pb.DELIVERY_STATUS_DELIVERED]


async def test_announcements_are_for_teachers_and_admins_and_admins_reach_everyone(stub, token_mint):
    request = pb.CreateAnnouncementRequest(
        title="Maintenance", message="Down at noon", request_id=str(uuid.uuid4())
    )
    student = await fails(
        stub.CreateAnnouncement(request, metadata=token_mint.bearer("s-1", roles=["student"]))
    )
    assert student.code() == grpc.StatusCode.PERMISSION_DENIED
    teacher = await fails(
        stub.CreateAnnouncement(request, metadata=token_mint.bearer("t-1", roles=["teacher"]))
    )
    assert error_reason(teacher) == "ANNOUNCEMENT_AUDIENCE_DENIED"
    admin = token_mint.bearer("admin-3", roles=["admin"])
    made = await stub.CreateAnnouncement(request, metadata=admin)
    assert made.name.startswith("announcements/") and made.author == "users/admin-3"
    seen = await stub.GetAnnouncement(pb.GetAnnouncementRequest(name=made.name), metadata=admin)
    assert seen.name == made.name
    hidden = await fails(
        stub.GetAnnouncement(
            pb.GetAnnouncementRequest(name=made.name), metadata=token_mint.bearer("t-1", roles=["teacher"])
        )
    )
    assert error_reason(hidden) == "ANNOUNCEMENT_NOT_FOUND"


async def publish(nats_url: str, events: list) -> None:
    client = await nats.connect(nats_url)
    try:
        js = client.jetstream()
        for event in events:
            envelope = Envelope.new(event)
            await js.publish(envelope.subject, envelope.payload, headers=envelope.headers)
    finally:
        await client.close()


async def test_course_and_payment_events_mail_the_learner_once_with_what_they_carry(own_nats, smtp):
    user_id = new_user()
    address = f"{user_id}@example.test"
    course_id = f"c-{user_id}"
    paid = payment_events.OrderPaid(
        order_id=f"o-{user_id}",
        user_id=user_id,
        course_id=course_id,
        amount=money_pb2.Money(currency_code="EUR", amount_minor=4900),
    )
    learned = [
        user_events.UserRegistered(user_id=user_id, email=address, display_name="Ada"),
        course_events.CoursePublished(course_id=course_id, owner_id="teacher-1", title="Botany"),
        course_events.EnrollmentCreated(course_id=course_id, user_id=user_id, source="purchase"),
    ]
    # Streams are consumed side by side, so the payment must follow what the user and course
    # streams taught (the name, the title): their mails say those were handled.
    await publish(own_nats, learned)
    await smtp.mailbox.arrival(address, count=2)  # welcome, enrolment
    await publish(own_nats, [paid, paid])  # re-published with a new event id: still one receipt
    mails = await smtp.mailbox.arrival(address, count=3)  # welcome, enrolment, receipt
    kinds = sorted(m["X-LMS-Notification-Type"] for m in mails)
    assert kinds == ["enrolment", "receipt", "welcome"]
    receipt = next(m for m in mails if m["X-LMS-Notification-Type"] == "receipt")
    text = receipt.get_body(("plain",)).get_content()
    assert "49.00 EUR" in text and "Botany" in text and f"o-{user_id}" in text
    assert receipt["List-Unsubscribe"] is None  # a receipt is critical
