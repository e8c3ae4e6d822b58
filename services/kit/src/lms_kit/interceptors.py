"""The server pipeline every RPC passes through, for all four RPC shapes:

    trace context -> authenticate (JWT) -> authorize (contract policy)
    -> rate limit -> validate (contract field rules) -> handler
    -> errors to rich status -> metrics (and an access log line when enabled)

It is one grpc.aio interceptor, not seven, and each call does one pass over
the metadata and no work it can skip: no span unless a tracer provider is
installed (an incoming `traceparent` is still attached, so logs and onward
calls keep the trace id), no await for an anonymous call or a cached token,
metric children resolved once per method. `scripts/bench_kit.py` measures it.
Methods that are not lms.* RPCs (health, reflection) pass straight through.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import replace
from functools import partial
from typing import Any

import grpc
import sqlalchemy.exc
from google.protobuf.message import DecodeError
from opentelemetry import context as otel_context
from opentelemetry import trace

from lms_kit.auth.principal import (
    ANONYMOUS,
    Principal,
    reset_current_principal,
    set_current_principal,
)
from lms_kit.auth.tokens import TokenVerifier
from lms_kit.auth.user_status import UserStatusGuard
from lms_kit.caller import USER_AGENT_LIMIT, Origin, reset_origin, set_origin
from lms_kit.errors import (
    PLATFORM_DOMAIN,
    DomainError,
    Invalid,
    Unauthenticated,
    Unavailable,
    code_of,
    internal_status,
    to_status,
    trailers_of,
)
from lms_kit.json_names import CLIENT_FORMAT_HEADER, json_path, request_type
from lms_kit.net import GATEWAY_HEADER, ClientAddressResolver
from lms_kit.observability.metrics import MethodMetrics, RpcMetrics
from lms_kit.observability.tracing import extract_from_metadata, tracer, tracing_enabled
from lms_kit.policy import MethodPolicy
from lms_kit.validation import validate

log = logging.getLogger("lms_kit.rpc")

AUTHORIZATION = "authorization"
# A service calling on behalf of an end user forwards that user's token here.
ON_BEHALF_OF = "x-lms-user-authorization"
TRACEPARENT = "traceparent"
# The gateway (Envoy, use_remote_address) appends the client's address as the
# right-most hop; that hop is what per-caller limits of anonymous calls key on.
FORWARDED_FOR = "x-forwarded-for"
USER_AGENT = "user-agent"
STATUS_DETAILS_KEY = "grpc-status-details-bin"
_OK = grpc.StatusCode.OK


class RateLimiter:
    """Hook for per-caller limits: raise Exhausted to refuse a call. `client`
    is the caller's address by the trusted-proxy rule of lms_kit.net."""

    async def check(self, method: str, principal: Principal, client: str) -> None:  # pragma: no cover
        return None


