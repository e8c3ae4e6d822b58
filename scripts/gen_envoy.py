"""Generate the gateway config (envoy/envoy.yaml) from the contracts and the
discovered services. Never hand-edit envoy/envoy.yaml: change the contracts or
a service's `[tool.lms]` table and run this again.

    python scripts/gen_envoy.py            # write envoy/envoy.yaml (dev defaults)
    python scripts/gen_envoy.py --check    # exit 1 if it is stale or Envoy rejects it

The dev runner (scripts/devmesh.py) imports `discover_services` and `render` to
write a config with the ports it actually uses.

What the config enforces:
- REST is served only for RPCs that carry `google.api.http` (the transcoder maps
  nothing else and answers 404 for unmapped paths, 400 for unknown query
  parameters).
- gRPC through the gateway reaches only those same client-facing RPCs: the route
  table has one exact-path route per annotated method, so internal RPCs (no
  annotation) have no route and are refused (HTTP 404 / gRPC UNIMPLEMENTED).
- GET /healthz is 200 only while every service cluster is 100% healthy by active
  grpc.health.v1 checks.
- Request bodies over 1 MiB are refused with 413 before they reach a service.
- Edge authentication (jwt_authn): every client-facing RPC whose access policy
  is not `anonymous` needs a valid access token (issuer lms.user, audience lms)
  at the edge; anonymous RPCs pass without one, but a token that is sent must be
  valid. The route -> requirement map comes from `(lms.options.v1.access)`.
- Per-route token-bucket limits (local_ratelimit), CORS for configured origins,
  gzip/brotli/zstd compression of JSON responses above a size threshold.
- Every reply Envoy makes itself (404, 400, 401, 413, 429, 503, ...) is JSON
  `{"code", "message", "details": [ErrorInfo{reason, domain: "gateway.lms"}]}`,
  the same shape as a service's google.rpc.Status.
- GET /openapi.json serves gen/openapi/lms.openapi.json when that file exists.
- GET /verify-email and /reset-password serve the pages the mailed links open
  (scripts/gateway_pages.py): a form whose button POSTs the token to the API.
- Edge cache: anonymous GETs of RPCs marked `(lms.options.v1.edge_cache)` go
  through Envoy's HTTP cache (on disk, bounded); the service's `cache-control`
  answer header decides what is kept and for how long. Misses reach an internal
  listener that transcodes them, because the cache filter fetches a miss itself
  and skips every filter after it (the transcoder included).
See docs/gateway.md.
"""

from __future__ import annotations

import argparse
import copy
import difflib
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import gateway_pages
import yaml
from google.api import annotations_pb2
from google.protobuf import descriptor_pb2
from google.rpc import error_details_pb2, status_pb2

from lms.options.v1 import options_pb2
from lms_kit.auth.tokens import LEEWAY_S
from lms_kit.json_names import CLIENT_FORMAT_HEADER

ROOT = Path(__file__).resolve().parent.parent
SERVICES_DIR = ROOT / "services"
OUTPUT = ROOT / "envoy" / "envoy.yaml"
DESCRIPTOR = ROOT / "gen" / "descriptors" / "lms.binpb"
# The committed config names the descriptor relative to the repo root, so it is
# the same on every machine; run Envoy from the repo root to use it as is.
COMMITTED_DESCRIPTOR = "gen/descriptors/lms.binpb"

DEFAULT_HTTP_PORT = 8080
DEFAULT_ADMIN_PORT = 9901
MAX_REQUEST_BYTES = 1024 * 1024
# The largest REST answer the transcoder assembles (a course outline, a page of a list).
MAX_TRANSCODED_RESPONSE_BYTES = 8 * 1024 * 1024
MAX_DIRECT_RESPONSE_BYTES = 16 * 1024 * 1024
UNARY_TIMEOUT = "15s"
# Server-streaming responses may run long; they end only when idle this long.
STREAM_IDLE_TIMEOUT = "300s"
HEALTHZ_PATH = "/healthz"
OPENAPI_PATH = "/openapi.json"
OPENAPI_FILE = ROOT / "gen" / "openapi" / "lms.openapi.json"
COMMITTED_OPENAPI_FILE = "gen/openapi/lms.openapi.json"
# The user service publishes its access-token keys here (GetJwks, over REST).
JWKS_PATH = "/.well-known/jwks.json"
JWKS_SERVICE = "user"
JWT_ISSUER = "lms.user"
JWT_AUDIENCE = "lms"
# Verified claims, forwarded to the service (base64url JSON of the token payload)
# and the subject alone. Clients cannot set these: the gateway strips them first.
JWT_PAYLOAD_HEADER = "x-jwt-payload"
JWT_SUBJECT_HEADER = "x-lms-user-id"
# Headers only the gateway or a service may set; removed from every client request.
# The header by which the gateway vouches for what it forwards (lms_kit.net): its value is
# the deployment's LMS_GATEWAY_SECRET, read from Envoy's environment, never from the config.
GATEWAY_HEADER = "x-lms-gateway"
GATEWAY_SECRET_ENV = "LMS_GATEWAY_SECRET"
STRIPPED_REQUEST_HEADERS = (
    JWT_PAYLOAD_HEADER,
    JWT_SUBJECT_HEADER,
    "x-lms-user-authorization",
    GATEWAY_HEADER,
    CLIENT_FORMAT_HEADER,
)
# Request headers (the request line included) above this are refused with 431 at the edge, well
# below what the services' gRPC runtime accepts (lms_kit.server.MAX_METADATA_BYTES), so an
# oversized request gets one deterministic answer that names no internal header.
MAX_REQUEST_HEADERS_KB = 8
DEFAULT_CORS_ORIGINS = ("http://localhost:3000",)
COMPRESSION_MIN_BYTES = 1024
DEFAULT_EDGE_CACHE_DIR = ".cache/gateway-edge-cache"
EDGE_CACHE_MAX_BYTES = 512 * 1024 * 1024
EDGE_CACHE_MAX_ENTRY_BYTES = 1024 * 1024
ERROR_DOMAIN = "gateway.lms"
OWN_PACKAGE_PREFIX = "lms."
KIT_DIR_NAME = "kit"

