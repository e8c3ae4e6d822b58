"""Typed settings, read from the environment once at start-up.

Every service subclasses `KitSettings` and calls `load(MySettings)` in its
server entry point; nothing reads the environment at import time.
Variables are prefixed `LMS_` (e.g. `LMS_GRPC_PORT`, `LMS_DATABASE_URL`).
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from lms_kit.domain.money import DEFAULT_CURRENCIES


class KitSettings(BaseSettings):
    """Settings every service shares. Subclasses add their own fields."""

    model_config = SettingsConfigDict(env_prefix="LMS_", extra="ignore", frozen=True)

    service_name: str = Field(description="Short service name, e.g. 'course'.")
    grpc_host: str = "127.0.0.1"
    grpc_port: int = 0
    workers: int = Field(1, ge=1, le=64, description="Processes sharing the port (SO_REUSEPORT).")
    metrics_port: int = Field(0, description="Prometheus /metrics port; 0 turns it off.")
    grace_period_s: float = Field(10.0, ge=0, description="SIGTERM drain time for in-flight RPCs.")

    database_url: str = Field("", description="SQLAlchemy async URL; empty: service has no database.")
    database_pool_size: int = 10
    nats_url: str = Field("", description="NATS URL; empty: the outbox relay does not run.")
    redis_url: str = Field("", description="Redis URL for caches and limits; empty: in-process.")
    verified_email_required: bool = Field(
        True,
        description="Purchases and reviews need a verified email (the access token's email_verified "
        "claim); false lets unverified accounts do them too.",
    )
    rate_limits: dict[str, int] = Field(
        default_factory=dict,
        description="Per-caller limits overriding the contract: gRPC method path -> calls per minute "
        "(JSON, e.g. LMS_RATE_LIMITS='{\"/lms.user.v1.UserService/Login\": 10}'); 0 turns one off.",
    )

    jwks_url: str = Field("", description="JWKS as http(s):// or file:// URL.")
    jwt_issuer: str = "lms.user"
    jwt_audience: str = "lms"
    jwks_cache_s: float = Field(300.0, description="How long fetched keys are trusted before refresh.")
    service_token_key_file: str = Field(
        "", description="PEM private key this service signs its service tokens with (no-mTLS setups)."
    )
    service_token_kid: str = ""

    gateway_secret: str = Field(
        "",
        repr=False,
        description="What the gateway sends in x-lms-gateway; X-Forwarded-For counts only on calls that "
        "carry it (empty: never). The same value is in Envoy's environment (LMS_GATEWAY_SECRET).",
    )
    trusted_proxies: str = Field(
        "",
        description="CIDRs of load balancers in front of the gateway, whose X-Forwarded-For hops are "
        "skipped when finding the client; comma-separated (none by default).",
    )
    jwt_clock_skew_s: int = Field(
        30,
        ge=0,
        le=300,
        description="Seconds a token is still accepted past its expiry (or before its iat), at the gateway "
        "and in every service alike.",
    )

    supported_currencies: str = Field(
        ",".join(sorted(DEFAULT_CURRENCIES)),
        description="ISO 4217 codes the platform takes money in, comma-separated (every service that "
        "takes money checks against the same list).",
    )

    @property
    def currencies(self) -> frozenset[str]:
        return frozenset(code.strip() for code in self.supported_currencies.split(",") if code.strip())

    user_service_target: str = Field(
        "",
        description="host:port of the user service; set, the kit refuses writes of deleted, suspended and "
        "unknown accounts (GetUserStatus, cached, and the user service's events).",
    )
    user_status_ttl_s: float = Field(60.0, ge=0, description="How long a looked-up account state is trusted.")
    trust_unknown_users: bool = Field(
        False,
        description="Let tokens of user ids the user service does not know write (development meshes "
        "whose tests sign their own tokens). Never set in a deployment.",
    )

    log_level: str = "INFO"
    log_json: bool = True
    otlp_endpoint: str = Field(
        "", description="OTLP/gRPC collector for traces (host:port, plaintext in the mesh); empty: no export."
    )
    trace_sample_ratio: float = Field(
        1.0,
        ge=0.0,
        le=1.0,
        description="Share of new traces recorded when no caller decided (a sampled or unsampled "
        "traceparent from Envoy or another service is always followed).",
    )


S = TypeVar("S", bound=KitSettings)


def load(cls: type[S], **overrides: object) -> S:
    """Read settings of type `cls` from the environment, with explicit overrides on top."""
    return cls(**overrides)  # type: ignore[arg-type]
