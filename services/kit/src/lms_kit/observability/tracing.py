"""OpenTelemetry tracing. Context travels as W3C `traceparent` in gRPC metadata
and in NATS headers. Without an exporter configured the API stays a no-op, but
incoming trace ids are still carried into logs and onward calls."""

from __future__ import annotations

from collections.abc import Iterable

from opentelemetry import propagate, trace
from opentelemetry.context import Context

TRACER_NAME = "lms_kit"


def configure_tracing(service: str, otlp_endpoint: str = "", sample_ratio: float = 1.0) -> None:
    """Install an SDK tracer provider exporting to `otlp_endpoint` (OTLP/gRPC), if one is
    given. A caller's sampling decision is followed; new traces are kept at `sample_ratio`.
    The batch processor's own OTEL_BSP_* variables tune how often spans are sent."""
    if not otlp_endpoint:
        return
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

    provider = TracerProvider(
        resource=Resource.create({"service.name": f"lms-{service}"}),
        sampler=ParentBased(TraceIdRatioBased(sample_ratio)),
    )
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=otlp_endpoint, insecure=True)))
    trace.set_tracer_provider(provider)


def shutdown_tracing() -> None:
    """Send the spans still batched (a stopping worker would otherwise lose its last ones)."""
    shutdown = getattr(trace.get_tracer_provider(), "shutdown", None)
    if tracing_enabled() and shutdown is not None:
        shutdown()


def tracing_enabled() -> bool:
    """True once an SDK tracer provider is installed (spans are then recorded)."""
    provider = trace.get_tracer_provider()
    return not isinstance(provider, trace.ProxyTracerProvider | trace.NoOpTracerProvider)


def tracer() -> trace.Tracer:
    return trace.get_tracer(TRACER_NAME)


def extract_from_metadata(metadata: Iterable[tuple[str, str | bytes]] | None) -> Context:
    carrier = {key: value for key, value in (metadata or ()) if isinstance(value, str)}
    return propagate.extract(carrier)


def inject_into(carrier: dict[str, str]) -> dict[str, str]:
    propagate.inject(carrier)
    return carrier
