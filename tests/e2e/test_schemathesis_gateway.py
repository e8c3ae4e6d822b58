"""The OpenAPI document against the live gateway (the real Envoy in front of the
real services, the dev mesh as the runner starts it).

- schemathesis generates requests for every operation of the document (with the
  kit's probe, so every field-rule kind and access-policy kind is exercised),
  sends them through the gateway with a signed-in user's token, and checks that
  no answer is a 5xx, that every status is documented and that every body
  matches the documented schema;
- real flows (register, sign in, profile, roles, tokens, the probe) check that
  the answers a client actually gets, 200s and errors alike, conform too.

Examples per operation: LMS_SCHEMATHESIS_EXAMPLES (default 8: with ~175 operations in
two modes the file takes a few minutes; raise it locally to dig deeper). Generation is
derandomized: the same contracts give the same requests, so a failure repeats.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
import schemathesis
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import HealthCheck
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from lms_kit.auth.tokens import TokenSigner

from .test_identity_flows import mailed_link

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("LMS_SCHEMATHESIS_EXAMPLES", "8"))
PASSWORD = "correct horse battery staple"
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Fail answers with errors on purpose (one mode raises an unexpected exception: a 500);
# its answers are checked by test_probe_failures_are_documented_status_bodies instead.
FUZZ_EXCLUDED_PATHS = ["/v1/testing:fail"]


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_openapi", ROOT / "scripts" / "gen_openapi.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_openapi", module)
    spec.loader.exec_module(module)
    return module


# The document with the probe's operations, built from the same descriptor set the
# runner gives Envoy. Built at collection: parametrize needs the operations.
DOCUMENT = _generator().build(include_testing=True)


def _schema(mode: GenerationMode) -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_dict(DOCUMENT)
    # derandomize also keeps Hypothesis from writing an example database into the repo.
    schema.config.generation.update(modes=[mode], max_examples=EXAMPLES, deterministic=True)
    # Strict patterns (resource names, UUIDs) make Hypothesis discard many drafts; that is fine.
    schema.config.update(suppress_health_check=[HealthCheck.all])
    schema = schema.exclude(path=FUZZ_EXCLUDED_PATHS)
    if mode is GenerationMode.NEGATIVE:  # nothing to make invalid in an operation without inputs
        schema = schema.exclude(func=lambda ctx: not _has_inputs(ctx.operation))
    return schema


def _has_inputs(operation) -> bool:
    definition = DOCUMENT["paths"].get(operation.path, {}).get(operation.method.lower(), {})
    return bool(definition.get("parameters") or definition.get("requestBody"))


POSITIVE = _schema(GenerationMode.POSITIVE)
NEGATIVE = _schema(GenerationMode.NEGATIVE)


@dataclass(frozen=True)
class SignedIn:
    name: str  # users/{id}
    email: str
    access_token: str
    refresh_token: str

    @property
    def user_id(self) -> str:
        return self.name.removeprefix("users/")

    @property
    def bearer(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.access_token}"}


@pytest.fixture(scope="module")
def base_url(devmesh) -> str:
    return devmesh.rest


@pytest.fixture(scope="module")
def rest_client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=15.0, trust_env=False) as client:
        yield client


def _sign_up(client: httpx.Client, display_name: str) -> SignedIn:
    """What a web client does: register, then sign in, over REST."""
    email = f"{display_name.lower()}-{uuid.uuid4().hex[:10]}@example.com"
    registered = client.post(
        "/v1/users:register", json={"email": email, "password": PASSWORD, "displayName": display_name}
    )
    assert registered.status_code == 200, registered.text
    login = client.post("/v1/auth:login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    tokens = login.json()["tokens"]
    return SignedIn(registered.json()["user"]["name"], email, tokens["accessToken"], tokens["refreshToken"])


@pytest.fixture(scope="module")
def student(rest_client: httpx.Client) -> SignedIn:
    return _sign_up(rest_client, "Fuzz")


@pytest.fixture(scope="module")
def admin_bearer(devmesh) -> dict[str, str]:
    """An admin token from the runner's dev issuer (the key services trust in the dev mesh)."""
    keys = devmesh.data_dir / "keys"
    kid = json.loads((keys / "jwks.json").read_text())["keys"][0]["kid"]
    signer = TokenSigner.from_pem_file(
        str(keys / "dev-issuer.pem"), kid=kid, issuer="lms.user", audience="lms"
    )
    return {"authorization": f"Bearer {signer.sign(str(uuid.uuid4()), roles=['admin'])}"}


