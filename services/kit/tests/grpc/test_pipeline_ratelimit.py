"""The pipeline's rate-limit step, as start_server builds it from settings and the contract."""

from __future__ import annotations

import uuid

import grpc
import pytest
from google.rpc import error_details_pb2

from lms.testing.v1 import probe_pb2 as p
from lms.testing.v1 import probe_pb2_grpc
from lms_kit.testing.harness import error_reason, rich_status, serve_app, settings_for
from lms_kit.testing.probe import probe_app

WHOAMI = "/lms.testing.v1.ProbeService/WhoAmI"


@pytest.mark.parametrize("redis_url", ["", "redis://127.0.0.1:6379/0"], ids=["in-process", "redis"])
async def test_a_limited_method_refuses_with_resource_exhausted_retry_info_and_retry_after(
    mint, redis_url: str
) -> None:
    user = f"u-{uuid.uuid4().hex}"  # a bucket no other run has touched
    settings = settings_for(mint, "testing", redis_url=redis_url, rate_limits={WHOAMI: 2})
    async with serve_app(probe_app(), settings) as server:
        stub = probe_pb2_grpc.ProbeServiceStub(server.channel)
        for _ in range(2):
            await stub.WhoAmI(p.WhoAmIRequest(), metadata=mint.bearer(user))
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.WhoAmI(p.WhoAmIRequest(), metadata=mint.bearer(user))
        other = await stub.WhoAmI(p.WhoAmIRequest(), metadata=mint.bearer(f"{user}-other"))
        unlimited = [await stub.Echo(p.EchoRequest(text="x")) for _ in range(5)]

    error = refused.value
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert error_reason(error) == "RATE_LIMITED"
    [retry_info] = [d for d in rich_status(error).details if d.Is(error_details_pb2.RetryInfo.DESCRIPTOR)]
    info = error_details_pb2.RetryInfo()
    retry_info.Unpack(info)
    assert 0 < info.retry_delay.ToMilliseconds() <= 30_000
    trailers = dict(error.trailing_metadata())
    assert 1 <= int(trailers["retry-after"]) <= 30
    assert other.subject == f"{user}-other"
    assert len(unlimited) == 5


async def test_anonymous_callers_are_told_apart_by_the_gateways_forwarded_address(mint) -> None:
    echo = "/lms.testing.v1.ProbeService/Echo"
    settings = settings_for(mint, "testing", rate_limits={echo: 1}, gateway_secret="s3cret")
    first, second = f"198.51.100.{uuid.uuid4().int % 250}", "203.0.113.7"
    gateway = ("x-lms-gateway", "s3cret")
    async with serve_app(probe_app(), settings) as server:
        stub = probe_pb2_grpc.ProbeServiceStub(server.channel)
        # The gateway appends the client as the right-most hop; earlier hops are the client's own claims.
        await stub.Echo(p.EchoRequest(), metadata=(gateway, ("x-forwarded-for", f"10.9.9.9, {first}")))
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.Echo(p.EchoRequest(), metadata=(gateway, ("x-forwarded-for", f"10.8.8.8, {first}")))
        assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        await stub.Echo(p.EchoRequest(), metadata=(gateway, ("x-forwarded-for", second)))


async def test_a_direct_caller_cannot_escape_its_limit_by_forging_forwarded_addresses(mint) -> None:
    echo = "/lms.testing.v1.ProbeService/Echo"
    settings = settings_for(mint, "testing", rate_limits={echo: 1}, gateway_secret="s3cret")
    async with serve_app(probe_app(), settings) as server:
        stub = probe_pb2_grpc.ProbeServiceStub(server.channel)
        await stub.Echo(p.EchoRequest(), metadata=(("x-forwarded-for", "203.0.113.50"),))
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.Echo(p.EchoRequest(), metadata=(("x-forwarded-for", "203.0.113.51"),))
        assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
