"""The contract: every RPC has a policy, REST under /v1/ and an implementation; health."""

from __future__ import annotations

from grpc_health.v1 import health_pb2, health_pb2_grpc

from lms.assessment.v1 import assessment_pb2 as pb
from lms_assessment.servicer import AssessmentServicer
from lms_kit.testing.checks import contract_problems, unimplemented_rpcs

DESCRIPTOR = pb.DESCRIPTOR.services_by_name["AssessmentService"]


def test_every_rpc_has_a_policy_rest_mapping_and_an_implementation():
    assert contract_problems(DESCRIPTOR) == []
    assert unimplemented_rpcs(AssessmentServicer, DESCRIPTOR) == []


async def test_the_service_reports_serving(mesh):
    health = health_pb2_grpc.HealthStub(mesh.served.channel)
    reply = await health.Check(health_pb2.HealthCheckRequest(service=DESCRIPTOR.full_name))
    assert reply.status == health_pb2.HealthCheckResponse.SERVING
