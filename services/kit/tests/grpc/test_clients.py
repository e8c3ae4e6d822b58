"""Service-to-service channels: identity, forwarding, deadlines, retries."""

import asyncio

import grpc
import pytest

from lms.testing.v1 import probe_pb2 as p
from lms.testing.v1 import probe_pb2_grpc
from lms_kit.clients import SigningTokenSource, connect
from lms_kit.errors import Unavailable
from lms_kit.testing.harness import serve_app, settings_for
from lms_kit.testing.probe import ProbeServicer, probe_app

PROBE = p.DESCRIPTOR.services_by_name["ProbeService"]


class FlakyProbe(ProbeServicer):
    """Answers UNAVAILABLE to the first `failures` Echo and CreateWidget calls."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures
        self.calls = {"Echo": 0, "CreateWidget": 0}

    async def _maybe_fail(self, name: str) -> None:
        self.calls[name] += 1
        if self.calls[name] <= self.failures:
            raise Unavailable("DEPENDENCY_DOWN", "try again")

    async def Echo(self, request, context):
        await self._maybe_fail("Echo")
        return await super().Echo(request, context)

    async def CreateWidget(self, request, context):
        await self._maybe_fail("CreateWidget")
        return await super().CreateWidget(request, context)


@pytest.fixture
def tokens(mint):
    return SigningTokenSource(mint.signer, "payment")


async def test_calls_carry_the_calling_services_identity(probe, tokens):
    channel = connect(probe.target, [PROBE], tokens=tokens)
    try:
        stub = probe_pb2_grpc.ProbeServiceStub(channel)
        assert (await stub.InternalPing(p.InternalPingRequest())).caller == "payment"
    finally:
        await channel.close()


async def test_idempotent_methods_are_retried_on_unavailable_and_others_are_not(mint, tokens):
    flaky = FlakyProbe(failures=2)
    async with serve_app(probe_app(flaky), settings_for(mint, "testing")) as server:
        channel = connect(server.target, [PROBE], tokens=tokens)
        stub = probe_pb2_grpc.ProbeServiceStub(channel)
        try:
            assert (await stub.Echo(p.EchoRequest(text="x"))).text == "x"
            assert flaky.calls["Echo"] == 3

            widget = p.Widget(title="abc", quantity=1, kind=p.WIDGET_KIND_SMALL)
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await stub.CreateWidget(p.CreateWidgetRequest(widget=widget))
            assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
            assert flaky.calls["CreateWidget"] == 1
        finally:
            await channel.close()


async def test_calls_get_the_default_deadline(probe, tokens):
    channel = connect(probe.target, [PROBE], tokens=tokens, timeout_s=0.2)
    try:
        stub = probe_pb2_grpc.ProbeServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.Sleep(p.SleepRequest(millis=3000))
        assert caught.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    finally:
        await channel.close()


class RelayingProbe(ProbeServicer):
    """WhoAmI asks a downstream probe who it thinks is calling, to prove forwarding."""

    def __init__(self, downstream) -> None:
        super().__init__()
        self.downstream = downstream

    async def WhoAmI(self, request, context):
        return await self.downstream.WhoAmI(request)


async def test_end_user_identity_is_forwarded_to_the_next_service(mint, probe, tokens):
    channel = connect(probe.target, [PROBE], tokens=tokens)
    relay = RelayingProbe(probe_pb2_grpc.ProbeServiceStub(channel))
    async with serve_app(probe_app(relay), settings_for(mint, "relay")) as front:
        stub = probe_pb2_grpc.ProbeServiceStub(front.channel)
        reply = await stub.WhoAmI(p.WhoAmIRequest(), metadata=mint.bearer("learner-5", roles=["student"]))
    await channel.close()
    assert (reply.subject, reply.service, reply.on_behalf_of) == ("service:payment", "payment", "learner-5")


async def test_service_tokens_are_reused_until_near_expiry(tokens):
    first, second = await asyncio.gather(tokens.token(), tokens.token())
    assert first == second
