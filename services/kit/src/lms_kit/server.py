"""Server bootstrap: one call turns a service's App into a running gRPC server.

    def main() -> None:
        run(load(CourseSettings), build_app, migrations_dir=MIGRATIONS)

`build_app(settings)` wires adapters and handlers and returns an `App`. The kit
adds the pipeline (auth, policy, validation, errors, metrics, tracing),
grpc.health.v1 with per-service status, reflection, graceful SIGTERM drain
and N worker processes sharing the port (SO_REUSEPORT).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
import sys
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import grpc
from google.protobuf import descriptor as pb_descriptor
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from lms_kit.auth.jwks import JwksKeySet
from lms_kit.auth.tokens import TokenVerifier
from lms_kit.auth.user_status import UserStatusGuard
from lms_kit.errors import PLATFORM_DOMAIN
from lms_kit.interceptors import RateLimiter, ServerPipeline
from lms_kit.net import ClientAddressResolver
from lms_kit.observability.logging import configure_logging
from lms_kit.observability.metrics import RpcMetrics, serve_metrics
from lms_kit.observability.tracing import configure_tracing, shutdown_tracing
from lms_kit.policy import load_policies
from lms_kit.ratelimit import build_rate_limiter
from lms_kit.settings import KitSettings
from lms_kit.validation import check_contract

log = logging.getLogger("lms_kit.server")

Hook = Callable[[], Awaitable[None]]
S = TypeVar("S", bound=KitSettings)

MAX_MESSAGE_BYTES = 8 * 1024 * 1024
# Request metadata gRPC accepts, soft and hard limit alike (between the two C-core refuses at
# random). The gateway refuses client headers above 8 KiB first, so this is never reached
# through it.
MAX_METADATA_BYTES = 32 * 1024


@dataclass
class Service:
    """One gRPC service of an app: its descriptor, the generated `add_*_to_server`
    function and the servicer instance."""

    descriptor: pb_descriptor.ServiceDescriptor
    add_to_server: Callable[[Any, grpc.aio.Server], None]
    servicer: object


@dataclass
class App:
    """What a service's `build_app` returns."""

    services: Sequence[Service]
    on_start: list[Hook] = field(default_factory=list)  # after serving begins (relays, consumers)
    on_stop: list[Hook] = field(default_factory=list)  # after the drain (close pools)
    rate_limiter: RateLimiter | None = None
    # Set by an issuer that verifies with its own keys; others use LMS_JWKS_URL.
    verifier: TokenVerifier | None = None
    # ErrorInfo.domain of the service's own errors, e.g. "course.lms".
    error_domain: str = PLATFORM_DOMAIN
    # Refuses writes of accounts that may no longer act (None: no check, e.g. the user service).
    user_status: UserStatusGuard | None = None


def check_app_contract(services: Sequence[Service]) -> dict:
    """Policies for every method; raises ContractError if one lacks a policy or
    a field rule does not fit its field."""
    policies = load_policies(s.descriptor for s in services)
    for service in services:
        for method in service.descriptor.methods:
            check_contract(method.input_type)
    return policies


class RunningServer:
    """A started server: its port, its health servicer and a way to drain it."""

    def __init__(
        self, server: grpc.aio.Server, port: int, health_servicer: Any, app: App, pipeline: ServerPipeline
    ) -> None:
        self.server = server
        self.pipeline = pipeline
        self.port = port
        self.health = health_servicer
        self.app = app
        self._stopped = False

    async def stop(self, grace_s: float) -> None:
        """Mark NOT_SERVING, let in-flight RPCs finish within `grace_s`, then run on_stop hooks."""
        if self._stopped:
            return
        self._stopped = True
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace_s
        # Load balancers see NOT_SERVING; new calls get a clean UNAVAILABLE from the
        # pipeline while admitted calls finish; gRPC cancels what outlives the grace.
        await self.health.enter_graceful_shutdown()
        self.pipeline.start_draining()
        if not await self.pipeline.wait_idle(grace_s):
            log.warning("drain_timeout in_flight=%d", self.pipeline.in_flight)
        await self.server.stop(max(0.0, deadline - loop.time()))
        for hook in self.app.on_stop:
            try:
                await hook()
            except Exception:
                log.exception("on_stop_hook_failed")


