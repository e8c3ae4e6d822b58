"""The contract as served: a policy on every RPC, REST for client RPCs, every RPC
implemented, health, and the pipeline's own refusals."""

from __future__ import annotations

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from lms.file.v1 import file_pb2 as pb
from lms_file.servicer import FileServicer
from lms_kit.testing.checks import contract_problems, unimplemented_rpcs
from lms_kit.testing.harness import error_reason

DESCRIPTOR = pb.DESCRIPTOR.services_by_name["FileService"]


def test_every_rpc_has_a_policy_rest_mapping_and_an_implementation():
    assert contract_problems(DESCRIPTOR) == []
    assert unimplemented_rpcs(FileServicer, DESCRIPTOR) == []


async def test_the_service_reports_serving(mesh):
    health = health_pb2_grpc.HealthStub(mesh.served.channel)
    reply = await health.Check(health_pb2.HealthCheckRequest(service=DESCRIPTOR.full_name))
    assert reply.status == health_pb2.HealthCheckResponse.SERVING


async def test_anonymous_callers_cannot_upload_or_list(mesh):
    for call in (
        mesh.files.ListFiles(pb.ListFilesRequest()),
        mesh.files.CreateUpload(pb.CreateUploadRequest()),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call
        assert (caught.value.code(), error_reason(caught.value)) == (
            grpc.StatusCode.UNAUTHENTICATED,
            "TOKEN_MISSING",
        )