HEADER = """\
# GENERATED by scripts/gen_envoy.py from gen/descriptors/lms.binpb and services/*/pyproject.toml.
# Do not edit: change the contracts or a service's [tool.lms] table, then run
#   python scripts/gen_envoy.py
# Dev defaults: REST on 127.0.0.1:{http_port}, admin on 127.0.0.1:{admin_port}; run Envoy from the repo root.
"""


@dataclass(frozen=True)
class ServiceSpec:
    """A deployable, as declared by its `[tool.lms]` table.

    It serves the gRPC services of every proto package `lms.<name>.v<N>`."""

    name: str
    grpc_port: int
    module: str
    database: bool = False

    @property
    def proto_package_prefix(self) -> str:
        return f"{OWN_PACKAGE_PREFIX}{self.name}."


# The kit's test/benchmark service: never discovered, only added when asked for.
PROBE = ServiceSpec(name="testing", grpc_port=3099, module="lms_kit.testing.probe", database=False)


class ConfigError(Exception):
    """A service declaration or the descriptor set does not make a valid gateway."""


def discover_services(services_dir: Path = SERVICES_DIR) -> list[ServiceSpec]:
    """Every `services/<name>/pyproject.toml` with a `[tool.lms]` table, except the kit."""
    specs = []
    for pyproject in sorted(services_dir.glob("*/pyproject.toml")):
        if pyproject.parent.name == KIT_DIR_NAME:
            continue
        with pyproject.open("rb") as handle:
            table = tomllib.load(handle).get("tool", {}).get("lms")
        if table is None:
            continue
        try:
            spec = ServiceSpec(
                name=str(table["service"]),
                grpc_port=int(table["grpc_port"]),
                module=str(table["module"]),
                database=bool(table.get("database", False)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"{pyproject}: bad [tool.lms] table: {exc!r}") from None
        specs.append(spec)
    _check_unique(specs)
    return specs


def _check_unique(specs: Sequence[ServiceSpec]) -> None:
    for attribute in ("name", "grpc_port"):
        seen: dict[object, str] = {}
        for spec in specs:
            value = getattr(spec, attribute)
            if value in seen:
                raise ConfigError(f"services {seen[value]!r} and {spec.name!r} share {attribute} {value!r}")
            seen[value] = spec.name


@dataclass(frozen=True)
class RouteLimit:
    """A per-route token bucket in Envoy: `requests` per `per_s` seconds (also the burst)."""

    requests: int
    per_s: int = 1

    @classmethod
    def parse(cls, text: str) -> RouteLimit | None:
        """`N` (per second) or `N/S` (per S seconds); `0` means no limit (None)."""
        requests, _, per_s = text.partition("/")
        limit = cls(int(requests), int(per_s or 1))
        if limit.requests < 0 or limit.per_s < 1:
            raise ValueError(f"bad route limit {text!r}: want N or N/SECONDS with N >= 0, SECONDS >= 1")
        return limit if limit.requests else None


@dataclass(frozen=True)
class GatewayOptions:
    """Edge settings that are not in the contracts."""

    cors_origins: tuple[str, ...] = DEFAULT_CORS_ORIGINS
    # JSON responses at least this long are compressed (when the client accepts it).
    compression_min_bytes: int = COMPRESSION_MIN_BYTES
    # Every client-facing route gets this bucket (None: no gateway limit) ...
    route_limit: RouteLimit | None = RouteLimit(1000)
    # ... unless it is named here (gRPC path /pkg.Service/Method -> bucket or None).
    route_limits: Mapping[str, RouteLimit | None] = field(default_factory=dict)
    # Extra JWKS files trusted at the edge (the dev runner's dev-issuer keys).
    jwks_files: tuple[str, ...] = ()
    # Fetch the user service's JWKS through the gateway itself (when it is deployed).
    remote_jwks: bool = True
    jwks_cache_s: int = 60
    # The edge cache's directory (it must exist when Envoy starts; relative: to Envoy's
    # working directory) and its bound on disk. None: no edge cache.
    edge_cache_dir: str | None = DEFAULT_EDGE_CACHE_DIR
    edge_cache_max_bytes: int = EDGE_CACHE_MAX_BYTES
    # Seconds a token is accepted past its expiry: the kit's setting (LMS_JWT_CLOCK_SKEW_S), so
    # the edge and the services agree.
    clock_skew_s: int = LEEWAY_S
    # OTLP/gRPC collector (host:port) for the gateway's own spans; "" leaves tracing off.
    otlp_endpoint: str = ""
    # Share of requests without a sampled traceparent that start a recorded trace.
    trace_sample_percent: float = 100.0


@dataclass(frozen=True)
class ClientMethod:
    name: str
    streaming: bool
    anonymous: bool  # (lms.options.v1.access).anonymous: no token needed at the edge
    edge_cache: bool = False  # (lms.options.v1.edge_cache): anonymous GETs may be cached at the edge
    get_template: str = ""  # the google.api.http `get` path template, if the binding is a GET


@dataclass(frozen=True)
class GrpcService:
    full_name: str  # e.g. lms.user.v1.UserService
    client_methods: tuple[ClientMethod, ...]  # the methods with google.api.http


def load_grpc_services(descriptor_path: Path) -> list[GrpcService]:
    """Every lms.* gRPC service in the descriptor set, with its client-facing methods."""
    descriptor_set = _read_set(descriptor_path)
    found = []
    for file in descriptor_set.file:
        if not file.package.startswith(OWN_PACKAGE_PREFIX):
            continue
        for service in file.service:
            methods = tuple(
                ClientMethod(
                    name=method.name,
                    streaming=method.client_streaming or method.server_streaming,
                    anonymous=method.options.Extensions[options_pb2.access].anonymous,
                    edge_cache=method.options.Extensions[options_pb2.edge_cache],
                    get_template=method.options.Extensions[annotations_pb2.http].get,
                )
                for method in service.method
                if method.options.HasExtension(annotations_pb2.http)
            )
            found.append(GrpcService(f"{file.package}.{service.name}", methods))
    return sorted(found, key=lambda s: s.full_name)


# convert_grpc_status can only print a status whose types the descriptor set
# holds: without these, errors reach REST clients as an empty body.
STATUS_FILES = (status_pb2.DESCRIPTOR, error_details_pb2.DESCRIPTOR)


def _read_set(descriptor_path: Path) -> descriptor_pb2.FileDescriptorSet:
    path = descriptor_path if descriptor_path.is_absolute() else ROOT / descriptor_path
    return descriptor_pb2.FileDescriptorSet.FromString(path.read_bytes())


def missing_status_files(descriptor_path: Path) -> list[str]:
    """The google.rpc files the transcoder needs to print error details, if absent."""
    have = {f.name for f in _read_set(descriptor_path).file}
    return [f.name for f in STATUS_FILES if f.name not in have]


def _owned(spec: ServiceSpec, grpc_services: Iterable[GrpcService]) -> list[GrpcService]:
    return [g for g in grpc_services if g.full_name.startswith(spec.proto_package_prefix)]


def render(
    services: Sequence[ServiceSpec],
    *,
    http_port: int = DEFAULT_HTTP_PORT,
    admin_port: int = DEFAULT_ADMIN_PORT,
    descriptor_path: str | Path = DESCRIPTOR,
    upstream_host: str = "127.0.0.1",
    access_log_path: str = "/dev/stdout",
    options: GatewayOptions | None = None,
    openapi_file: str | Path | None = None,
) -> dict:
    """The Envoy bootstrap for these deployables, as a dict ready for yaml.safe_dump.

    A relative `descriptor_path` is read from the repo root and written as is
    (Envoy resolves it against its working directory). `openapi_file`, when
    given, is served at GET /openapi.json (it must exist when Envoy starts)."""
    _check_unique(services)
    options = options or GatewayOptions()
    all_grpc = load_grpc_services(Path(descriptor_path))
    served: set[str] = set()
    routes: list[dict] = []
    transcoded: list[str] = []
    clusters: list[dict] = []
    edge_routes: list[dict] = []  # the REST paths of edge-cached RPCs, before transcoding
    origin_routes: list[dict] = []  # their gRPC routes, on the edge cache's origin listener
    edge_services: list[str] = []
    for spec in sorted(services, key=lambda s: s.name):
        owned = _owned(spec, all_grpc)
        for grpc_service in owned:
            if grpc_service.client_methods:
                transcoded.append(grpc_service.full_name)
            for method in grpc_service.client_methods:
                path = f"/{grpc_service.full_name}/{method.name}"
                served.add(path)
                limit = options.route_limits.get(path, options.route_limit)
                route = _route(path, spec.name, method, limit)
                routes.append(route)
                if method.edge_cache:
                    check_edge_cache(path, method)  # a contract error even when the cache is off
                if method.edge_cache and options.edge_cache_dir is not None:
                    edge_routes.append(_edge_route(method))
                    origin_routes.append(copy.deepcopy(route))
                    if grpc_service.full_name not in edge_services:
                        edge_services.append(grpc_service.full_name)
        # The health check names a gRPC service this deployable must serve, so a
        # stray process on the port (serving something else) never counts as healthy.
        health_name = owned[0].full_name if owned else ""
        clusters.append(_cluster(spec, upstream_host, health_name))
    unknown = set(options.route_limits) - served
    if unknown:
        raise ConfigError(f"route limits name methods with no route: {', '.join(sorted(unknown))}")

    providers = _jwt_providers(services, http_port, options)
    if any("remote_jwks" in provider for provider in providers.values()):
        clusters.append(_jwks_cluster(http_port))

    extra_routes = []
    if openapi_file is not None:
        extra_routes.append(_openapi_route(str(openapi_file)))
    extra_routes.extend(gateway_pages.page_routes())
    extra_routes.extend(edge_routes)
    # Last: anything else. A real route (CORS needs one to find the virtual host's
    # policy, e.g. for a preflight to a REST path) that is always answered 404 by
    # the fault filter, so it never reaches a cluster; a native gRPC call to an
    # unexposed method gets UNIMPLEMENTED.
    extra_routes.append(
        {
            "match": {"prefix": "/"},
            "route": {"cluster": UNROUTED_CLUSTER},
            "typed_per_filter_config": {FAULT_FILTER: _not_found_fault()},
        }
    )
    clusters.append(
        {
            "name": UNROUTED_CLUSTER,
            "type": "STATIC",
            "connect_timeout": "1s",
            "load_assignment": {"cluster_name": UNROUTED_CLUSTER, "endpoints": []},
        }
    )

    http_filters = [
        _health_check_filter([spec.name for spec in services]),
        _strip_headers_filter(),
        _header_name_filter(),
        {"name": CORS_FILTER, "typed_config": {"@type": _T_CORS}},
        *_compressor_filters(options.compression_min_bytes),
        {
            "name": "envoy.filters.http.buffer",
            "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.filters.http.buffer.v3.Buffer",
                "max_request_bytes": MAX_REQUEST_BYTES,
            },
        },
    ]
    after_buffer = []
    if transcoded:  # Envoy refuses a transcoder with no services
        after_buffer.append(_transcoder_filter(str(descriptor_path), transcoded))
    after_buffer.append(
        {"name": RATELIMIT_FILTER, "typed_config": {"@type": _T_RATELIMIT, "stat_prefix": "route_limit"}}
    )
    if providers:
        after_buffer.append(_jwt_filter(providers))
    after_buffer.append({"name": FAULT_FILTER, "typed_config": {"@type": _T_FAULT}})
    after_buffer.append(
        {
            "name": "envoy.filters.http.router",
            "typed_config": {"@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"},
        }
    )
    listeners = []
    bootstrap_extensions = []
    if edge_routes:
        assert options.edge_cache_dir is not None
        # After the compressors (so a hit is compressed per client), before the transcoder.
        http_filters.insert(len(http_filters) - 1, _edge_cache_filter(options))
        edge_route_ids = {id(route) for route in edge_routes}
        for route in routes + extra_routes:
            if id(route) not in edge_route_ids:
                route.setdefault("typed_per_filter_config", {})[EDGE_CACHE_FILTER] = {
                    "@type": _T_FILTER_CONFIG,
                    "disabled": True,
                }
        origin_filters = [
            _transcoder_filter(str(descriptor_path), edge_services),
            *[f for f in after_buffer if f["name"] != TRANSCODER_FILTER],
        ]
        listeners.append(_edge_origin_listener(origin_routes, origin_filters))
        clusters.append(_edge_origin_cluster())
        bootstrap_extensions.append(
            {
                "name": "envoy.bootstrap.internal_listener",
                "typed_config": {
                    "@type": "type.googleapis.com/envoy.extensions.bootstrap.internal_listener.v3.InternalListener"
                },
            }
        )
    http_filters.extend(after_buffer)
    virtual_host = {
        "name": "lms",
        "domains": ["*"],
        "routes": routes + extra_routes,
        "typed_per_filter_config": {CORS_FILTER: _cors_policy(options.cors_origins)},
    }
    config: dict = {"admin": {"address": _address("127.0.0.1", admin_port)}}
    if bootstrap_extensions:
        config["bootstrap_extensions"] = bootstrap_extensions
    return config | {
        "static_resources": {
            "listeners": [
                _listener(http_port, virtual_host, http_filters, access_log_path, _tracing(options)),
                *listeners,
            ],
            "clusters": clusters + ([_otlp_cluster(options.otlp_endpoint)] if options.otlp_endpoint else []),
        },
        # Bounds what one gateway holds open (and silences Envoy's edge warning).
        "overload_manager": {
            "resource_monitors": [
                {
                    "name": "envoy.resource_monitors.global_downstream_max_connections",
                    "typed_config": {
                        "@type": "type.googleapis.com/envoy.extensions.resource_monitors."
                        "downstream_connections.v3.DownstreamConnectionsConfig",
                        "max_active_downstream_connections": 10000,
                    },
                }
            ]
        },
    }


