"""The contract as the kit and the gateway see it, and the servicer implements all of it."""

from __future__ import annotations

from google.api import annotations_pb2

from lms.course.v1 import course_pb2
from lms_course.servicer import CourseServicer
from lms_kit.policy import policy_for
from lms_kit.testing.checks import contract_problems, unimplemented_rpcs
from lms_kit.validation import violations_of

SERVICE = course_pb2.DESCRIPTOR.services_by_name["CourseService"]
INTERNAL = {"EnrollPaid", "RevokeEnrollment"}


def test_every_rpc_has_a_policy_and_rest_where_clients_call_it():
    assert contract_problems(SERVICE) == []


def test_the_servicer_implements_every_rpc():
    assert unimplemented_rpcs(CourseServicer, SERVICE) == []


def test_only_enrol_after_an_order_and_revoke_are_internal_and_for_the_payment_service_only():
    for method in SERVICE.methods:
        assert method.GetOptions().HasExtension(annotations_pb2.http) == (method.name not in INTERNAL)
        if method.name in INTERNAL:
            assert list(policy_for(method).services) == ["payment"], method.name


def test_the_refund_window_is_optional_and_the_kit_bounds_it_to_0_through_365_days():
    def violations(**course) -> dict[str, str]:
        request = course_pb2.CreateCourseRequest(course=course_pb2.Course(title="t", **course))
        return {v.field: v.reason for v in violations_of(request)}

    field = course_pb2.Course.DESCRIPTOR.fields_by_name["refund_window_days"]
    assert field.has_presence  # proto3 `optional`: unset (the default) differs from 0 (no refunds)
    assert not course_pb2.Course().HasField("refund_window_days")
    for days in (None, 0, 14, 365):
        assert violations(**({} if days is None else {"refund_window_days": days})) == {}, days
    assert violations(refund_window_days=366) == {"course.refund_window_days": "MAX"}
    assert violations(refund_window_days=-1) == {"course.refund_window_days": "MIN"}
