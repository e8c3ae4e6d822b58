"""The gateway's edge behaviour through the real Envoy: authentication, Envoy's
own error replies as JSON, rate limits (Envoy's per route, the kit's per user),
CORS, compression and /openapi.json. One mesh of its own (the probe service
only), started with low limits so that they can be hit."""

from __future__ import annotations

import gzip
import json
import subprocess
import time
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

import grpc
import httpx
import pytest

from lms.testing.v1 import probe_pb2, probe_pb2_grpc
from lms_kit.auth.tokens import TokenSigner, new_ed25519_signer

if TYPE_CHECKING:
    from collections.abc import Callable

    from conftest import RunningMesh

pytestmark = pytest.mark.e2e

ADMIN_ECHO = "/lms.testing.v1.ProbeService/AdminEcho"
WHOAMI = "/lms.testing.v1.ProbeService/WhoAmI"
GATEWAY, PLATFORM = "gateway.lms", "platform.lms"
ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"
RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo"
ORIGIN = "http://localhost:3000"
OPENAPI = {"openapi": "3.1.0", "info": {"title": "edge test", "version": "1"}, "paths": {}}


@pytest.fixture(scope="module")
def edge(
    tmp_path_factory: pytest.TempPathFactory, start_mesh: Callable[..., RunningMesh]
) -> Iterator[RunningMesh]:
    directory = tmp_path_factory.mktemp("edge")
    openapi = directory / "openapi.json"
    openapi.write_text(json.dumps(OPENAPI))
    mesh = start_mesh(
        directory / "data",
        "--only",
        "testing",
        "--route-rate-limit",
        f"{ADMIN_ECHO}=2/3600",
        "--compression-min-bytes",
        "100",
        "--openapi-file",
        str(openapi),
        env={"LMS_RATE_LIMITS": json.dumps({WHOAMI: 2}), "LMS_REDIS_URL": "redis://127.0.0.1:6379/0"},
    )
    yield mesh
    mesh.terminate()


@pytest.fixture(scope="module")
def http(edge: RunningMesh) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=edge.rest, timeout=10.0, trust_env=False) as client:
        yield client


@pytest.fixture(scope="module")
def signer(edge: RunningMesh) -> TokenSigner:
    """The dev issuer's key, which the runner's edge trusts."""
    keys = edge.data_dir / "keys"
    kid = json.loads((keys / "jwks.json").read_text())["keys"][0]["kid"]
    return TokenSigner.from_pem_file(str(keys / "dev-issuer.pem"), kid=kid, issuer="lms.user", audience="lms")


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def error_info(response: httpx.Response) -> dict:
    """The ErrorInfo of a JSON error body (asserting the body has the Status shape)."""
    assert response.headers["content-type"].startswith("application/json"), response.text
    body = response.json()
    assert isinstance(body["code"], int) and body["code"] > 0, body
    assert isinstance(body["message"], str) and body["message"], body
    [info] = [d for d in body["details"] if d["@type"] == ERROR_INFO]
    return info