CORS_FILTER = "envoy.filters.http.cors"
RATELIMIT_FILTER = "envoy.filters.http.local_ratelimit"
JWT_FILTER = "envoy.filters.http.jwt_authn"
TRANSCODER_FILTER = "envoy.filters.http.grpc_json_transcoder"
FAULT_FILTER = "envoy.filters.http.fault"
EDGE_CACHE_FILTER = "envoy.filters.http.cache_v2"
EDGE_ORIGIN = "edge_origin"  # the internal listener (and its cluster) that transcodes cache misses
JWKS_CLUSTER = "gateway_jwks"
UNROUTED_CLUSTER = "unrouted"  # no endpoints: the catch-all route never gets that far
_T_FAULT = "type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault"
_T_CORS = "type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors"
_T_CORS_POLICY = "type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy"
_T_RATELIMIT = "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit"
_T_JWT = "type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication"
_T_JWT_ROUTE = "type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.PerRouteConfig"
_T_FILTER_CONFIG = "type.googleapis.com/envoy.config.route.v3.FilterConfig"
# jwt_authn requirement names; each route names one (from the contract's access policy).
SIGNED_IN, ANONYMOUS_OK = "signed_in", "anonymous"


def _address(host: str, port: int) -> dict:
    return {"socket_address": {"address": host, "port_value": port}}


