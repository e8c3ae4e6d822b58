"""Whose X-Forwarded-For counts: only the gateway's (it sends the shared gateway secret).
A direct caller, even on loopback, is its peer address whatever it claims."""

from __future__ import annotations

import grpc
import pytest

from lms.testing.v1 import probe_pb2 as p
from lms.testing.v1 import probe_pb2_grpc
from lms_kit.caller import origin
from lms_kit.testing.harness import serve_app, settings_for
from lms_kit.testing.probe import ProbeServicer, probe_app

SECRET = "gateway-secret-for-tests"


class OriginProbe(ProbeServicer):
    async def Echo(self, request, context):
        return p.EchoResponse(text=origin().address)


@pytest.fixture
async def stub(mint):
    settings = settings_for(mint, "testing", gateway_secret=SECRET)
    async with serve_app(probe_app(OriginProbe()), settings) as server:
        yield probe_pb2_grpc.ProbeServiceStub(server.channel)


async def client_address(stub, *metadata: tuple[str, str]) -> str:
    return (await stub.Echo(p.EchoRequest(text="x"), metadata=metadata)).text


async def test_a_direct_caller_is_its_peer_whatever_it_forwards(stub):
    assert await client_address(stub) == "127.0.0.1"
    assert await client_address(stub, ("x-forwarded-for", "203.0.113.9")) == "127.0.0.1"
    forged = ("x-lms-gateway", "a guess"), ("x-forwarded-for", "203.0.113.9")
    assert await client_address(stub, *forged) == "127.0.0.1"


async def test_the_gateway_vouches_with_its_secret_and_its_last_hop_is_the_client(stub):
    through_gateway = ("x-lms-gateway", SECRET), ("x-forwarded-for", "198.51.100.1, 203.0.113.9")
    assert await client_address(stub, *through_gateway) == "203.0.113.9"


async def test_without_a_configured_secret_no_forwarded_address_counts(mint):
    async with serve_app(probe_app(OriginProbe()), settings_for(mint, "testing")) as server:
        stub = probe_pb2_grpc.ProbeServiceStub(server.channel)
        claimed = ("x-lms-gateway", ""), ("x-forwarded-for", "203.0.113.9")
        assert await client_address(stub, *claimed) == "127.0.0.1"
        with pytest.raises(grpc.aio.AioRpcError):
            await stub.AdminEcho(p.AdminEchoRequest(text="x"))
