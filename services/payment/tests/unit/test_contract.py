"""The contract as the kit and the gateway see it, and the servicer implements all of it."""

from __future__ import annotations

from google.api import annotations_pb2

from lms.payment.v1 import payment_pb2
from lms_kit.policy import policy_for
from lms_kit.testing.checks import contract_problems, unimplemented_rpcs
from lms_payment.servicer import PaymentServicer

SERVICE = payment_pb2.DESCRIPTOR.services_by_name["PaymentService"]


def test_every_rpc_has_a_policy_and_rest_where_clients_call_it():
    assert contract_problems(SERVICE) == []


def test_the_servicer_implements_every_rpc():
    assert unimplemented_rpcs(PaymentServicer, SERVICE) == []


def test_only_the_access_check_is_internal_and_only_for_the_course_service():
    internal = [m.name for m in SERVICE.methods if not m.GetOptions().HasExtension(annotations_pb2.http)]
    assert internal == ["CheckCourseAccess"]
    assert list(policy_for(SERVICE.methods_by_name["CheckCourseAccess"]).services) == ["course"]