def _route(path: str, cluster: str, method: ClientMethod, limit: RouteLimit | None) -> dict:
    action: dict = {"cluster": cluster}
    if method.streaming:
        action |= {"timeout": "0s", "idle_timeout": STREAM_IDLE_TIMEOUT}
    else:
        action["timeout"] = UNARY_TIMEOUT
    per_filter: dict = {
        JWT_FILTER: {
            "@type": _T_JWT_ROUTE,
            "requirement_name": ANONYMOUS_OK if method.anonymous else SIGNED_IN,
        }
    }
    if limit is not None:
        per_filter[RATELIMIT_FILTER] = _route_limit(limit)
    return {"match": {"path": path}, "route": action, "typed_per_filter_config": per_filter}


def path_template_regex(template: str) -> str:
    """An RE2 regex for the paths a google.api.http path template matches.

    `{var}` and `*` match one segment, `**` any number; the optional `:verb` is literal."""
    parts = []
    for literal, variable in re.findall(r"([^{]+)|\{([^}]*)\}", template):
        if literal:
            parts.append(_segments_regex(literal))
        else:
            _, _, pattern = variable.partition("=")
            parts.append(_segments_regex(pattern or "*"))
    return "^" + "".join(parts) + "$"


def _segments_regex(text: str) -> str:
    out = []
    for token in re.split(r"(\*\*|\*)", text):
        if token == "**":
            out.append(".+")
        elif token == "*":
            out.append("[^/]+")
        elif token:
            out.append(re.escape(token))
    return "".join(out)


def check_edge_cache(grpc_path: str, method: ClientMethod) -> None:
    """`(lms.options.v1.edge_cache)` fits only a unary RPC that anyone may call over GET."""
    if not method.anonymous or not method.get_template or method.streaming:
        raise ConfigError(f"{grpc_path}: edge_cache needs anonymous access, a GET binding and a unary RPC")


def _edge_route(method: ClientMethod) -> dict:
    """The REST path of an edge-cached RPC, matched before transcoding: its cache misses
    go to the origin listener (the cache filter fetches them, past the transcoder)."""
    return {
        "match": {
            "safe_regex": {"regex": path_template_regex(method.get_template)},
            "headers": [{"name": ":method", "string_match": {"exact": "GET"}}],
        },
        "route": {"cluster": EDGE_ORIGIN, "timeout": UNARY_TIMEOUT},
    }


