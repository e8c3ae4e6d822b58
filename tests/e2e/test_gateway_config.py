"""The generated gateway config, read as data (no Envoy started): what comes from
the contract and what from the generator's options."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import gen_envoy  # noqa: E402  (a script, not a package)

PROBE_ONLY = [gen_envoy.PROBE]


def routes(config: dict) -> dict[str, dict]:
    [listener] = config["static_resources"]["listeners"]
    manager = listener["filter_chains"][0]["filters"][0]["typed_config"]
    [host] = manager["route_config"]["virtual_hosts"]
    return {r["match"].get("path") or r["match"]["prefix"]: r for r in host["routes"]}


def test_token_requirement_per_route_follows_the_access_policy() -> None:
    table = routes(gen_envoy.render(PROBE_ONLY, options=gen_envoy.GatewayOptions(jwks_files=("jwks.json",))))

    def requirement(method: str) -> str:
        per_filter = table[f"/lms.testing.v1.ProbeService/{method}"]["typed_per_filter_config"]
        return per_filter[gen_envoy.JWT_FILTER]["requirement_name"]

    assert requirement("Echo") == "anonymous"  # access {anonymous: true}
    assert requirement("WhoAmI") == "signed_in"  # access {authenticated: true}
    assert requirement("GetNote") == "signed_in"  # owner or admin
    assert "/lms.testing.v1.ProbeService/InternalPing" not in table  # no google.api.http


def test_route_limits_default_override_and_off() -> None:
    options = gen_envoy.GatewayOptions(
        route_limit=gen_envoy.RouteLimit(50),
        route_limits={
            "/lms.testing.v1.ProbeService/Echo": gen_envoy.RouteLimit(5, 60),
            "/lms.testing.v1.ProbeService/Fail": None,
        },
    )
    table = routes(gen_envoy.render(PROBE_ONLY, options=options))

    def bucket(method: str) -> dict | None:
        limit = table[f"/lms.testing.v1.ProbeService/{method}"]["typed_per_filter_config"].get(
            gen_envoy.RATELIMIT_FILTER
        )
        return limit and limit["token_bucket"]

    assert bucket("WhoAmI") == {"max_tokens": 50, "tokens_per_fill": 50, "fill_interval": "1s"}
    assert bucket("Echo") == {"max_tokens": 5, "tokens_per_fill": 5, "fill_interval": "60s"}
    assert bucket("Fail") is None


def test_a_route_limit_for_an_unknown_method_is_refused() -> None:
    options = gen_envoy.GatewayOptions(route_limits={"/lms.testing.v1.ProbeService/Nope": None})

    with pytest.raises(gen_envoy.ConfigError, match="Nope"):
        gen_envoy.render(PROBE_ONLY, options=options)


def test_route_limit_specs() -> None:
    assert gen_envoy.RouteLimit.parse("10") == gen_envoy.RouteLimit(10, 1)
    assert gen_envoy.RouteLimit.parse("10/60") == gen_envoy.RouteLimit(10, 60)
    assert gen_envoy.RouteLimit.parse("0") is None
    with pytest.raises(ValueError):
        gen_envoy.RouteLimit.parse("10/0")


def test_openapi_route_only_when_a_file_is_given() -> None:
    without = routes(gen_envoy.render(PROBE_ONLY))
    with_file = routes(gen_envoy.render(PROBE_ONLY, openapi_file="gen/openapi/lms.openapi.json"))

    assert gen_envoy.OPENAPI_PATH not in without
    route = with_file[gen_envoy.OPENAPI_PATH]
    assert route["direct_response"]["body"] == {"filename": "gen/openapi/lms.openapi.json"}


def test_committed_config_serves_openapi_exactly_when_the_document_exists() -> None:
    committed = gen_envoy.committed_text()

    assert (gen_envoy.COMMITTED_OPENAPI_FILE in committed) == gen_envoy.OPENAPI_FILE.exists()


def test_remote_jwks_only_with_the_user_service() -> None:
    def providers(services: list[gen_envoy.ServiceSpec]) -> set[str]:
        config = gen_envoy.render(services, options=gen_envoy.GatewayOptions(jwks_files=("dev.json",)))
        [listener] = config["static_resources"]["listeners"]
        filters = listener["filter_chains"][0]["filters"][0]["typed_config"]["http_filters"]
        [jwt] = [f for f in filters if f["name"] == gen_envoy.JWT_FILTER]
        return set(jwt["typed_config"]["providers"])

    user = [s for s in gen_envoy.discover_services() if s.name == "user"]
    assert providers(PROBE_ONLY) == {"jwks_file_0"}
    assert providers(PROBE_ONLY + user) == {"user_service", "jwks_file_0"}
