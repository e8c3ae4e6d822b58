"""The server pipeline every RPC passes through, for all four RPC shapes:

    trace context -> authenticate (JWT) -> authorize (contract policy)
    -> validate (contract field rules) -> handler -> errors to rich status
    -> metrics (and an access log line when enabled)

It is one grpc.aio interceptor, not seven: each stage is a plain function call,
so the chain stays cheap on the hot path. Methods that are not lms.* RPCs
(health, reflection) pass straight through.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import replace
from typing import Any

import grpc
from google.rpc import status_pb2
from opentelemetry import trace

from lms_kit.auth.principal import (
    ANONYMOUS,
    Principal,
    reset_current_principal,
    set_current_principal,
)
from lms_kit.auth.tokens import TokenVerifier
from lms_kit.errors import DomainError, Unauthenticated, Unavailable, internal_status
from lms_kit.observability.metrics import MethodMetrics, RpcMetrics
from lms_kit.observability.tracing import extract_from_metadata, tracer
from lms_kit.policy import MethodPolicy
from lms_kit.validation import validate

log = logging.getLogger("lms_kit.rpc")

AUTHORIZATION = "authorization"
# A service calling on behalf of an end user forwards that user's token here.
ON_BEHALF_OF = "x-lms-user-authorization"
STATUS_DETAILS_KEY = "grpc-status-details-bin"


class RateLimiter:
    """Hook for per-caller limits: raise ResourceExhausted to refuse a call."""

    async def check(self, method: str, principal: Principal, peer: str) -> None:  # pragma: no cover
        return None


class ServerPipeline(grpc.aio.ServerInterceptor):
    def __init__(
        self,
        *,
        policies: Mapping[str, MethodPolicy],
        verifier: TokenVerifier | None,
        metrics: RpcMetrics | None = None,
        rate_limiter: RateLimiter | None = None,
        access_log: bool = False,
    ) -> None:
        self._policies = policies
        self._verifier = verifier
        self._metrics = metrics
        self._rate_limiter = rate_limiter
        self._access_log = access_log
        self._wrapped: dict[str, tuple[grpc.RpcMethodHandler, grpc.RpcMethodHandler]] = {}
        # Drain state: once draining, new calls get UNAVAILABLE while admitted ones finish.
        self.draining = False
        self.in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def start_draining(self) -> None:
        self.draining = True

    async def wait_idle(self, limit_s: float) -> bool:
        """Wait until no admitted call is running; False if `limit_s` passed first."""
        try:
            await asyncio.wait_for(self._idle.wait(), limit_s)
            return True
        except TimeoutError:
            return False

    def _call_started(self) -> None:
        self.in_flight += 1
        self._idle.clear()

    def _call_ended(self) -> None:
        self.in_flight -= 1
        if self.in_flight == 0:
            self._idle.set()

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(details)
        if handler is None:
            return handler
        cached = self._wrapped.get(details.method)
        if cached is not None and cached[0] is handler:
            return cached[1]
        policy = self._policies.get(details.method)
        if policy is None:
            return handler
        wrapped = _MethodPipeline(self, details.method, policy, handler).build()
        self._wrapped[details.method] = (handler, wrapped)
        return wrapped

    async def authenticate(self, metadata: tuple[Any, ...]) -> Principal:
        token = forwarded = None
        for key, value in metadata:
            if key == AUTHORIZATION:
                token = value
            elif key == ON_BEHALF_OF:
                forwarded = value
        if token is None:
            return ANONYMOUS
        if self._verifier is None:
            raise Unauthenticated("TOKEN_INVALID", "this service accepts no tokens")
        principal = await self._verifier.verify(_bearer(token))
        if forwarded is not None and principal.is_service:
            user = await self._verifier.verify(_bearer(forwarded))
            if not user.is_service:
                principal = replace(principal, on_behalf_of=user)
        return principal


def _bearer(value: str) -> str:
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("TOKEN_INVALID", "authorization must be 'Bearer <token>'")
    return token.strip()


class _MethodPipeline:
    """The pipeline bound to one method; built once, reused for every call."""

    def __init__(
        self, owner: ServerPipeline, method: str, policy: MethodPolicy, handler: grpc.RpcMethodHandler
    ) -> None:
        self.owner = owner
        self.method = method
        self.policy = policy
        self.handler = handler
        service, _, name = method.lstrip("/").partition("/")
        self.span_name = f"{service}/{name}"
        self.tracer = tracer()  # a proxy: follows a provider installed later
        if handler.request_streaming and handler.response_streaming:
            self.rpc_type = "bidi_stream"
        elif handler.request_streaming:
            self.rpc_type = "client_stream"
        elif handler.response_streaming:
            self.rpc_type = "server_stream"
        else:
            self.rpc_type = "unary"
        self.metrics: MethodMetrics | None = (
            owner._metrics.for_method(service, name, self.rpc_type) if owner._metrics else None
        )

    def build(self) -> grpc.RpcMethodHandler:
        h = self.handler
        kwargs = {
            "request_deserializer": h.request_deserializer,
            "response_serializer": h.response_serializer,
        }
        if self.rpc_type == "unary":
            return grpc.unary_unary_rpc_method_handler(self.unary_unary, **kwargs)
        if self.rpc_type == "server_stream":
            return grpc.unary_stream_rpc_method_handler(self.unary_stream, **kwargs)
        if self.rpc_type == "client_stream":
            return grpc.stream_unary_rpc_method_handler(self.stream_unary, **kwargs)
        return grpc.stream_stream_rpc_method_handler(self.stream_stream, **kwargs)

    # -- the four shapes ------------------------------------------------------

    async def unary_unary(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        metadata = context.invocation_metadata() or ()
        with self._span(metadata), self._observe(context) as outcome:
            principal = await self._admit(request, metadata, context, outcome)
            token = set_current_principal(principal)
            try:
                return await self._guard(self.handler.unary_unary(request, context), context, outcome)
            finally:
                reset_current_principal(token)

    async def unary_stream(self, request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
        metadata = context.invocation_metadata() or ()
        with self._span(metadata), self._observe(context) as outcome:
            principal = await self._admit(request, metadata, context, outcome)
            token = set_current_principal(principal)
            try:
                async for response in self._guard_stream(
                    self.handler.unary_stream(request, context), context, outcome
                ):
                    yield response
            finally:
                reset_current_principal(token)

    async def stream_unary(self, requests: AsyncIterator[Any], context: grpc.aio.ServicerContext) -> Any:
        metadata = context.invocation_metadata() or ()
        with self._span(metadata), self._observe(context) as outcome:
            principal = await self._admit(None, metadata, context, outcome)
            token = set_current_principal(principal)
            try:
                call = self.handler.stream_unary(_validated(requests), context)
                return await self._guard(call, context, outcome)
            finally:
                reset_current_principal(token)

    async def stream_stream(
        self, requests: AsyncIterator[Any], context: grpc.aio.ServicerContext
    ) -> AsyncIterator[Any]:
        metadata = context.invocation_metadata() or ()
        with self._span(metadata), self._observe(context) as outcome:
            principal = await self._admit(None, metadata, context, outcome)
            token = set_current_principal(principal)
            try:
                responses = self.handler.stream_stream(_validated(requests), context)
                async for response in self._guard_stream(responses, context, outcome):
                    yield response
            finally:
                reset_current_principal(token)

    # -- stages ---------------------------------------------------------------

    async def _admit(
        self, request: Any, metadata: tuple[Any, ...], context: grpc.aio.ServicerContext, outcome: _Outcome
    ) -> Principal:
        """Authenticate, authorize, rate-limit and validate; abort with a rich status if any fails."""
        try:
            if self.owner.draining:
                raise Unavailable("SERVICE_UNAVAILABLE", "the service is shutting down; retry")
            principal = await self.owner.authenticate(metadata)
            self.policy.authorize(principal, request)
            if self.owner._rate_limiter is not None:
                await self.owner._rate_limiter.check(self.method, principal, context.peer())
            if request is not None:
                validate(request)
            return principal
        except DomainError as error:
            await _abort(context, error.code, error.to_status(), outcome)
            raise AssertionError("unreachable") from None

    async def _guard(self, call: Awaitable[Any], context: grpc.aio.ServicerContext, outcome: _Outcome) -> Any:
        try:
            return await call
        except grpc.aio.AbortError:
            raise
        except DomainError as error:
            await _abort(context, error.code, error.to_status(), outcome)
        except Exception:
            log.exception("rpc_failed method=%s", self.method)
            await _abort(context, grpc.StatusCode.INTERNAL, internal_status(), outcome)

    async def _guard_stream(
        self, responses: AsyncIterator[Any], context: grpc.aio.ServicerContext, outcome: _Outcome
    ) -> AsyncIterator[Any]:
        try:
            async for response in responses:
                yield response
        except grpc.aio.AbortError:
            raise
        except DomainError as error:
            await _abort(context, error.code, error.to_status(), outcome)
        except Exception:
            log.exception("rpc_failed method=%s", self.method)
            await _abort(context, grpc.StatusCode.INTERNAL, internal_status(), outcome)

    def _span(self, metadata: tuple[Any, ...]) -> Any:
        parent = extract_from_metadata(metadata) if any(k == "traceparent" for k, _ in metadata) else None
        return self.tracer.start_as_current_span(self.span_name, context=parent, kind=trace.SpanKind.SERVER)

    def _observe(self, context: grpc.aio.ServicerContext) -> _Outcome:
        return _Outcome(self, context)


async def _validated(requests: AsyncIterator[Any]) -> AsyncIterator[Any]:
    async for request in requests:
        validate(request)
        yield request


async def _abort(
    context: grpc.aio.ServicerContext,
    code: grpc.StatusCode,
    status: status_pb2.Status,
    outcome: _Outcome,
) -> None:
    outcome.code = code
    await context.abort(
        code, status.message, trailing_metadata=((STATUS_DETAILS_KEY, status.SerializeToString()),)
    )


class _Outcome:
    """Times a call and records its final status code in metrics (and the access log)."""

    __slots__ = ("code", "context", "pipeline", "started")

    def __init__(self, pipeline: _MethodPipeline, context: grpc.aio.ServicerContext) -> None:
        self.pipeline = pipeline
        self.context = context
        self.code: grpc.StatusCode | None = None

    def __enter__(self) -> _Outcome:
        self.started = time.perf_counter()
        self.pipeline.owner._call_started()
        if self.pipeline.metrics is not None:
            self.pipeline.metrics.started.inc()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        self.pipeline.owner._call_ended()
        if self.code is None:
            if exc_type is None:
                self.code = grpc.StatusCode.OK
            elif issubclass(exc_type, asyncio.CancelledError):
                self.code = grpc.StatusCode.CANCELLED
            else:
                self.code = _context_code(self.context)
        elapsed = time.perf_counter() - self.started
        pipeline = self.pipeline
        if pipeline.metrics is not None:
            pipeline.metrics.latency.observe(elapsed)
            pipeline.metrics.handled(self.code.name).inc()
        if pipeline.owner._access_log:
            log.info(
                "rpc method=%s code=%s ms=%.2f",
                pipeline.method,
                self.code.name,
                elapsed * 1000,
                extra={"rpc_method": pipeline.method, "grpc_code": self.code.name, "ms": elapsed * 1000},
            )


def _context_code(context: grpc.aio.ServicerContext) -> grpc.StatusCode:
    try:
        code = context.code()
    except Exception:
        code = None
    if isinstance(code, grpc.StatusCode):
        return code
    return grpc.StatusCode.UNKNOWN
