"""The contract: every RPC has a policy the kit accepts; client RPCs have REST, internal ones none."""

from __future__ import annotations

from google.api import annotations_pb2

from lms.course.v1 import course_pb2, course_pb2_grpc
from lms_kit.policy import policy_for
from lms_kit.server import Service, check_app_contract
from lms_kit.validation import violations_of

SERVICE = course_pb2.DESCRIPTOR.services_by_name["CourseService"]
INTERNAL = {"EnrollPaid", "RevokeEnrollment"}


def test_every_rpc_has_a_policy_and_field_rules_the_kit_accepts():
    policies = check_app_contract(
        [Service(SERVICE, course_pb2_grpc.add_CourseServiceServicer_to_server, object())]
    )
    assert len(policies) == len(SERVICE.methods)


def test_client_rpcs_have_rest_mappings_and_internal_rpcs_are_for_payment_only():
    for method in SERVICE.methods:
        has_http = method.GetOptions().HasExtension(annotations_pb2.http)
        assert has_http == (method.name not in INTERNAL), method.name
        if method.name in INTERNAL:
            assert list(policy_for(method).services) == ["payment"], method.name
        else:
            rule = method.GetOptions().Extensions[annotations_pb2.http]
            assert getattr(rule, rule.WhichOneof("pattern")).startswith("/v1/"), method.name


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
