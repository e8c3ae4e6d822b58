"""Channels for service-to-service calls.

    channel = connect("course:3002", [course_pb2.DESCRIPTOR.services_by_name["CourseService"]],
                      tokens=SigningTokenSource(signer, "payment"))
    stub = CourseServiceStub(channel)

Every call gets: a deadline (the method's default unless the caller sets one),
the calling service's token, the end user's token when the call is made while
handling that user's RPC (so the callee can apply the user's rights), and the
current trace context. Only methods the contract marks idempotent
(`option idempotency_level = IDEMPOTENT` or `NO_SIDE_EFFECTS`) are retried, and
only on UNAVAILABLE, by gRPC's own retry policy from the service config.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from typing import Any, Protocol

import grpc
from google.protobuf import descriptor as pb_descriptor
from google.protobuf import descriptor_pb2
from opentelemetry import trace

from lms_kit.auth.principal import current_principal
from lms_kit.auth.tokens import TokenSigner
from lms_kit.interceptors import AUTHORIZATION, ON_BEHALF_OF
from lms_kit.observability.tracing import inject_into, tracer, tracing_enabled
from lms_kit.settings import KitSettings

DEFAULT_TIMEOUT_S = 5.0
RETRY_ATTEMPTS = 4
_IDEMPOTENT = {
    descriptor_pb2.MethodOptions.IDEMPOTENT,
    descriptor_pb2.MethodOptions.NO_SIDE_EFFECTS,
}


class TokenSource(Protocol):
    async def token(self) -> str: ...


class SigningTokenSource:
    """Signs this service's own short-lived service tokens and reuses each until
    it is 80% through its life. For setups without mesh mTLS."""

    def __init__(self, signer: TokenSigner, service: str, *, ttl_s: float = 300) -> None:
        self._signer = signer
        self._service = service
        self._ttl_s = ttl_s
        self._token = ""
        self._renew_at = 0.0

    async def token(self) -> str:
        now = time.monotonic()
        if now >= self._renew_at:
            self._token = self._signer.sign_service(self._service, ttl_s=self._ttl_s)
            self._renew_at = now + self._ttl_s * 0.8
        return self._token


def upstream_unavailable(error: grpc.aio.AioRpcError) -> bool:
    """The called service was down, unreachable or too slow (after the channel's own
    retries): the caller's own caller may retry. Anything else is an answer."""
    return error.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


def service_token_source(settings: KitSettings, service: str) -> SigningTokenSource | None:
    """Service tokens for `service`, signed with LMS_SERVICE_TOKEN_KEY_FILE (None when unset:
    the mesh's mTLS identity, or client credentials, stand in)."""
    if not settings.service_token_key_file:
        return None
    signer = TokenSigner.from_pem_file(
        settings.service_token_key_file,
        kid=settings.service_token_kid,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
    )
    return SigningTokenSource(signer, service)


class ClientCredentialsTokenSource:
    """Service tokens issued by the user service for this service's client id and
    secret (IssueServiceToken), reused until 80% of their life has passed. For
    setups without mesh mTLS where services must not hold a signing key."""

    def __init__(self, user_service_target: str, client_id: str, client_secret: str) -> None:
        self._target = user_service_target
        self._client_id = client_id
        self._client_secret = client_secret
        self._token = ""
        self._renew_at = 0.0
        self._lock = asyncio.Lock()

    async def token(self) -> str:
        if time.monotonic() < self._renew_at:
            return self._token
        async with self._lock:
            if time.monotonic() >= self._renew_at:
                await self._fetch()
        return self._token

    async def _fetch(self) -> None:
        from lms.user.v1 import user_pb2, user_pb2_grpc  # the issuer's contract, only when used

        request = user_pb2.IssueServiceTokenRequest(
            client_id=self._client_id, client_secret=self._client_secret
        )
        async with grpc.aio.insecure_channel(self._target) as channel:
            reply = await user_pb2_grpc.UserServiceStub(channel).IssueServiceToken(
                request, timeout=DEFAULT_TIMEOUT_S
            )
        lifetime = max(0.0, reply.expire_time.seconds - time.time())
        self._token = reply.access_token
        self._renew_at = time.monotonic() + lifetime * 0.8