async def start_server(
    app: App,
    settings: KitSettings,
    *,
    verifier: TokenVerifier | None = None,
    metrics: RpcMetrics | None = None,
) -> RunningServer:
    """Start serving `app` on settings.grpc_host:grpc_port (0 picks a free port)."""
    policies = check_app_contract(app.services)
    verifier = verifier or app.verifier
    if verifier is None and settings.jwks_url:
        keys = JwksKeySet(settings.jwks_url, max_age_s=settings.jwks_cache_s)
        await keys.refresh(force=True)
        verifier = TokenVerifier(
            keys,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            leeway_s=settings.jwt_clock_skew_s,
        )
    rate_limiter = app.rate_limiter
    if rate_limiter is None:
        # From the contract's (lms.options.v1.rate_limit) and LMS_RATE_LIMITS; None if nothing is limited.
        built = build_rate_limiter(settings, (s.descriptor for s in app.services))
        if built is not None:
            app.on_stop.append(built.aclose)
        rate_limiter = built
    pipeline = ServerPipeline(
        policies=policies,
        verifier=verifier,
        metrics=metrics,
        rate_limiter=rate_limiter,
        error_domain=app.error_domain,
        proxies=ClientAddressResolver.from_setting(settings.trusted_proxies),
        gateway_secret=settings.gateway_secret,
        user_status=app.user_status,
        access_log=settings.log_level.upper() == "DEBUG",
    )
    server = grpc.aio.server(
        interceptors=[pipeline],
        options=[
            ("grpc.so_reuseport", 1),
            ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
            ("grpc.max_metadata_size", MAX_METADATA_BYTES),
            ("grpc.absolute_max_metadata_size", MAX_METADATA_BYTES),
            ("grpc.keepalive_permit_without_calls", 1),
            ("grpc.http2.min_ping_interval_without_data_ms", 10_000),
        ],
    )
    for service in app.services:
        service.add_to_server(service.servicer, server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    names = [s.descriptor.full_name for s in app.services]
    reflection.enable_server_reflection([*names, health.SERVICE_NAME, reflection.SERVICE_NAME], server)
    port = server.add_insecure_port(f"{settings.grpc_host}:{settings.grpc_port}")
    if port == 0:
        raise RuntimeError(f"could not bind {settings.grpc_host}:{settings.grpc_port}")
    await server.start()
    for hook in app.on_start:
        await hook()
    for name in ["", *names]:
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    return RunningServer(server, port, health_servicer, app, pipeline)


async def serve(settings: S, build_app: Callable[[S], Awaitable[App]], *, metrics: RpcMetrics) -> None:
    """Run one worker until SIGTERM/SIGINT, then drain within the grace period."""
    app = await build_app(settings)
    running = await start_server(app, settings, metrics=metrics)
    log.info("serving service=%s port=%d pid=%d", settings.service_name, running.port, os.getpid())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("draining service=%s grace_s=%.1f", settings.service_name, settings.grace_period_s)
    await running.stop(settings.grace_period_s)
    log.info("stopped service=%s", settings.service_name)


def _worker_main(settings: KitSettings, build_app: Callable[[Any], Awaitable[App]]) -> None:
    configure_logging(settings.service_name, level=settings.log_level, json_lines=settings.log_json)
    configure_tracing(settings.service_name, settings.otlp_endpoint, settings.trace_sample_ratio)
    _install_uvloop()
    try:
        asyncio.run(serve(settings, build_app, metrics=RpcMetrics()))
    finally:
        shutdown_tracing()


def _install_uvloop() -> None:
    with contextlib.suppress(ImportError):
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def run(
    settings: S,
    build_app: Callable[[S], Awaitable[App]],
    *,
    migrate: Callable[[S], None] | None = None,
) -> None:
    """The entry point of a service process. Applies migrations once, then runs
    `settings.workers` worker processes on one port (or serves in-process when
    there is one worker). Exits non-zero if a worker dies unexpectedly."""
    configure_logging(settings.service_name, level=settings.log_level, json_lines=settings.log_json)
    if migrate is not None:
        migrate(settings)
    if settings.workers == 1:
        serve_metrics(settings.metrics_port)
        _worker_main(settings, build_app)
        return
    if settings.grpc_port == 0:
        raise SystemExit("LMS_GRPC_PORT must be fixed when LMS_WORKERS > 1")
    # Workers write metrics to files; this parent merges and serves them.
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="lms-metrics-"))
    serve_metrics(settings.metrics_port)
    spawn = multiprocessing.get_context("spawn")
    workers = [
        spawn.Process(target=_worker_main, args=(settings, build_app), name=f"worker-{i}", daemon=False)
        for i in range(settings.workers)
    ]
    for worker in workers:
        worker.start()
    sys.exit(_supervise(workers, settings.grace_period_s))


def _supervise(workers: Sequence[multiprocessing.process.BaseProcess], grace_s: float) -> int:
    """Forward SIGTERM/SIGINT to workers; if one dies on its own, stop the rest."""
    stopping = requested = False

    def forward(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for worker in workers:
            if worker.is_alive() and worker.pid:
                os.kill(worker.pid, signal.SIGTERM)

    def on_signal(signum: int, frame: object) -> None:
        nonlocal requested
        requested = True
        forward(signum, frame)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    from multiprocessing.connection import wait

    alive = list(workers)
    while alive:
        wait([w.sentinel for w in alive], timeout=1.0)
        dead = [w for w in alive if not w.is_alive()]
        alive = [w for w in alive if w.is_alive()]
        if dead and not stopping:
            log.error("worker_died exitcodes=%s; stopping the others", [w.exitcode for w in dead])
            forward(signal.SIGTERM, None)
            stopping = True
    for worker in workers:
        worker.join(timeout=grace_s + 5)
    codes = [w.exitcode for w in workers]
    # A worker still starting when the stop was asked for dies of the SIGTERM itself, before
    # its loop handles the signal: after a requested stop that is a clean exit too.
    clean = (0, -signal.SIGTERM) if requested else (0,)
    return 0 if all(code in clean for code in codes) else 1
