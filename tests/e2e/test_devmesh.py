"""The dev mesh runner and the generated gateway, end to end: REST through the
real Envoy to the probe service, what the gateway refuses, and a clean stop."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
import httpx
import pytest

from lms.testing.v1 import probe_pb2, probe_pb2_grpc
from lms_kit.auth.tokens import TokenSigner

if TYPE_CHECKING:
    from collections.abc import Callable

    from conftest import RunningMesh

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]

INVALID_ARGUMENT, NOT_FOUND = 3, 5
BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"
ERROR_INFO_TYPE = "type.googleapis.com/google.rpc.ErrorInfo"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def process_gone(pid: int) -> bool:
    """True if no process (other than a zombie) has this pid."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def test_healthz_is_ok_when_every_service_is_serving(rest: httpx.Client) -> None:
    assert rest.get("/healthz").status_code == 200


def test_rest_call_is_transcoded_to_grpc(rest: httpx.Client) -> None:
    response = rest.get("/v1/testing/echo", params={"text": "hi"})

    assert response.status_code == 200
    assert response.json() == {"text": "hi"}


def test_unknown_query_parameter_is_rejected(rest: httpx.Client) -> None:
    response = rest.get("/v1/testing/echo", params={"text": "hi", "txet": "typo"})

    assert response.status_code == 400


def test_unknown_path_is_not_found(rest: httpx.Client) -> None:
    assert rest.get("/v1/testing/no-such-thing").status_code == 404


def test_invalid_input_comes_back_as_status_json_with_field_violations(rest: httpx.Client) -> None:
    response = rest.post("/v1/testing/widgets", json={})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == INVALID_ARGUMENT
    assert body["message"]
    [bad_request] = [d for d in body["details"] if d["@type"] == BAD_REQUEST_TYPE]
    fields = {violation["field"] for violation in bad_request["fieldViolations"]}
    assert fields
    assert all(field == "widget" or field.startswith("widget.") for field in fields)


def test_domain_error_comes_back_as_status_json_with_error_info(rest: httpx.Client) -> None:
    response = rest.post("/v1/testing:fail", json={"mode": "FAIL_MODE_NOT_FOUND"})

    assert response.status_code == 404
    body = response.json()
    assert body["code"] == NOT_FOUND
    assert body["message"] == "widget not found"
    [info] = [d for d in body["details"] if d["@type"] == ERROR_INFO_TYPE]
    assert info["reason"] == "WIDGET_NOT_FOUND"


def test_token_signed_with_the_dev_key_is_accepted(devmesh: RunningMesh, rest: httpx.Client) -> None:
    keys = devmesh.data_dir / "keys"
    kid = json.loads((keys / "jwks.json").read_text())["keys"][0]["kid"]
    signer = TokenSigner.from_pem_file(
        str(keys / "dev-issuer.pem"), kid=kid, issuer="lms.user", audience="lms"
    )

    signed_in = rest.get("/v1/testing/whoami", headers={"authorization": f"Bearer {signer.sign('u1')}"})
    anonymous = rest.get("/v1/testing/whoami")

    assert signed_in.status_code == 200
    assert signed_in.json()["subject"] == "u1"
    assert anonymous.status_code == 401


def test_body_over_the_limit_is_refused(rest: httpx.Client) -> None:
    response = rest.post(
        "/v1/testing/widgets",
        content=b'{"title":"' + b"x" * (2 * 1024 * 1024) + b'"}',
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 413


def test_internal_rpc_has_no_rest_mapping(rest: httpx.Client) -> None:
    # InternalPing carries no google.api.http annotation.
    response = rest.post("/lms.testing.v1.ProbeService/InternalPing", json={})

    assert response.status_code == 404


def test_grpc_through_the_gateway_reaches_only_client_facing_rpcs(devmesh: RunningMesh) -> None:
    with grpc.insecure_channel(f"127.0.0.1:{devmesh.http_port}") as channel:
        stub = probe_pb2_grpc.ProbeServiceStub(channel)

        assert stub.Echo(probe_pb2.EchoRequest(text="via envoy"), timeout=10).text == "via envoy"
        with pytest.raises(grpc.RpcError) as refused:
            stub.InternalPing(probe_pb2.InternalPingRequest(), timeout=10)

    assert refused.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_sigterm_stops_every_process_and_exits_zero(own_devmesh: RunningMesh) -> None:
    state = own_devmesh.state()
    pids = {name: child["pid"] for name, child in state["children"].items()}
    assert {"nats", "envoy", "testing"} <= set(pids)
    ports = [
        own_devmesh.http_port,
        int(state["admin"].rsplit(":", 1)[1]),
        int(state["nats"].rsplit(":", 1)[1]),
    ]
    ports += [int(service["grpc"].rsplit(":", 1)[1]) for service in state["services"].values()]

    code = own_devmesh.terminate()

    assert code == 0, own_devmesh.diagnostics()
    assert [name for name, pid in pids.items() if not process_gone(pid)] == []
    assert [port for port in ports if not port_is_free(port)] == []
    assert not (own_devmesh.data_dir / "mesh.json").exists()


def test_committed_envoy_config_is_fresh_and_valid() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_envoy.py"), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def _run_to_exit(argv: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )


def test_a_service_that_dies_at_start_up_fails_the_runner_with_its_log(
    tmp_path: Path, runner_argv: Callable[..., list[str]]
) -> None:
    # An out-of-range setting makes every service exit at start-up.
    result = _run_to_exit(
        runner_argv(tmp_path / "data", free_port(), "--only", "testing"), LMS_GRACE_PERIOD_S="-1"
    )

    assert result.returncode == 1, result.stderr
    assert "testing exited with code 1" in result.stderr
    assert "grace_period_s" in result.stderr  # the tail of the service's log
    assert "LMS mesh ready" not in result.stdout


def test_a_taken_http_port_is_a_usage_error(tmp_path: Path, runner_argv: Callable[..., list[str]]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = _run_to_exit(runner_argv(tmp_path / "data", taken.getsockname()[1]))

    assert result.returncode == 2
    assert "is in use" in result.stderr