def is_idempotent(method: pb_descriptor.MethodDescriptor) -> bool:
    return method.GetOptions().idempotency_level in _IDEMPOTENT


def service_config(
    services: Sequence[pb_descriptor.ServiceDescriptor], *, timeout_s: float = DEFAULT_TIMEOUT_S
) -> str:
    """gRPC service config: a default timeout everywhere, retries on UNAVAILABLE
    for idempotent methods only."""
    method_configs: list[dict[str, Any]] = []
    for service in services:
        retried = [m for m in service.methods if is_idempotent(m)]
        others = [m for m in service.methods if not is_idempotent(m)]
        if retried:
            method_configs.append(
                {
                    "name": [{"service": service.full_name, "method": m.name} for m in retried],
                    "timeout": f"{timeout_s}s",
                    "retryPolicy": {
                        "maxAttempts": RETRY_ATTEMPTS,
                        "initialBackoff": "0.05s",
                        "maxBackoff": "1s",
                        "backoffMultiplier": 2,
                        "retryableStatusCodes": ["UNAVAILABLE"],
                    },
                }
            )
        if others:
            method_configs.append(
                {
                    "name": [{"service": service.full_name, "method": m.name} for m in others],
                    "timeout": f"{timeout_s}s",
                }
            )
    return json.dumps({"methodConfig": method_configs})


class _CallerMetadata(
    grpc.aio.UnaryUnaryClientInterceptor,
    grpc.aio.UnaryStreamClientInterceptor,
    grpc.aio.StreamUnaryClientInterceptor,
    grpc.aio.StreamStreamClientInterceptor,
):
    def __init__(self, tokens: TokenSource | None) -> None:
        self._tokens = tokens

    async def _details(self, details: grpc.aio.ClientCallDetails) -> grpc.aio.ClientCallDetails:
        metadata = grpc.aio.Metadata(*(details.metadata or ()))
        if self._tokens is not None and AUTHORIZATION not in metadata:
            metadata[AUTHORIZATION] = f"Bearer {await self._tokens.token()}"
        caller = current_principal()
        if caller.raw_token and not caller.is_service and ON_BEHALF_OF not in metadata:
            metadata[ON_BEHALF_OF] = f"Bearer {caller.raw_token}"
        for key, value in inject_into({}).items():
            metadata[key] = value
        return grpc.aio.ClientCallDetails(
            details.method, details.timeout, metadata, details.credentials, details.wait_for_ready
        )

    async def intercept_unary_unary(self, continuation, details, request):
        if not tracing_enabled():
            return await continuation(await self._details(details), request)
        # A CLIENT span around the call (retries included), parent of the callee's SERVER span.
        method = details.method.decode() if isinstance(details.method, bytes) else details.method
        with tracer().start_as_current_span(
            method.lstrip("/"),
            kind=trace.SpanKind.CLIENT,
            attributes={"rpc.system": "grpc", "rpc.method": method},
        ) as span:
            call = await continuation(await self._details(details), request)
            code = await call.code()
            span.set_attribute("rpc.grpc.status_code", code.value[0])
            if code is not grpc.StatusCode.OK:
                span.set_status(trace.StatusCode.ERROR, code.name)
            return call

    async def intercept_unary_stream(self, continuation, details, request):
        return await continuation(await self._details(details), request)

    async def intercept_stream_unary(self, continuation, details, request_iterator):
        return await continuation(await self._details(details), request_iterator)

    async def intercept_stream_stream(self, continuation, details, request_iterator):
        return await continuation(await self._details(details), request_iterator)


def connect(
    target: str,
    services: Sequence[pb_descriptor.ServiceDescriptor],
    *,
    tokens: TokenSource | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> grpc.aio.Channel:
    """An insecure (mesh-encrypted) channel to `target` for the given services."""
    return grpc.aio.insecure_channel(
        target,
        options=[
            ("grpc.service_config", service_config(services, timeout_s=timeout_s)),
            ("grpc.enable_retries", 1),
            ("grpc.keepalive_time_ms", 30_000),
        ],
        interceptors=[_CallerMetadata(tokens)],
    )
