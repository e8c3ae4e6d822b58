"""Domain error categories: what a handler can do with a refusal before the kit maps it."""

from __future__ import annotations

import grpc
from google.rpc import error_details_pb2

from lms_kit.domain import FieldViolation, Invalid
from lms_kit.errors import to_status


def test_relocated_moves_only_the_fields_under_the_prefix_and_keeps_the_refusal():
    refused = Invalid(
        [
            FieldViolation("user.display_name", "must not be empty", "REQUIRED"),
            FieldViolation("request_id", "must be a UUID", "UUID"),
        ],
        "bad profile",
        reason="INVALID_PROFILE",
        metadata={"hint": "x"},
        domain="user.lms",
    )
    moved = refused.relocated("user.")
    assert [(v.field, v.reason) for v in moved.violations] == [
        ("display_name", "REQUIRED"),
        ("request_id", "UUID"),
    ]
    assert (moved.reason, moved.message, moved.metadata, moved.domain) == (
        "INVALID_PROFILE",
        "bad profile",
        {"hint": "x"},
        "user.lms",
    )
    assert [v.field for v in refused.relocated("user.", "profile.").violations] == [
        "profile.display_name",
        "request_id",
    ]
    assert refused.violations[0].field == "user.display_name"  # the original is unchanged


def test_a_relocated_refusal_maps_to_the_same_status_with_the_new_field():
    moved = Invalid.field("user.bio", "MAX_LENGTH", "too long").relocated("user.")
    status = to_status(moved, "user.lms")
    assert status.code == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    bad_requests = [d for d in status.details if d.Is(error_details_pb2.BadRequest.DESCRIPTOR)]
    assert len(bad_requests) == 1
    bad_request = error_details_pb2.BadRequest()
    bad_requests[0].Unpack(bad_request)
    assert [(v.field, v.reason) for v in bad_request.field_violations] == [("bio", "MAX_LENGTH")]


def test_an_answer_lists_the_first_violations_and_says_how_many_there_were():
    """A request with hundreds of bad items must not make a trailer the gateway refuses."""
    from lms_kit.errors import MAX_VIOLATIONS_SHOWN

    many = Invalid(
        [FieldViolation(f"answers[{i}].question", "is required", "REQUIRED") for i in range(500)], "bad"
    )
    status = to_status(many, "assessment.lms")
    info, bad = error_details_pb2.ErrorInfo(), error_details_pb2.BadRequest()
    status.details[0].Unpack(info)
    status.details[1].Unpack(bad)
    assert len(bad.field_violations) == MAX_VIOLATIONS_SHOWN
    assert bad.field_violations[0].field == "answers[0].question"
    assert dict(info.metadata) == {"violations_total": "500", "violations_shown": str(MAX_VIOLATIONS_SHOWN)}
    assert len(status.SerializeToString()) < 4096
    few = to_status(Invalid([FieldViolation("a", "is required", "REQUIRED")], "bad"), "x.lms")
    few_info = error_details_pb2.ErrorInfo()
    few.details[0].Unpack(few_info)
    assert dict(few_info.metadata) == {}