def _edge_cache_filter(options: GatewayOptions) -> dict:
    return {
        "name": EDGE_CACHE_FILTER,
        # cache_v2, not cache: v2 lets the requests that miss one entry together share one
        # upstream fetch (cache sessions); with v1 each expiry sent the whole burst upstream,
        # and at 64 connections the search p99 went from 8 ms to 60-290 ms.
        "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.http.cache_v2.v3.CacheV2Config",
            # Bounded, evicting, shared by Envoy's workers (the in-memory cache never evicts).
            "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.http.cache_v2."
                "file_system_http_cache.v3.FileSystemHttpCacheV2Config",
                "manager_config": {"thread_pool": {"thread_count": 1}},
                # Must exist when Envoy starts.
                "cache_path": options.edge_cache_dir,
                "max_cache_size_bytes": options.edge_cache_max_bytes,
                "max_individual_cache_entry_size_bytes": EDGE_CACHE_MAX_ENTRY_BYTES,
            },
        },
    }


def _edge_origin_listener(routes: list[dict], http_filters: list[dict]) -> dict:
    manager = {
        "@type": "type.googleapis.com/envoy.extensions.filters.network."
        "http_connection_manager.v3.HttpConnectionManager",
        "stat_prefix": EDGE_ORIGIN,
        "local_reply_config": _local_reply_config(),
        "route_config": {
            "name": EDGE_ORIGIN,
            "request_headers_to_add": [_gateway_header()],
            "virtual_hosts": [
                {
                    "name": EDGE_ORIGIN,
                    "domains": ["*"],
                    "routes": [
                        *routes,
                        {
                            "match": {"prefix": "/"},
                            "route": {"cluster": UNROUTED_CLUSTER},
                            "typed_per_filter_config": {FAULT_FILTER: _not_found_fault()},
                        },
                    ],
                }
            ],
        },
        "http_filters": http_filters,
    }
    return {
        "name": EDGE_ORIGIN,
        "internal_listener": {},
        "filter_chains": [
            {"filters": [{"name": "envoy.filters.network.http_connection_manager", "typed_config": manager}]}
        ],
    }


def _edge_origin_cluster() -> dict:
    return {
        "name": EDGE_ORIGIN,
        "connect_timeout": "1s",
        "load_assignment": {
            "cluster_name": EDGE_ORIGIN,
            "endpoints": [
                {
                    "lb_endpoints": [
                        {
                            "endpoint": {
                                "address": {"envoy_internal_address": {"server_listener_name": EDGE_ORIGIN}}
                            }
                        }
                    ]
                }
            ],
        },
    }


def _route_limit(limit: RouteLimit) -> dict:
    return {
        "@type": _T_RATELIMIT,
        "stat_prefix": "route_limit",
        "token_bucket": {
            "max_tokens": limit.requests,
            "tokens_per_fill": limit.requests,
            "fill_interval": f"{limit.per_s}s",
        },
        "filter_enabled": {"default_value": {"numerator": 100, "denominator": "HUNDRED"}},
        "filter_enforced": {"default_value": {"numerator": 100, "denominator": "HUNDRED"}},
        # gRPC clients see RESOURCE_EXHAUSTED (not UNAVAILABLE, which they would retry at once).
        "rate_limited_as_resource_exhausted": True,
        "response_headers_to_add": [
            {
                "header": {"key": "retry-after", "value": str(limit.per_s)},
                "append_action": "OVERWRITE_IF_EXISTS_OR_ADD",
            }
        ],
    }


def _not_found_fault() -> dict:
    return {
        "@type": _T_FAULT,
        "abort": {"http_status": 404, "percentage": {"numerator": 100, "denominator": "HUNDRED"}},
    }


def _openapi_route(filename: str) -> dict:
    return {
        "match": {"path": OPENAPI_PATH, "headers": [{"name": ":method", "string_match": {"exact": "GET"}}]},
        "direct_response": {"status": 200, "body": {"filename": filename}},
        "response_headers_to_add": [
            {
                "header": {"key": "content-type", "value": "application/json"},
                "append_action": "OVERWRITE_IF_EXISTS_OR_ADD",
            },
            {
                "header": {"key": "cache-control", "value": "public, max-age=300"},
                "append_action": "OVERWRITE_IF_EXISTS_OR_ADD",
            },
        ],
        # Not a gRPC method: the transcoder must not turn it away as unknown.
        "typed_per_filter_config": {TRANSCODER_FILTER: {"@type": _T_FILTER_CONFIG, "disabled": True}},
    }


def _gateway_header() -> dict:
    """What the services believe X-Forwarded-For on: the gateway's secret (a client's own
    header of that name is removed first and overwritten here anyway)."""
    return {
        "header": {"key": GATEWAY_HEADER, "value": f"%ENVIRONMENT({GATEWAY_SECRET_ENV})%"},
        "append_action": "OVERWRITE_IF_EXISTS_OR_ADD",
    }


def _jwt_providers(services: Sequence[ServiceSpec], http_port: int, options: GatewayOptions) -> dict:
    """jwt_authn providers by name: the user service's published keys, and any JWKS files."""
    common = {
        "issuer": JWT_ISSUER,
        "audiences": [JWT_AUDIENCE],
        "forward": True,  # services verify the bearer again (defence in depth)
        "forward_payload_header": JWT_PAYLOAD_HEADER,
        "claim_to_headers": [{"header_name": JWT_SUBJECT_HEADER, "claim_name": "sub"}],
        "clock_skew_seconds": options.clock_skew_s,
    }
    providers: dict = {}
    if options.remote_jwks and any(spec.name == JWKS_SERVICE for spec in services):
        providers["user_service"] = common | {
            "remote_jwks": {
                # Through this gateway: the user service serves its key set over REST.
                "http_uri": {
                    "uri": f"http://127.0.0.1:{http_port}{JWKS_PATH}",
                    "cluster": JWKS_CLUSTER,
                    "timeout": "2s",
                },
                "cache_duration": f"{options.jwks_cache_s}s",
                # Envoy and the user service start together: keep retrying every second.
                "async_fetch": {"fast_listener": True, "failed_refetch_duration": "1s"},
                "retry_policy": {
                    "num_retries": 2,
                    "retry_back_off": {"base_interval": "0.2s", "max_interval": "1s"},
                },
            }
        }
    for i, filename in enumerate(options.jwks_files):
        providers[f"jwks_file_{i}"] = common | {"local_jwks": {"filename": filename}}
    return providers