# -- generated requests ------------------------------------------------------------------------------


@POSITIVE.parametrize()
def test_valid_requests_get_documented_answers_and_never_a_5xx(
    case, base_url: str, student: SignedIn
) -> None:
    case.call_and_validate(base_url=base_url, headers=student.bearer, checks=CONFORMANCE)


@NEGATIVE.parametrize()
def test_invalid_requests_never_get_a_5xx(case, base_url: str, student: SignedIn) -> None:
    case.call_and_validate(base_url=base_url, headers=student.bearer, checks=[not_a_server_error])


# -- real flows ----------------------------------------------------------------------------------------


class Api:
    """Calls one documented operation and validates the answer against the document."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.schema = schemathesis.openapi.from_dict(DOCUMENT)

    def __call__(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        path_parameters: dict[str, str] | None = None,
        query: dict[str, object] | None = None,
        body: object = None,
    ) -> schemathesis.Response:
        operation = self.schema[path][method.upper()]
        kwargs: dict = {"path_parameters": path_parameters or {}, "query": query or {}}
        if body is not None:
            kwargs["body"] = body
        case = operation.Case(**kwargs)
        return case.call_and_validate(base_url=self.base_url, headers=headers, checks=CONFORMANCE)


@pytest.fixture(scope="module")
def api(base_url: str) -> Api:
    return Api(base_url)


def test_the_account_lifecycle_answers_as_documented(devmesh, api: Api, rest_client: httpx.Client) -> None:
    email = f"ada-{uuid.uuid4().hex[:10]}@example.com"
    registered = api(
        "post", "/v1/users:register", body={"email": email, "password": PASSWORD, "displayName": "Ada"}
    )
    assert registered.status_code == 200
    user = registered.json()["user"]
    user_id = user["name"].removeprefix("users/")
    again = api(
        "post", "/v1/users:register", body={"email": email, "password": PASSWORD, "displayName": "Ada"}
    )
    # A registered email answers as a new one would (nothing tells the caller it is taken).
    assert again.status_code == 200 and again.json()["user"]["name"] != user["name"]

    login = api("post", "/v1/auth:login", body={"email": email, "password": PASSWORD})
    assert login.status_code == 200
    tokens = login.json()["tokens"]
    bearer = {"authorization": f"Bearer {tokens['accessToken']}"}
    assert (
        api("post", "/v1/auth:login", body={"email": email, "password": "wrong " + PASSWORD}).status_code
        == 401
    )

    me = api("get", "/v1/users/{user}", headers=bearer, path_parameters={"user": user_id})
    assert me.json()["email"] == email
    updated = api(
        "patch",
        "/v1/users/{user}",
        headers=bearer,
        path_parameters={"user": user_id},
        query={"updateMask": "displayName,bio"},
        body={"displayName": "Ada L.", "bio": "Counts things."},
    )
    assert updated.json()["displayName"] == "Ada L."
    hidden = api("get", "/v1/users/{user}/publicProfile", path_parameters={"user": user_id})
    assert hidden.status_code == 404  # public once the email is verified
    link = mailed_link(devmesh, email)
    assert (
        api(
            "post", "/v1/auth:verifyEmail", body={"token": parse_qs(urlparse(link).query)["token"][0]}
        ).status_code
        == 200
    )
    public = api("get", "/v1/users/{user}/publicProfile", path_parameters={"user": user_id})
    assert public.json()["bio"] == "Counts things."
    assert api("get", "/v1/users/{user}", path_parameters={"user": user_id}).status_code == 401
    other = f"{uuid.uuid4()}"
    assert api("get", "/v1/users/{user}", headers=bearer, path_parameters={"user": other}).status_code == 403
    bad = api(
        "post", "/v1/users:register", body={"email": "not-an-email", "password": "short", "displayName": ""}
    )
    assert bad.status_code == 400

    refreshed = api("post", "/v1/auth:refresh", body={"refreshToken": tokens["refreshToken"]})
    assert refreshed.status_code == 200
    assert api("post", "/v1/auth:refresh", body={"refreshToken": tokens["refreshToken"]}).status_code == 401
    new_tokens = refreshed.json()["tokens"]
    assert (
        api("post", "/v1/auth:logout", body={"refreshToken": new_tokens["refreshToken"]}).status_code == 200
    )
    logout_all = api("post", "/v1/auth:logoutAll", headers=bearer, body={})
    assert logout_all.status_code == 200
    assert api("get", "/.well-known/jwks.json").json()["keys"]


def test_admin_operations_answer_as_documented(
    api: Api, student: SignedIn, admin_bearer: dict[str, str]
) -> None:
    user = api("get", "/v1/users/{user}", headers=admin_bearer, path_parameters={"user": student.user_id})
    assert user.json()["roles"] == ["ROLE_STUDENT"]
    changed = api(
        "post",
        "/v1/users/{user}:setRoles",
        headers=admin_bearer,
        path_parameters={"user": student.user_id},
        body={"roles": ["ROLE_STUDENT", "ROLE_TEACHER"], "reason": "teaches now"},
    )
    assert changed.json()["roles"] == ["ROLE_STUDENT", "ROLE_TEACHER"]
    missing = api(
        "post",
        "/v1/users/{user}:setRoles",
        headers=admin_bearer,
        path_parameters={"user": str(uuid.uuid4())},
        body={"roles": ["ROLE_STUDENT"]},
    )
    assert missing.status_code == 404
    echoed = api("post", "/v1/testing/admin:echo", headers=admin_bearer, body={"text": "hi"})
    assert echoed.json() == {"text": "hi"}
    assert (
        api("post", "/v1/testing/admin:echo", headers=student.bearer, body={"text": "hi"}).status_code == 403
    )


def test_probe_answers_as_documented(api: Api, student: SignedIn) -> None:
    assert api("get", "/v1/testing/echo", query={"text": "héllo"}).json() == {"text": "héllo"}
    whoami = api("get", "/v1/testing/whoami", headers=student.bearer).json()
    assert whoami["subject"] == student.user_id
    note = api(
        "get",
        "/v1/users/{user}/notes/{note}",
        headers=student.bearer,
        path_parameters={"user": student.user_id, "note": "n1"},
    )
    assert note.json() == {"name": f"{student.name}/notes/n1"}
    widget = {"title": "Gadget", "kind": "WIDGET_KIND_SMALL", "quantity": 3, "tags": ["a"], "slug": "gadget"}
    created = api("post", "/v1/testing/widgets", query={"requestId": str(uuid.uuid4())}, body=widget)
    assert created.json()["title"] == "Gadget"
    invalid = api(
        "post", "/v1/testing/widgets", body={"title": "x", "quantity": 500, "tags": ["a", "b", "c", "d"]}
    )
    assert invalid.status_code == 400
    violations = next(d for d in invalid.json()["details"] if d["@type"].endswith("google.rpc.BadRequest"))
    assert {v["field"] for v in violations["fieldViolations"]} >= {
        "widget.title",
        "widget.quantity",
        "widget.tags",
    }


def test_probe_failures_are_documented_status_bodies(api: Api) -> None:
    not_found = api("post", "/v1/testing:fail", body={"mode": "FAIL_MODE_NOT_FOUND"})
    assert not_found.status_code == 404
    precondition = api("post", "/v1/testing:fail", body={"mode": "FAIL_MODE_PRECONDITION"})
    assert precondition.status_code == 400
    # An unexpected exception is a 500 by design here: documented, a Status body, no internals.
    operation = api.schema["/v1/testing:fail"]["POST"]
    crash = operation.Case(body={"mode": "FAIL_MODE_CRASH"})
    response = crash.call(base_url=api.base_url)
    assert response.status_code == 500
    crash.validate_response(response, checks=[status_code_conformance, response_schema_conformance])
    assert response.json()["message"] == "internal error"