def access_log_lines(mesh: RunningMesh) -> list[dict]:
    path = mesh.data_dir / "logs" / "envoy-access.log"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def logged(mesh: RunningMesh, marker: str) -> dict:
    """The access-log line of the request whose path contains `marker` (Envoy
    flushes its log about once a second)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for line in access_log_lines(mesh):
            if marker in (line.get("path") or ""):
                return line
        time.sleep(0.2)
    raise AssertionError(f"no request with {marker!r} in the access log")


# ---------------------------------------------------------------- authentication


def test_signed_in_rpc_without_token_is_refused_at_the_edge(http: httpx.Client) -> None:
    response = http.get("/v1/testing/whoami")

    assert response.status_code == 401
    assert error_info(response) == {"@type": ERROR_INFO, "reason": "TOKEN_MISSING", "domain": GATEWAY}
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("not.a.jwt", "TOKEN_INVALID"),
        (new_ed25519_signer(kid="stranger", issuer="lms.user", audience="lms").sign("u1"), "TOKEN_INVALID"),
        ("EXPIRED", "TOKEN_INVALID"),
        ("WRONG_AUDIENCE", "TOKEN_WRONG_AUDIENCE"),
    ],
    ids=["malformed", "unknown-key", "expired", "wrong-audience"],
)
def test_bad_tokens_are_refused_at_the_edge_even_on_anonymous_rpcs(
    http: httpx.Client, signer: TokenSigner, token: str, reason: str
) -> None:
    if token == "EXPIRED":
        token = signer.sign("u1", ttl_s=60, now=time.time() - 3600)
    elif token == "WRONG_AUDIENCE":
        token = signer.sign("u1", audience="elsewhere")

    for path in ("/v1/testing/whoami", "/v1/testing/echo?text=hi"):  # signed-in and anonymous
        response = http.get(path, headers=bearer(token))
        assert response.status_code == 401, response.text
        assert error_info(response)["reason"] == reason
        assert error_info(response)["domain"] == GATEWAY


def test_anonymous_rpc_passes_without_a_token(http: httpx.Client) -> None:
    assert http.get("/v1/testing/echo", params={"text": "hi"}).json() == {"text": "hi"}


def test_valid_token_passes_the_edge_and_the_verified_subject_is_forwarded(
    edge: RunningMesh, http: httpx.Client, signer: TokenSigner
) -> None:
    user = f"u-{uuid.uuid4().hex[:12]}"
    marker = uuid.uuid4().hex

    response = http.get("/v1/testing/echo", params={"text": marker}, headers=bearer(signer.sign(user)))

    assert response.status_code == 200
    assert logged(edge, marker)["user"] == user


def test_a_client_cannot_forge_the_forwarded_claims(edge: RunningMesh, http: httpx.Client) -> None:
    marker = uuid.uuid4().hex
    forged = {"x-lms-user-id": "admin", "x-jwt-payload": "eyJzdWIiOiJhZG1pbiJ9"}

    assert http.get("/v1/testing/echo", params={"text": marker}, headers=forged).status_code == 200
    assert logged(edge, marker)["user"] is None


# ---------------------------------------------------------------- Envoy's own replies


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "reason"),
    [
        ("GET", "/v1/testing/no-such-thing", None, 404, "ROUTE_NOT_FOUND"),
        ("DELETE", "/v1/testing/echo", None, 404, "ROUTE_NOT_FOUND"),
        ("GET", "/v1/testing/echo?text=hi&txet=typo", None, 400, "BAD_REQUEST"),
        ("POST", "/v1/testing/widgets", b'{"title": ', 400, "BAD_REQUEST"),
        ("POST", "/v1/testing/widgets", b'{"quantity": "many"}', 400, "BAD_REQUEST"),
        ("POST", "/v1/testing/widgets", b'{"quantity": [1]}', 400, "BAD_REQUEST"),
        ("POST", "/v1/testing/widgets", b'{"kind": "NOT_A_KIND"}', 400, "BAD_REQUEST"),
        ("POST", "/v1/testing/widgets", b"[1, 2]", 400, "BAD_REQUEST"),
        (
            "POST",
            "/v1/testing/widgets",
            b'{"title":"' + b"x" * (2 * 1024 * 1024) + b'"}',
            413,
            "REQUEST_TOO_LARGE",
        ),
    ],
    ids=[
        "unknown-path",
        "unknown-verb",
        "unknown-query",
        "malformed-json",
        "wrong-type",
        "wrong-shape",
        "unknown-enum",
        "top-level-array",
        "too-large",
    ],
)
def test_envoys_own_error_replies_are_json_status_never_5xx(
    http: httpx.Client, method: str, path: str, body: bytes | None, status: int, reason: str
) -> None:
    response = http.request(method, path, content=body, headers={"content-type": "application/json"})

    assert response.status_code == status, response.text
    assert error_info(response) == {"@type": ERROR_INFO, "reason": reason, "domain": GATEWAY}


def test_header_names_that_grpc_metadata_cannot_carry_are_refused_with_400(http: httpx.Client) -> None:
    # Valid HTTP, invalid gRPC metadata: the service's runtime would fail the call with INTERNAL.
    response = http.get("/v1/testing/echo", params={"text": "hi"}, headers={"x-odd|name": "1"})

    assert response.status_code == 400
    assert error_info(response) == {"@type": ERROR_INFO, "reason": "BAD_REQUEST", "domain": GATEWAY}
    assert "x-odd|name" in response.json()["message"]


def test_unknown_json_fields_are_dropped_by_the_transcoder(http: httpx.Client) -> None:
    # Documented limitation (docs/gateway.md): the transcoder cannot reject them.
    response = http.post(
        "/v1/testing/widgets",
        json={"title": "abc", "quantity": 1, "kind": "WIDGET_KIND_SMALL", "colour": "red"},
    )

    assert response.status_code == 200
    assert "colour" not in response.json()


def test_grpc_call_to_an_unexposed_method_is_unimplemented(edge: RunningMesh) -> None:
    with grpc.insecure_channel(f"127.0.0.1:{edge.http_port}") as channel:
        stub = probe_pb2_grpc.ProbeServiceStub(channel)
        with pytest.raises(grpc.RpcError) as refused:
            stub.Sleep(probe_pb2.SleepRequest(), timeout=10)

    assert refused.value.code() == grpc.StatusCode.UNIMPLEMENTED


# ---------------------------------------------------------------- rate limits


def test_route_limit_in_envoy_answers_429_json_with_retry_after(http: httpx.Client) -> None:
    # AdminEcho's bucket holds 2 requests per hour at this gateway; the edge limit
    # comes before authentication, so even anonymous calls spend it.
    answers = [http.post("/v1/testing/admin:echo", json={"text": "x"}) for _ in range(3)]

    assert [a.status_code for a in answers[:2]] == [401, 401]
    limited = answers[2]
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "3600"
    assert error_info(limited) == {"@type": ERROR_INFO, "reason": "RATE_LIMITED", "domain": GATEWAY}


def test_per_user_limit_in_the_kit_answers_429_with_retry_after_and_retry_info(
    http: httpx.Client, signer: TokenSigner
) -> None:
    user = f"u-{uuid.uuid4().hex}"  # a bucket of its own in Redis
    calls = [http.get("/v1/testing/whoami", headers=bearer(signer.sign(user))) for _ in range(3)]
    other = http.get("/v1/testing/whoami", headers=bearer(signer.sign(f"{user}-other")))

    assert [c.status_code for c in calls] == [200, 200, 429]
    limited = calls[2]
    assert 1 <= int(limited.headers["retry-after"]) <= 30  # one call per 30 s refills
    assert error_info(limited)["reason"] == "RATE_LIMITED"
    assert error_info(limited)["domain"] == PLATFORM
    [retry] = [d for d in limited.json()["details"] if d["@type"] == RETRY_INFO]
    assert retry["retryDelay"].endswith("s")
    assert other.status_code == 200


# ---------------------------------------------------------------- CORS and compression


def test_cors_preflight_from_an_allowed_origin(http: httpx.Client) -> None:
    response = http.options(
        "/v1/testing/widgets",
        headers={
            "origin": ORIGIN,
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization, content-type",
        },
    )

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "authorization" in response.headers["access-control-allow-headers"]


def test_cors_headers_only_for_allowed_origins(http: httpx.Client) -> None:
    allowed = http.get("/v1/testing/echo", params={"text": "hi"}, headers={"origin": ORIGIN})
    other = http.get("/v1/testing/echo", params={"text": "hi"}, headers={"origin": "https://evil.example"})
    preflight = http.options(
        "/v1/testing/echo", headers={"origin": "https://evil.example", "access-control-request-method": "GET"}
    )

    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    assert "retry-after" in allowed.headers["access-control-expose-headers"]
    assert "access-control-allow-origin" not in other.headers
    assert "access-control-allow-origin" not in preflight.headers


def _zstd_decompress(data: bytes) -> bytes:
    return subprocess.run(["zstd", "-dc"], input=data, capture_output=True, check=True).stdout


@pytest.mark.parametrize(
    ("accept", "decode"),
    [("gzip", gzip.decompress), ("zstd", _zstd_decompress), ("br", None)],  # no brotli decoder here
)
def test_json_responses_above_the_threshold_are_compressed(edge: RunningMesh, accept: str, decode) -> None:
    text = "lecture " * 40  # a response of about 330 bytes; this mesh compresses from 100
    plain = json.dumps({"text": text}, separators=(",", ":")).encode()
    with (
        httpx.Client(base_url=edge.rest, timeout=10.0, trust_env=False) as client,
        client.stream(
            "GET", "/v1/testing/echo", params={"text": text}, headers={"accept-encoding": accept}
        ) as response,
    ):
        body = b"".join(response.iter_raw())

    assert response.headers["content-encoding"] == accept
    assert len(body) < len(plain)
    if decode is not None:
        assert json.loads(decode(body)) == {"text": text}


def test_small_responses_are_not_compressed(http: httpx.Client) -> None:
    response = http.get("/v1/testing/echo", params={"text": "hi"}, headers={"accept-encoding": "gzip"})

    assert "content-encoding" not in response.headers
    assert response.json() == {"text": "hi"}


# ---------------------------------------------------------------- /openapi.json


def test_openapi_document_is_served_with_cache_headers(http: httpx.Client) -> None:
    response = http.get("/openapi.json")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "public, max-age=300"
    assert response.json() == OPENAPI


def test_openapi_route_is_get_only(http: httpx.Client) -> None:
    response = http.post("/openapi.json", json={})

    assert response.status_code == 404
    assert error_info(response)["domain"] == GATEWAY