def _jwt_filter(providers: dict) -> dict:
    names = [{"provider_name": name} for name in providers]
    return {
        "name": JWT_FILTER,
        "typed_config": {
            "@type": _T_JWT,
            "providers": providers,
            "requirement_map": {
                SIGNED_IN: {"requires_any": {"requirements": names}} if len(names) > 1 else names[0],
                # No token is fine; a token that is sent must verify.
                ANONYMOUS_OK: {"requires_any": {"requirements": [*names, {"allow_missing": {}}]}},
            },
        },
    }


def _jwks_cluster(http_port: int) -> dict:
    return {
        "name": JWKS_CLUSTER,
        "type": "STATIC",
        "connect_timeout": "1s",
        "load_assignment": {
            "cluster_name": JWKS_CLUSTER,
            "endpoints": [{"lb_endpoints": [{"endpoint": {"address": _address("127.0.0.1", http_port)}}]}],
        },
        # One fetch per connection, closed by this (client) side: the closer keeps the
        # TIME_WAIT, so it stays on an ephemeral port, never on the listener's port.
        "typed_extension_protocol_options": {
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
                "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                "common_http_protocol_options": {"max_requests_per_connection": 1},
                "explicit_http_config": {"http_protocol_options": {}},
            }
        },
    }


def _strip_headers_filter() -> dict:
    return {
        "name": "envoy.filters.http.header_mutation",
        "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.http.header_mutation.v3.HeaderMutation",
            "mutations": {"request_mutations": [{"remove": name} for name in STRIPPED_REQUEST_HEADERS]},
        },
    }


# HTTP allows header names that gRPC metadata does not (`|`, `#`, `` ` ``, ...); the
# transcoder would pass them on and the service's gRPC runtime fail the call with
# INTERNAL. Refused here with 400 instead (a JSON BAD_REQUEST by local_reply_config).
# A request that is not gRPC is a REST call the transcoder will turn into one: marked, so
# that the services name the fields of their violations as the JSON the client sent.
_HEADER_NAME_LUA = """
function envoy_on_request(handle)
  local headers = handle:headers()
  for name, _ in pairs(headers) do
    if not string.match(name, "^:?[0-9a-z_.%-]+$") then
      handle:respond({[":status"] = "400"}, "header name not allowed: " .. name)
      return
    end
  end
  local content_type = headers:get("content-type") or ""
  if string.sub(content_type, 1, 16) ~= "application/grpc" then
    headers:replace("{client_format}", "json")
  end
end
""".replace("{client_format}", CLIENT_FORMAT_HEADER)


def _header_name_filter() -> dict:
    return {
        "name": "envoy.filters.http.lua",
        "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua",
            "default_source_code": {"inline_string": _HEADER_NAME_LUA},
        },
    }


def _cors_policy(origins: Sequence[str]) -> dict:
    return {
        "@type": _T_CORS_POLICY,
        "allow_origin_string_match": [{"exact": origin} for origin in origins],
        "allow_methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
        "allow_headers": "authorization, content-type, x-request-id, traceparent, tracestate",
        "expose_headers": "retry-after, www-authenticate, x-request-id",
        "max_age": "600",
        # Bearer tokens, not cookies: no credentials mode.
        "allow_credentials": False,
    }


# Envoy picks the one the client prefers (Accept-Encoding q-values); ties go to the first.
_COMPRESSORS = (
    ("zstd", "type.googleapis.com/envoy.extensions.compression.zstd.compressor.v3.Zstd", {}),
    (
        "brotli",
        "type.googleapis.com/envoy.extensions.compression.brotli.compressor.v3.Brotli",
        {"quality": 5},
    ),
    ("gzip", "type.googleapis.com/envoy.extensions.compression.gzip.compressor.v3.Gzip", {}),
)


def _compressor_filters(min_bytes: int) -> list[dict]:
    return [
        {
            "name": f"envoy.filters.http.compressor.{name}",
            "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.filters.http.compressor.v3.Compressor",
                # Envoy's default content types include application/json (and never
                # application/grpc); setting them explicitly is deprecated in 1.40.
                "response_direction_config": {"common_config": {"min_content_length": min_bytes}},
                "compressor_library": {
                    "name": name,
                    "typed_config": {"@type": type_url, **settings},
                },
            },
        }
        for name, type_url, settings in _COMPRESSORS
    ]


# Envoy's own replies -> (gRPC code, reason, HTTP status override or None). First match wins.
_LOCAL_REPLIES: tuple[tuple[int, int, str, int | None], ...] = (
    (400, 3, "BAD_REQUEST", None),
    (403, 16, "TOKEN_WRONG_AUDIENCE", 401),  # jwt_authn's only 403; the kit says UNAUTHENTICATED too
    (404, 5, "ROUTE_NOT_FOUND", None),
    (408, 4, "REQUEST_TIMEOUT", None),
    (413, 3, "REQUEST_TOO_LARGE", None),
    (429, 8, "RATE_LIMITED", None),
    (431, 3, "HEADERS_TOO_LARGE", None),
    (502, 14, "SERVICE_UNAVAILABLE", None),
    (503, 14, "SERVICE_UNAVAILABLE", None),
    (504, 4, "DEADLINE_EXCEEDED", None),
)


def _status_filter(op: str, code: int) -> dict:
    return {
        "status_code_filter": {
            "comparison": {
                "op": op,
                "value": {"default_value": code, "runtime_key": f"lms.local_reply.{code}"},
            }
        }
    }


