"""Inputs that once ended in 500s or got through, sent exactly as an attacker would, through
the real Envoy (and directly over gRPC where services are reached that way). One mesh of its
own with the probe service only."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import httpx
import pytest

from lms.testing.v1 import probe_pb2, probe_pb2_grpc

pytestmark = pytest.mark.e2e

PLATFORM, GATEWAY = "platform.lms", "gateway.lms"


def reason(body: dict) -> tuple[str, str]:
    [info] = [d for d in body["details"] if d["@type"].endswith("ErrorInfo")]
    return info["reason"], info["domain"]


@pytest.fixture(scope="module")
def mesh(tmp_path_factory, start_mesh):
    running = start_mesh(tmp_path_factory.mktemp("hardening") / "data", "--only", "testing")
    yield running
    running.terminate()


@pytest.fixture(scope="module")
def rest(mesh) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mesh.rest, timeout=10.0, trust_env=False) as client:
        yield client


@pytest.fixture(scope="module")
def probe_target(mesh) -> str:
    return mesh.state()["services"]["testing"]["grpc"]


def test_text_that_is_not_utf8_is_a_400_naming_no_internals(rest: httpx.Client):
    answer = rest.get("/v1/testing/echo?text=%ff%fe")
    assert answer.status_code == 400
    body = answer.json()
    assert reason(body) == ("REQUEST_MALFORMED", PLATFORM)
    assert "class" not in body["message"] and "Error" not in body["message"]


async def test_raw_bytes_over_grpc_are_invalid_argument(probe_target: str):
    async with grpc.aio.insecure_channel(probe_target) as channel:
        raw = channel.unary_unary("/lms.testing.v1.ProbeService/Echo")
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await raw(b"\x0a\x02\xff\xfe")
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"params": {"text": "a" * 15_000}},
        {"headers": {"x-padding": "b" * 15_000}},
        {"headers": {f"x-pad-{n}": "c" * 1_000 for n in range(9)}},
    ],
    ids=["long-query", "one-big-header", "many-headers"],
)
def test_oversized_request_headers_get_one_431_in_the_error_shape(rest: httpx.Client, request_kwargs: dict):
    for _ in range(5):  # deterministic: never sometimes a 429 from deeper in
        answer = rest.get("/v1/testing/echo", **request_kwargs)
        assert answer.status_code == 431
        body = answer.json()
        assert reason(body) == ("HEADERS_TOO_LARGE", GATEWAY)
        assert "grpc" not in answer.text.lower() and "x-envoy" not in answer.text.lower()


def test_headers_just_under_the_bound_pass(rest: httpx.Client):
    assert (
        rest.get(
            "/v1/testing/echo", params={"text": "d" * 900}, headers={"x-padding": "e" * 5_000}
        ).status_code
        == 200
    )


def test_a_forged_forwarded_address_through_the_gateway_is_not_the_client(rest: httpx.Client):
    own = rest.get("/v1/testing/origin").json()["address"]
    forged = rest.get(
        "/v1/testing/origin", headers={"x-forwarded-for": "203.0.113.9", "x-lms-gateway": "a guess"}
    ).json()["address"]
    assert forged == own != "203.0.113.9"


async def test_a_direct_grpc_caller_is_its_peer_whatever_it_forwards(probe_target: str):
    async with grpc.aio.insecure_channel(probe_target) as channel:
        stub = probe_pb2_grpc.ProbeServiceStub(channel)
        claimed = (("x-forwarded-for", "203.0.113.9"), ("x-lms-gateway", "a guess"))
        found = await stub.GetCallerOrigin(probe_pb2.GetCallerOriginRequest(), metadata=claimed)
    assert found.address == "127.0.0.1"