class ServerPipeline(grpc.aio.ServerInterceptor):
    def __init__(
        self,
        *,
        policies: Mapping[str, MethodPolicy],
        verifier: TokenVerifier | None,
        metrics: RpcMetrics | None = None,
        rate_limiter: RateLimiter | None = None,
        error_domain: str = PLATFORM_DOMAIN,
        proxies: ClientAddressResolver | None = None,
        gateway_secret: str = "",
        user_status: UserStatusGuard | None = None,
        access_log: bool = False,
    ) -> None:
        # Refuses writes of deleted, suspended and unknown accounts (lms_kit.auth.user_status).
        self.user_status = user_status
        # Forwarded addresses count only on calls the gateway vouches for (lms_kit.net).
        self.proxies = proxies or ClientAddressResolver([])
        self._gateway_secret = gateway_secret.encode()
        self._policies = policies
        # ErrorInfo.domain of the service's own errors (`course.lms`).
        self.error_domain = error_domain
        self._verifier = verifier
        self._metrics = metrics
        self._rate_limiter = rate_limiter
        self._access_log = access_log
        self._wrapped: dict[str, tuple[grpc.RpcMethodHandler, grpc.RpcMethodHandler]] = {}
        # Drain state: once draining, new calls get UNAVAILABLE while admitted ones finish.
        self.draining = False
        self.in_flight = 0
        self._idle: asyncio.Event | None = None

    def start_draining(self) -> None:
        self.draining = True
        self._idle = asyncio.Event()
        if self.in_flight == 0:
            self._idle.set()

    async def wait_idle(self, limit_s: float) -> bool:
        """After start_draining: wait until no admitted call runs; False if `limit_s` passed first."""
        if self._idle is None:
            raise RuntimeError("wait_idle before start_draining")
        try:
            await asyncio.wait_for(self._idle.wait(), limit_s)
            return True
        except TimeoutError:
            return False

    def _call_ended(self) -> None:
        self.in_flight -= 1
        if self.in_flight == 0 and self._idle is not None:
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

    def vouched_for(self, gateway: str) -> bool:
        """The call carries the gateway's secret (constant-time compare; never without one)."""
        return bool(self._gateway_secret) and hmac.compare_digest(gateway.encode(), self._gateway_secret)

    async def authenticate(self, token: str | None, forwarded: str | None) -> Principal:
        if token is None:
            return ANONYMOUS
        if self._verifier is None:
            raise Unauthenticated("TOKEN_INVALID", "this service accepts no tokens")
        verifier = self._verifier
        bearer = _bearer(token)
        principal = verifier.cached(bearer) or await verifier.verify(bearer)
        if forwarded is not None and principal.is_service:
            user_bearer = _bearer(forwarded)
            user = verifier.cached(user_bearer) or await verifier.verify(user_bearer)
            if not user.is_service:
                principal = replace(principal, on_behalf_of=user)
        return principal


def _bearer(value: str) -> str:
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("TOKEN_INVALID", "authorization must be 'Bearer <token>'")
    return token.strip()