def _error_body(code: int, reason: str) -> dict:
    return {
        "json_format": {
            "code": code,
            "message": "%LOCAL_REPLY_BODY%",
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": reason,
                    "domain": ERROR_DOMAIN,
                }
            ],
        }
    }


def _local_reply_config() -> dict:
    """Every reply Envoy makes itself, as JSON in the shape of a google.rpc.Status."""
    mappers: list[dict] = [
        # The catch-all route's 404 (a fault abort): say what happened instead of "fault filter abort".
        {
            "filter": {"response_flag_filter": {"flags": ["FI"]}},
            "body": {"inline_string": "no route for this path and method"},
            "body_format_override": _error_body(5, "ROUTE_NOT_FOUND"),
        },
        # 401 without any Authorization header: the token is missing, not bad.
        {
            "filter": {
                "and_filter": {
                    "filters": [
                        _status_filter("EQ", 401),
                        {"header_filter": {"header": {"name": "authorization", "present_match": False}}},
                    ]
                }
            },
            "body_format_override": _error_body(16, "TOKEN_MISSING"),
        },
        {"filter": _status_filter("EQ", 401), "body_format_override": _error_body(16, "TOKEN_INVALID")},
    ]
    for status, code, reason, override in _LOCAL_REPLIES:
        mapper = {"filter": _status_filter("EQ", status), "body_format_override": _error_body(code, reason)}
        if override is not None:
            mapper["status_code"] = override
        mappers.append(mapper)
    mappers.append(
        {"filter": _status_filter("GE", 500), "body_format_override": _error_body(13, "INTERNAL_ERROR")}
    )
    mappers.append({"filter": _status_filter("GE", 400), "body_format_override": _error_body(2, "UNKNOWN")})
    return {"mappers": mappers}


def _cluster(spec: ServiceSpec, host: str, health_name: str) -> dict:
    return {
        "name": spec.name,
        "type": "STATIC",
        "connect_timeout": "1s",
        "load_assignment": {
            "cluster_name": spec.name,
            "endpoints": [{"lb_endpoints": [{"endpoint": {"address": _address(host, spec.grpc_port)}}]}],
        },
        "typed_extension_protocol_options": {
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
                "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                "explicit_http_config": {"http2_protocol_options": {}},
            }
        },
        "health_checks": [
            {
                "timeout": "1s",
                "interval": "2s",
                # Envoy checks idle clusters only every 60 s by default; /healthz
                # must notice a dead service just as fast when nobody calls it.
                "no_traffic_interval": "2s",
                "unhealthy_interval": "1s",
                "unhealthy_threshold": 2,
                "healthy_threshold": 1,
                "grpc_health_check": {"service_name": health_name},
            }
        ],
    }


def _health_check_filter(cluster_names: Sequence[str]) -> dict:
    return {
        "name": "envoy.filters.http.health_check",
        "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.http.health_check.v3.HealthCheck",
            "pass_through_mode": False,
            "headers": [{"name": ":path", "string_match": {"exact": HEALTHZ_PATH}}],
            "cluster_min_healthy_percentages": {name: {"value": 100} for name in cluster_names},
        },
    }


def _transcoder_filter(descriptor_path: str, services: Sequence[str]) -> dict:
    return {
        "name": TRANSCODER_FILTER,
        "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.http."
            "grpc_json_transcoder.v3.GrpcJsonTranscoder",
            "proto_descriptor": descriptor_path,
            "services": list(services),
            "convert_grpc_status": True,
            # `+` in a query string is a space (HTML forms, URLSearchParams).
            "query_param_unescape_plus": True,
            "print_options": {
                "always_print_primitive_fields": True,
                "preserve_proto_field_names": False,
            },
            "request_validation_options": {
                "reject_unknown_method": True,
                "reject_unknown_query_parameters": True,
            },
            # Bounds on what the transcoder buffers of one message; unset, Envoy falls back
            # to the connection's 32 KiB buffer limit for some bodies (the certificate
            # service saw bytes answers over it end as a gateway 500).
            "max_request_body_size": MAX_REQUEST_BYTES,
            "max_response_body_size": MAX_TRANSCODED_RESPONSE_BYTES,
        },
    }


def _access_log(path: str) -> dict:
    fields = {
        "start_time": "%START_TIME%",
        "method": "%REQ(:METHOD)%",
        "path": "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%",
        "grpc_path": "%REQ(:PATH)%",
        "status": "%RESPONSE_CODE%",
        "grpc_status": "%GRPC_STATUS(NUMBER)%",
        "flags": "%RESPONSE_FLAGS%",
        "duration_ms": "%DURATION%",
        "upstream_ms": "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%",
        "bytes_in": "%BYTES_RECEIVED%",
        "bytes_out": "%BYTES_SENT%",
        "cluster": "%UPSTREAM_CLUSTER%",
        "client": "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%",
        "user_agent": "%REQ(USER-AGENT)%",
        # The verified subject (set by jwt_authn; a client cannot set it).
        "user": f"%REQ({JWT_SUBJECT_HEADER.upper()})%",
        "request_id": "%REQ(X-REQUEST-ID)%",
        "traceparent": "%REQ(TRACEPARENT)%",
    }
    return {
        "name": "envoy.access_loggers.file",
        "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog",
            "path": path,
            "log_format": {"json_format": fields},
        },
    }


OTLP_CLUSTER = "otlp_collector"
GATEWAY_SERVICE_NAME = "lms-gateway"


def _tracing(options: GatewayOptions) -> dict | None:
    """Envoy's OpenTelemetry tracer: a SERVER span per request, its `traceparent` sent on
    to the service (whose span becomes its child), spans exported over OTLP/gRPC."""
    if not options.otlp_endpoint:
        return None
    return {
        "provider": {
            "name": "envoy.tracers.opentelemetry",
            "typed_config": {
                "@type": "type.googleapis.com/envoy.config.trace.v3.OpenTelemetryConfig",
                "grpc_service": {"envoy_grpc": {"cluster_name": OTLP_CLUSTER}, "timeout": "1s"},
                "service_name": GATEWAY_SERVICE_NAME,
            },
        },
        "random_sampling": {"value": options.trace_sample_percent},
        "spawn_upstream_span": False,
    }


