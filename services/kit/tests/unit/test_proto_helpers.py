"""Mapper helpers: timestamps, money, resource names and AIP-134 update masks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from google.protobuf import field_mask_pb2

from lms.course.v1 import course_pb2 as c
from lms_kit.domain import Invalid
from lms_kit.domain.money import Money, check_currency
from lms_kit.proto import (
    ResourceName,
    from_timestamp,
    last_id,
    money,
    money_from_proto,
    optional_id,
    timestamp,
    update_mask,
)

CHAPTER = ResourceName("courses/{course}/chapters/{chapter}")


def test_timestamps_round_trip_in_utc_and_none_stays_unset():
    moment = datetime(2026, 12, 3, 10, 30, tzinfo=UTC)
    stamp = timestamp(moment)
    assert stamp is not None and stamp.ToDatetime(tzinfo=UTC) == moment
    assert timestamp(None) is None
    course = c.Course(name="courses/c1")
    assert from_timestamp(course, "create_time") is None
    course.create_time.CopyFrom(stamp)
    assert from_timestamp(course, "create_time") == moment


def test_money_maps_both_ways_and_only_supported_currencies_pass():
    assert money_from_proto(money(Money(4_900, "USD"))) == Money(4_900, "USD")
    assert check_currency("INR", "price.currency_code") == "INR"
    for bad in ("usd", "US$", "€", "XYZ", ""):
        with pytest.raises(Invalid) as caught:
            check_currency(bad, "price.currency_code")
        assert [(v.field, v.reason) for v in caught.value.violations] == [
            ("price.currency_code", "CURRENCY_UNSUPPORTED")
        ]


def test_resource_names_format_and_parse_and_refuse_other_shapes():
    name = CHAPTER.format(course="c1", chapter="h1")
    assert name == "courses/c1/chapters/h1"
    assert CHAPTER.ids(name) == ("c1", "h1")
    assert CHAPTER.parse(name) == {"course": "c1", "chapter": "h1"}
    with pytest.raises(Invalid) as caught:
        CHAPTER.parse("courses/c1/lectures/l1", "chapter")
    assert caught.value.violations[0].field == "chapter"
    assert (last_id("courses/c1"), optional_id(""), last_id("")) == ("c1", None, "")


def test_update_mask_paths_star_and_set_fields_without_a_mask():
    course = c.Course(title="new", tags=["a"])
    allowed = ("title", "subtitle", "tags", "price")
    masked = c.UpdateCourseRequest(course=course, update_mask=field_mask_pb2.FieldMask(paths=["subtitle"]))
    assert update_mask(masked, course, allowed) == {"subtitle"}
    star = c.UpdateCourseRequest(course=course, update_mask=field_mask_pb2.FieldMask(paths=["*"]))
    assert update_mask(star, course, allowed) == set(allowed)
    # Without a mask: the set fields (a message field counts when present).
    assert update_mask(c.UpdateCourseRequest(course=course), course, allowed) == {"title", "tags"}


def test_update_mask_refuses_every_unknown_path_at_once():
    request = c.UpdateCourseRequest(update_mask=field_mask_pb2.FieldMask(paths=["title", "owner", "id"]))
    with pytest.raises(Invalid) as caught:
        update_mask(request, request.course, ("title",))
    assert caught.value.reason == "UPDATE_MASK_INVALID"
    assert sorted(v.description for v in caught.value.violations) == [
        "cannot update 'id'",
        "cannot update 'owner'",
    ]
