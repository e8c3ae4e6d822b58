"""The service over gRPC with the kit's real pipeline: the contract, each RPC, and the
answers to bad input, a wrong caller and a missing resource."""

from __future__ import annotations

import uuid

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from lms.analytics.v1 import analytics_pb2 as pb
from lms_analytics.servicer import AnalyticsServicer
from lms_kit.testing.checks import contract_problems, unimplemented_rpcs
from lms_kit.testing.harness import error_reason, field_violations

DESCRIPTOR = pb.DESCRIPTOR.services_by_name["AnalyticsService"]


async def fails(call) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


def test_every_rpc_has_a_policy_rest_mapping_and_an_implementation():
    assert contract_problems(DESCRIPTOR) == []
    assert unimplemented_rpcs(AnalyticsServicer, DESCRIPTOR) == []


async def test_the_service_reports_serving(service):
    health = health_pb2_grpc.HealthStub(service.channel)
    reply = await health.Check(health_pb2.HealthCheckRequest(service=DESCRIPTOR.full_name))
    assert reply.status == health_pb2.HealthCheckResponse.SERVING


async def test_an_item_is_created_read_and_listed_by_its_owner(stub, token_mint):
    owner = token_mint.bearer(f"u-{uuid.uuid4()}", roles=["student"])
    request_id = str(uuid.uuid4())
    created = await stub.CreateItem(
        pb.CreateItemRequest(item=pb.Item(title="Notes"), request_id=request_id), metadata=owner
    )
    retried = await stub.CreateItem(
        pb.CreateItemRequest(item=pb.Item(title="Notes"), request_id=request_id), metadata=owner
    )
    assert retried.name == created.name and created.title == "Notes"
    assert (await stub.GetItem(pb.GetItemRequest(name=created.name), metadata=owner)).title == "Notes"
    listed = await stub.ListItems(pb.ListItemsRequest(page_size=10), metadata=owner)
    assert [i.name for i in listed.items] == [created.name]


async def test_bad_input_names_the_fields(stub, token_mint):
    owner = token_mint.bearer("u-bad", roles=["student"])
    error = await fails(
        stub.CreateItem(pb.CreateItemRequest(item=pb.Item(title=""), request_id="nope"), metadata=owner)
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field_violations(error) == {"item.title": "REQUIRED", "request_id": "UUID"}
    blank = await fails(stub.CreateItem(pb.CreateItemRequest(item=pb.Item(title="   ")), metadata=owner))
    assert (error_reason(blank), field_violations(blank)) == ("TITLE_BLANK", {"item.title": "TITLE_BLANK"})


async def test_anonymous_callers_are_refused_and_others_items_do_not_exist(stub, token_mint):
    anonymous = await fails(stub.ListItems(pb.ListItemsRequest()))
    assert (anonymous.code(), error_reason(anonymous)) == (grpc.StatusCode.UNAUTHENTICATED, "TOKEN_MISSING")
    created = await stub.CreateItem(
        pb.CreateItemRequest(item=pb.Item(title="Mine")), metadata=token_mint.bearer("u-owner")
    )
    hidden = await fails(
        stub.GetItem(pb.GetItemRequest(name=created.name), metadata=token_mint.bearer("u-other"))
    )
    assert (hidden.code(), error_reason(hidden)) == (grpc.StatusCode.NOT_FOUND, "ITEM_NOT_FOUND")
    missing = await fails(
        stub.GetItem(pb.GetItemRequest(name="items/none"), metadata=token_mint.bearer("u-owner"))
    )
    assert error_reason(missing) == "ITEM_NOT_FOUND"
