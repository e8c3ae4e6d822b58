"""Event naming and the envelope's header scheme."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from google.protobuf import timestamp_pb2

from lms.testing.v1 import probe_pb2
from lms_kit.events.envelope import Envelope, domain_of, event_type, format_time, parse_time
from lms_kit.events.streams import stream_name


def test_messages_outside_an_lms_domain_package_are_not_events():
    with pytest.raises(ValueError, match="not an event"):
        event_type(timestamp_pb2.Timestamp)


def test_event_type_is_the_full_proto_name():
    assert event_type(probe_pb2.Note) == "lms.testing.v1.Note"
    assert event_type(probe_pb2.Note(name="x")) == "lms.testing.v1.Note"


def test_envelope_headers_carry_id_type_time_and_content_type():
    at = datetime(2030, 1, 2, 3, 4, 5, 678901, tzinfo=timezone(timedelta(hours=2)))
    envelope = Envelope.new(probe_pb2.Note(name="users/1/notes/2"), event_id="id-1", occurred_at=at)

    assert envelope.subject == "lms.testing.v1.Note"
    assert envelope.headers == {
        "Nats-Msg-Id": "id-1",
        "lms-event-id": "id-1",
        "lms-event-type": "lms.testing.v1.Note",
        "lms-occurred-at": "2030-01-02T01:04:05.678901Z",
        "content-type": "application/protobuf",
    }
    assert probe_pb2.Note.FromString(envelope.payload).name == "users/1/notes/2"


def test_each_envelope_gets_a_new_event_id():
    assert Envelope.new(probe_pb2.Note()).event_id != Envelope.new(probe_pb2.Note()).event_id


def test_occurred_at_round_trips_as_utc():
    at = datetime(2030, 5, 6, 7, 8, 9, 10, tzinfo=UTC)
    assert parse_time(format_time(at)) == at


def test_domain_and_stream_names():
    assert domain_of("lms.course.v1.CoursePublished") == "course"
    assert domain_of("lms.course.v1.>") == "course"
    assert stream_name("course") == "LMS_COURSE"
    with pytest.raises(ValueError):
        domain_of("orders.created")
    with pytest.raises(ValueError):
        stream_name("Course.X")