class _Call:
    """Per-call bookkeeping: in-flight count, trace scope, timing, final code."""

    __slots__ = (
        "code",
        "json_names",
        "origin_token",
        "pipeline",
        "principal_token",
        "span_scope",
        "started",
        "trace_token",
    )

    def __init__(self, pipeline: _MethodPipeline) -> None:
        self.pipeline = pipeline
        self.started = time.perf_counter()
        self.code: grpc.StatusCode = _OK
        self.json_names = False  # a REST client through the gateway: violations use JSON names
        self.trace_token: object | None = None
        self.span_scope: Any = None
        self.principal_token: object | None = None
        self.origin_token: object | None = None
        pipeline.owner.in_flight += 1

    def begin_trace(self, metadata: tuple[Any, ...], traceparent: bool) -> None:
        pipeline = self.pipeline
        parent = extract_from_metadata(metadata) if traceparent else None
        if tracing_enabled():
            self.span_scope = pipeline.tracer.start_as_current_span(
                pipeline.span_name, context=parent, kind=trace.SpanKind.SERVER
            )
            self.span_scope.__enter__()
        elif parent is not None:
            self.trace_token = otel_context.attach(parent)

    def end(self, exc: BaseException | None) -> None:
        pipeline = self.pipeline
        if self.principal_token is not None:
            reset_current_principal(self.principal_token)
        if self.origin_token is not None:
            reset_origin(self.origin_token)
        if exc is not None and self.code is _OK:
            self.code = (
                grpc.StatusCode.CANCELLED
                if isinstance(exc, asyncio.CancelledError)
                else (grpc.StatusCode.UNKNOWN)
            )
        elapsed = time.perf_counter() - self.started
        metrics = pipeline.metrics
        if metrics is not None:
            metrics.latency.observe(elapsed)
            (metrics.ok if self.code is _OK else metrics.handled(self.code.name)).inc()
        if pipeline.owner._access_log:
            log.info(
                "rpc method=%s code=%s ms=%.2f",
                pipeline.method,
                self.code.name,
                elapsed * 1000,
                extra={"rpc_method": pipeline.method, "grpc_code": self.code.name, "ms": elapsed * 1000},
            )
        if self.span_scope is not None:
            if self.code is not _OK:
                trace.get_current_span().set_status(trace.StatusCode.ERROR, self.code.name)
            self.span_scope.__exit__(None, None, None)
        elif self.trace_token is not None:
            otel_context.detach(self.trace_token)  # type: ignore[arg-type]
        pipeline.owner._call_ended()


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
            "request_deserializer": _tolerant(h.request_deserializer),
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
        call = _Call(self)
        error: BaseException | None = None
        try:
            await self._admit(call, request, context)
            return await self.handler.unary_unary(request, context)
        except grpc.aio.AbortError:
            if call.code is _OK:  # the handler aborted by itself
                call.code = _context_code(context)
            raise
        except DomainError as domain_error:
            await _abort(context, call, domain_error)
        except Exception as unexpected:
            await self._fail(context, call, unexpected)
        except BaseException as cancelled:
            error = cancelled
            raise
        finally:
            call.end(error)

    async def unary_stream(self, request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
        call = _Call(self)
        error: BaseException | None = None
        try:
            await self._admit(call, request, context)
            async for response in self.handler.unary_stream(request, context):
                yield response
        except grpc.aio.AbortError:
            if call.code is _OK:  # the handler aborted by itself
                call.code = _context_code(context)
            raise
        except DomainError as domain_error:
            await _abort(context, call, domain_error)
        except Exception as unexpected:
            await self._fail(context, call, unexpected)
        except BaseException as cancelled:
            error = cancelled
            raise
        finally:
            call.end(error)

    async def stream_unary(self, requests: AsyncIterator[Any], context: grpc.aio.ServicerContext) -> Any:
        call = _Call(self)
        error: BaseException | None = None
        try:
            await self._admit(call, None, context)
            return await self.handler.stream_unary(_validated(requests), context)
        except grpc.aio.AbortError:
            if call.code is _OK:  # the handler aborted by itself
                call.code = _context_code(context)
            raise
        except DomainError as domain_error:
            await _abort(context, call, domain_error)
        except Exception as unexpected:
            await self._fail(context, call, unexpected)
        except BaseException as cancelled:
            error = cancelled
            raise
        finally:
            call.end(error)

    async def stream_stream(
        self, requests: AsyncIterator[Any], context: grpc.aio.ServicerContext
    ) -> AsyncIterator[Any]:
        call = _Call(self)
        error: BaseException | None = None
        try:
            await self._admit(call, None, context)
            async for response in self.handler.stream_stream(_validated(requests), context):
                yield response
        except grpc.aio.AbortError:
            if call.code is _OK:  # the handler aborted by itself
                call.code = _context_code(context)
            raise
        except DomainError as domain_error:
            await _abort(context, call, domain_error)
        except Exception as unexpected:
            await self._fail(context, call, unexpected)
        except BaseException as cancelled:
            error = cancelled
            raise
        finally:
            call.end(error)

    async def _fail(self, context: grpc.aio.ServicerContext, call: _Call, error: Exception) -> None:
        """A non-DomainError: a transient database error is UNAVAILABLE (retry); anything
        else is INTERNAL, logged, never sent."""
        if is_transient_database_error(error):
            log.warning("rpc_database_busy method=%s error=%s", self.method, type(error).__name__)
            await _abort(
                context,
                call,
                Unavailable("DATABASE_UNAVAILABLE", "the database is busy or unreachable; retry"),
            )
        log.exception("rpc_failed method=%s", self.method, exc_info=error)
        await _abort_internal(context, call)

    async def _admit(self, call: _Call, request: Any, context: grpc.aio.ServicerContext) -> None:
        """Trace, authenticate, authorize, rate-limit and validate; raise DomainError to refuse."""
        token = forwarded = None
        forwarded_for = user_agent = gateway = ""
        traceparent = False
        metadata = context.invocation_metadata() or ()
        for key, value in metadata:
            if key == AUTHORIZATION:
                token = value
            elif key == ON_BEHALF_OF:
                forwarded = value
            elif key == TRACEPARENT:
                traceparent = True
            elif key == FORWARDED_FOR:
                forwarded_for = value
            elif key == USER_AGENT:
                user_agent = value
            elif key == GATEWAY_HEADER:
                gateway = value
            elif key == CLIENT_FORMAT_HEADER:
                call.json_names = value == "json"
        call.begin_trace(metadata, traceparent)
        owner = self.owner
        if owner.draining:
            raise Unavailable("SERVICE_UNAVAILABLE", "the service is shutting down; retry")
        principal = await owner.authenticate(token, forwarded)
        self.policy.authorize(principal, request)
        if owner.user_status is not None and not self.policy.read_only and principal.user_id:
            await owner.user_status.check(principal.user_id)
        vouched = bool(gateway) and owner.vouched_for(gateway)
        call_origin = Origin(
            context.peer() or "",
            forwarded_for if vouched else "",
            user_agent[:USER_AGENT_LIMIT],
            owner.proxies,
        )
        call.origin_token = set_origin(call_origin)
        if owner._rate_limiter is not None:
            await owner._rate_limiter.check(self.method, principal, call_origin.address)
        if request is not None:
            if type(request) is Undecodable:
                raise _malformed()
            validate(request)
        call.principal_token = set_current_principal(principal)


# SQLSTATE classes a retry can cure: connection exceptions, serialization failures and
# deadlocks, operator intervention (a restart).
_TRANSIENT_SQLSTATES = ("08", "40001", "40P01", "57P")


def is_transient_database_error(error: BaseException) -> bool:
    """A database error that retrying may cure (PostgreSQL down or restarting, a deadlock):
    the caller gets UNAVAILABLE, which clients and the mesh retry, instead of INTERNAL."""
    if not isinstance(error, sqlalchemy.exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    sqlstate = getattr(error.orig, "sqlstate", None) or ""
    return sqlstate.startswith(_TRANSIENT_SQLSTATES)


class Undecodable:
    """What the pipeline's deserializer hands on for bytes that are not the request message
    (gRPC itself would fail such a call as UNKNOWN, naming the exception class)."""

    __slots__ = ()


_UNDECODABLE = Undecodable()


def _tolerant(deserialize: Callable[[bytes], Any] | None) -> Callable[[bytes], Any] | None:
    if deserialize is None:
        return None

    def read(data: bytes) -> Any:
        try:
            return deserialize(data)
        except (DecodeError, UnicodeDecodeError):
            return _UNDECODABLE

    return read


def _malformed() -> Invalid:
    return Invalid(
        [],
        "the request could not be read: text fields must be valid UTF-8 and the body a well-formed message",
        reason="REQUEST_MALFORMED",
    )


async def _validated(requests: AsyncIterator[Any]) -> AsyncIterator[Any]:
    async for request in requests:
        if type(request) is Undecodable:
            raise _malformed()
        validate(request)
        yield request


async def _abort(context: grpc.aio.ServicerContext, call: _Call, error: DomainError) -> None:
    code = call.code = code_of(error)
    rename = None
    if call.json_names and isinstance(error, Invalid):
        request = request_type(call.pipeline.method)
        rename = partial(json_path, request)
    status = to_status(error, call.pipeline.owner.error_domain, rename)
    await context.abort(
        code,
        status.message,
        trailing_metadata=((STATUS_DETAILS_KEY, status.SerializeToString()), *trailers_of(error)),
    )


async def _abort_internal(context: grpc.aio.ServicerContext, call: _Call) -> None:
    call.code = grpc.StatusCode.INTERNAL
    status = internal_status()
    await context.abort(
        call.code, status.message, trailing_metadata=((STATUS_DETAILS_KEY, status.SerializeToString()),)
    )


def _context_code(context: grpc.aio.ServicerContext) -> grpc.StatusCode:
    try:
        code = context.code()
    except Exception:
        code = None
    return code if isinstance(code, grpc.StatusCode) else grpc.StatusCode.UNKNOWN
