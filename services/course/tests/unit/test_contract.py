"""The contract: every RPC has a policy the kit accepts; client RPCs have REST, internal ones none."""

from __future__ import annotations

from google.api import annotations_pb2

from lms.course.v1 import course_pb2, course_pb2_grpc
from lms_kit.policy import policy_for
from lms_kit.server import Service, check_app_contract

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
