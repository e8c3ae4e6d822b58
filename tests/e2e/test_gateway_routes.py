"""Every RPC of every service, walked from the descriptor set, through the real
Envoy: each client-facing RPC answers at each of its REST paths (the answer
comes from the service, not from Envoy), and no internal RPC is reachable over
REST or gRPC."""

from __future__ import annotations

import json
import re
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
import httpx
import pytest
from google.api import annotations_pb2, http_pb2
from google.protobuf import descriptor_pb2

from lms.options.v1 import options_pb2  # noqa: F401  (registers the access option)
from lms_kit.auth.tokens import TokenSigner

if TYPE_CHECKING:
    from conftest import RunningMesh

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import gen_envoy  # noqa: E402  (a script, not a package)

GATEWAY_DOMAIN = "gateway.lms"
NOT_REACHED = {501, 503}  # not implemented / no upstream: the route is broken


@dataclass(frozen=True)
class Binding:
    rpc: str  # /pkg.Service/Method
    verb: str
    path: str
    body: str


def _bindings(rule: http_pb2.HttpRule) -> list[tuple[str, str, str]]:
    found = []
    for each in (rule, *rule.additional_bindings):
        kind = each.WhichOneof("pattern")
        if kind == "custom":
            verb, template = each.custom.kind, each.custom.path
        else:
            verb, template = kind.upper(), getattr(each, kind)
        found.append((verb, template, each.body))
    return found


def _concrete(template: str) -> str:
    """`/v1/{name=users/*/notes/*}` -> `/v1/users/x1/notes/x1`; `{id}` -> `x1`."""

    def variable(match: re.Match[str]) -> str:
        pattern = match.group(2) or "*"
        return pattern.replace("**", "x1/x2").replace("*", "x1")

    return re.sub(r"\{([^}=]+)(?:=([^}]+))?\}", variable, template)


def _services_in(mesh: RunningMesh) -> set[str]:
    return set(mesh.state()["services"])


def walk(mesh: RunningMesh) -> tuple[list[Binding], list[str]]:
    """(REST bindings of client-facing RPCs, paths of internal RPCs) of the services this mesh runs."""
    names = _services_in(mesh)
    files = descriptor_pb2.FileDescriptorSet.FromString(gen_envoy.DESCRIPTOR.read_bytes()).file
    bindings, internal = [], []
    for file in files:
        if not file.package.startswith("lms.") or file.package.split(".")[1] not in names:
            continue
        for service in file.service:
            for method in service.method:
                rpc = f"/{file.package}.{service.name}/{method.name}"
                if method.options.HasExtension(annotations_pb2.http):
                    for verb, template, body in _bindings(method.options.Extensions[annotations_pb2.http]):
                        bindings.append(Binding(rpc, verb, _concrete(template), body))
                else:
                    internal.append(rpc)
    return bindings, internal


def from_envoy(response: httpx.Response) -> bool:
    """True if Envoy answered by itself (its error replies name the gateway domain)."""
    if not response.headers.get("content-type", "").startswith("application/json"):
        return False
    try:
        details = response.json().get("details", [])
    except (ValueError, AttributeError):
        return False
    return any(d.get("domain") == GATEWAY_DOMAIN for d in details if isinstance(d, dict))


@pytest.fixture(scope="module")
def admin_token(devmesh: RunningMesh) -> str:
    keys = devmesh.data_dir / "keys"
    kid = json.loads((keys / "jwks.json").read_text())["keys"][0]["kid"]
    signer = TokenSigner.from_pem_file(
        str(keys / "dev-issuer.pem"), kid=kid, issuer="lms.user", audience="lms"
    )
    return signer.sign(f"walker-{uuid.uuid4().hex[:8]}", roles=["admin", "teacher", "student"])


def test_the_walk_covers_every_running_service(devmesh: RunningMesh) -> None:
    bindings, _ = walk(devmesh)
    walked = {b.rpc.split(".")[1] for b in bindings}

    assert {"testing", "user"} <= walked
    assert walked == {name for name in _services_in(devmesh) if name in walked}


def test_every_client_facing_rpc_answers_at_its_rest_path(
    devmesh: RunningMesh, rest: httpx.Client, admin_token: str
) -> None:
    bindings, _ = walk(devmesh)
    unreached = []
    for binding in bindings:
        response = rest.request(
            binding.verb,
            binding.path,
            content=b"{}" if binding.body else None,
            headers={"authorization": f"Bearer {admin_token}", "content-type": "application/json"},
        )
        if response.status_code in NOT_REACHED or from_envoy(response):
            unreached.append(
                f"{binding.verb} {binding.path} ({binding.rpc}): {response.status_code} {response.text[:200]}"
            )
            continue
        if response.status_code >= 400:  # a domain answer: must be a JSON Status
            body = response.json()
            assert isinstance(body["code"], int) and body["message"], (binding, body)
            assert isinstance(body["details"], list), (binding, body)

    assert unreached == []


def test_internal_rpcs_are_unreachable_over_rest_and_grpc(devmesh: RunningMesh, rest: httpx.Client) -> None:
    _, internal = walk(devmesh)
    assert internal  # the probe has some

    with grpc.insecure_channel(f"127.0.0.1:{devmesh.http_port}") as channel:
        for rpc in internal:
            over_rest = rest.post(rpc, json={})
            assert over_rest.status_code == 404, rpc
            assert from_envoy(over_rest), rpc

            call = channel.unary_unary(rpc, request_serializer=lambda m: m, response_deserializer=lambda m: m)
            with pytest.raises(grpc.RpcError) as refused:
                call(b"", timeout=10)
            assert refused.value.code() == grpc.StatusCode.UNIMPLEMENTED, rpc


def test_the_openapi_document_is_served_from_the_repo(rest: httpx.Client) -> None:
    document = json.loads(gen_envoy.OPENAPI_FILE.read_text())

    response = rest.get("/openapi.json", headers={"accept-encoding": "gzip"})

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "public, max-age=300"
    assert response.headers["content-encoding"] == "gzip"  # httpx decodes it
    assert response.json() == document