def _otlp_cluster(endpoint: str) -> dict:
    host, _, port = endpoint.removeprefix("http://").rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"otlp_endpoint must be host:port, not {endpoint!r}")
    return {
        "name": OTLP_CLUSTER,
        # A collector's DNS name in a cluster, an address on a dev machine: both resolve.
        "type": "STRICT_DNS",
        "dns_lookup_family": "V4_PREFERRED",
        "connect_timeout": "1s",
        "load_assignment": {
            "cluster_name": OTLP_CLUSTER,
            "endpoints": [{"lb_endpoints": [{"endpoint": {"address": _address(host, int(port))}}]}],
        },
        "typed_extension_protocol_options": {
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
                "@type": "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                "explicit_http_config": {"http2_protocol_options": {}},
            }
        },
    }


def _listener(
    http_port: int,
    virtual_host: dict,
    http_filters: list[dict],
    access_log_path: str,
    tracing: dict | None = None,
) -> dict:
    manager = {
        "@type": "type.googleapis.com/envoy.extensions.filters.network."
        "http_connection_manager.v3.HttpConnectionManager",
        "stat_prefix": "rest",
        "codec_type": "AUTO",  # HTTP/1.1 and h2c (prior knowledge) on one port
        # Edge hygiene: this is where untrusted clients connect.
        "use_remote_address": True,
        "normalize_path": True,
        "merge_slashes": True,
        "path_with_escaped_slashes_action": "REJECT_REQUEST",
        "common_http_protocol_options": {
            "idle_timeout": "300s",
            "headers_with_underscores_action": "REJECT_REQUEST",
        },
        "http2_protocol_options": {
            "max_concurrent_streams": 100,
            "initial_stream_window_size": 65536,
            "initial_connection_window_size": 1048576,
        },
        "request_headers_timeout": "10s",
        "max_request_headers_kb": MAX_REQUEST_HEADERS_KB,
        "stream_idle_timeout": STREAM_IDLE_TIMEOUT,
        "access_log": [_access_log(access_log_path)],
        "local_reply_config": _local_reply_config(),
        "route_config": {
            "name": "lms",
            "request_headers_to_add": [_gateway_header()],
            # /openapi.json is served from a file; Envoy's default cap is 4 KiB.
            "max_direct_response_body_size_bytes": MAX_DIRECT_RESPONSE_BYTES,
            "virtual_hosts": [virtual_host],
        },
        "http_filters": http_filters,
    }
    if tracing is not None:
        manager["tracing"] = tracing
    return {
        "name": "rest",
        "address": _address("127.0.0.1", http_port),
        "per_connection_buffer_limit_bytes": 32768,
        "filter_chains": [
            {
                "filters": [
                    {
                        "name": "envoy.filters.network.http_connection_manager",
                        "typed_config": manager,
                    }
                ]
            }
        ],
    }


def dump(config: dict, *, header: str = "") -> str:
    return header + yaml.safe_dump(config, sort_keys=False, default_flow_style=False, width=110)


def committed_text(services: Sequence[ServiceSpec] | None = None) -> str:
    """What envoy/envoy.yaml must contain: the discovered services, dev ports."""
    config = render(
        discover_services() if services is None else services,
        descriptor_path=COMMITTED_DESCRIPTOR,
        # Served only once the OpenAPI document exists (Envoy refuses a missing file).
        openapi_file=COMMITTED_OPENAPI_FILE if OPENAPI_FILE.exists() else None,
    )
    return dump(config, header=HEADER.format(http_port=DEFAULT_HTTP_PORT, admin_port=DEFAULT_ADMIN_PORT))


def find_envoy() -> str | None:
    beside = Path(sys.executable).parent / "envoy"
    return str(beside) if beside.exists() else shutil.which("envoy")


def validate(config_path: Path, *, cwd: Path = ROOT) -> tuple[bool | None, str]:
    """Ask Envoy itself whether it accepts the config and the descriptor it names.
    None: no Envoy binary to ask."""
    envoy = find_envoy()
    if envoy is None:
        return None, "envoy not found"
    result = subprocess.run(
        # --disable-hot-restart: no shared memory, so it never clashes with a running Envoy.
        [envoy, "--mode", "validate", "-c", str(config_path), "--disable-hot-restart", "-l", "warn"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.returncode == 0, (result.stdout + result.stderr).strip()


def check() -> int:
    missing = missing_status_files(Path(COMMITTED_DESCRIPTOR))
    if missing:
        print(
            f"{COMMITTED_DESCRIPTOR} lacks {', '.join(missing)}: Envoy would answer REST errors with an"
            " empty body. Include them in the descriptor set (scripts/gen_protos.py)."
        )
        return 1
    want = committed_text()
    have = OUTPUT.read_text() if OUTPUT.exists() else ""
    if want != have:
        diff = difflib.unified_diff(
            have.splitlines(keepends=True), want.splitlines(keepends=True), "envoy/envoy.yaml", "generated"
        )
        sys.stdout.writelines(list(diff)[:200])
        print("envoy/envoy.yaml is stale; run `python scripts/gen_envoy.py`")
        return 1
    ok, output = validate(OUTPUT)
    if ok is False:
        print(output)
        print("envoy rejects envoy/envoy.yaml")
        return 1
    print("envoy/envoy.yaml is fresh" + (" and Envoy accepts it" if ok else f" ({output}; not validated)"))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if envoy/envoy.yaml is stale or invalid")
    args = parser.parse_args(argv)
    try:
        if args.check:
            return check()
        OUTPUT.parent.mkdir(parents=True, exist_ok=True)
        OUTPUT.write_text(committed_text())
    except ConfigError as exc:
        print(f"gen_envoy: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
