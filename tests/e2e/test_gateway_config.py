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


def test_path_templates_become_anchored_regexes() -> None:
    regex = gen_envoy.path_template_regex
    assert regex("/v1/{name=courses/*}") == r"^/v1/courses/[^/]+$"
    assert regex("/v1/courses:search") == r"^/v1/courses:search$"
    assert (
        regex("/v1/{parent=courses/*/chapters/*}/lectures") == r"^/v1/courses/[^/]+/chapters/[^/]+/lectures$"
    )
    assert regex("/v1/{id}") == r"^/v1/[^/]+$"
    assert regex("/v1/{path=files/**}") == r"^/v1/files/.+$"


def edge_config(**options: object) -> dict:
    return gen_envoy.render(gen_envoy.discover_services(), options=gen_envoy.GatewayOptions(**options))


def front_manager(config: dict) -> dict:
    return config["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]["typed_config"]


def test_edge_cached_rpcs_reach_the_cache_before_the_transcoder_and_misses_go_to_the_origin() -> None:
    config = edge_config(edge_cache_dir="/var/cache/lms-edge")
    manager = front_manager(config)
    names = [f["name"] for f in manager["http_filters"]]
    assert names.index("envoy.filters.http.compressor.gzip") < names.index(gen_envoy.EDGE_CACHE_FILTER)
    assert names.index(gen_envoy.EDGE_CACHE_FILTER) < names.index(gen_envoy.TRANSCODER_FILTER)
    [cache] = [f for f in manager["http_filters"] if f["name"] == gen_envoy.EDGE_CACHE_FILTER]
    assert cache["typed_config"]["typed_config"]["cache_path"] == "/var/cache/lms-edge"

    routes = manager["route_config"]["virtual_hosts"][0]["routes"]
    edge = [r for r in routes if r.get("route", {}).get("cluster") == gen_envoy.EDGE_ORIGIN]
    # Exactly the RPCs marked (lms.options.v1.edge_cache): GetCourse and SearchCourses, GET only.
    assert sorted(r["match"]["safe_regex"]["regex"] for r in edge) == [
        r"^/v1/courses/[^/]+$",
        r"^/v1/courses:search$",
    ]
    assert all(r["match"]["headers"][0]["string_match"] == {"exact": "GET"} for r in edge)
    # Every other route turns the cache off: an anonymous GET of any other RPC is never kept.
    for route in routes:
        if route not in edge:
            assert route["typed_per_filter_config"][gen_envoy.EDGE_CACHE_FILTER]["disabled"] is True

    origin = config["static_resources"]["listeners"][1]
    assert origin["name"] == gen_envoy.EDGE_ORIGIN and "internal_listener" in origin
    origin_manager = origin["filter_chains"][0]["filters"][0]["typed_config"]
    [transcoder] = [f for f in origin_manager["http_filters"] if f["name"] == gen_envoy.TRANSCODER_FILTER]
    assert transcoder["typed_config"]["services"] == ["lms.course.v1.CourseService"]
    origin_paths = [
        r["match"].get("path") for r in origin_manager["route_config"]["virtual_hosts"][0]["routes"]
    ]
    assert origin_paths == [
        "/lms.course.v1.CourseService/GetCourse",
        "/lms.course.v1.CourseService/SearchCourses",
        None,  # the catch-all 404
    ]
    assert any(e["name"] == "envoy.bootstrap.internal_listener" for e in config["bootstrap_extensions"])


def test_no_edge_cache_when_no_directory_is_given() -> None:
    config = edge_config(edge_cache_dir=None)
    manager = front_manager(config)
    assert gen_envoy.EDGE_CACHE_FILTER not in [f["name"] for f in manager["http_filters"]]
    assert len(config["static_resources"]["listeners"]) == 1 and "bootstrap_extensions" not in config


def test_edge_cache_needs_anonymous_access_a_get_binding_and_a_unary_rpc() -> None:
    def method(**fields: object) -> gen_envoy.ClientMethod:
        defaults: dict = {"streaming": False, "anonymous": True, "edge_cache": True, "get_template": "/v1/x"}
        return gen_envoy.ClientMethod("M", **(defaults | fields))

    gen_envoy.check_edge_cache("/lms.x.v1.X/M", method())
    for bad in (method(anonymous=False), method(get_template=""), method(streaming=True)):
        with pytest.raises(gen_envoy.ConfigError, match="anonymous access, a GET binding and a unary RPC"):
            gen_envoy.check_edge_cache("/lms.x.v1.X/M", bad)


def _manager(config: dict) -> dict:
    [listener] = config["static_resources"]["listeners"]
    return listener["filter_chains"][0]["filters"][0]["typed_config"]


def test_the_edge_and_the_services_allow_the_same_clock_skew() -> None:
    from lms_kit.settings import KitSettings

    kit_default = KitSettings.model_fields["jwt_clock_skew_s"].default
    config = gen_envoy.render(PROBE_ONLY, options=gen_envoy.GatewayOptions(jwks_files=("dev.json",)))
    [jwt] = [f for f in _manager(config)["http_filters"] if f["name"] == gen_envoy.JWT_FILTER]
    skews = {p["clock_skew_seconds"] for p in jwt["typed_config"]["providers"].values()}
    assert skews == {kit_default}
    custom = gen_envoy.render(
        PROBE_ONLY, options=gen_envoy.GatewayOptions(jwks_files=("dev.json",), clock_skew_s=5)
    )
    [jwt] = [f for f in _manager(custom)["http_filters"] if f["name"] == gen_envoy.JWT_FILTER]
    assert {p["clock_skew_seconds"] for p in jwt["typed_config"]["providers"].values()} == {5}


def test_the_gateway_vouches_from_its_environment_and_bounds_request_headers() -> None:
    manager = _manager(gen_envoy.render(PROBE_ONLY))
    assert manager["max_request_headers_kb"] == gen_envoy.MAX_REQUEST_HEADERS_KB == 8
    [added] = manager["route_config"]["request_headers_to_add"]
    assert added["header"] == {"key": "x-lms-gateway", "value": "%ENVIRONMENT(LMS_GATEWAY_SECRET)%"}
    assert added["append_action"] == "OVERWRITE_IF_EXISTS_OR_ADD"
    # A client's own header of that name is removed before anything reads it.
    assert "x-lms-gateway" in gen_envoy.STRIPPED_REQUEST_HEADERS
    committed = (ROOT / "envoy" / "envoy.yaml").read_text()
    assert "LMS_GATEWAY_SECRET)%" in committed and "gateway_secret" not in committed
