"""Metrics per RPC and status code; trace context carried over gRPC metadata; trace ids in logs."""

import json
import logging

import grpc
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import CollectorRegistry

from lms.testing.v1 import probe_pb2 as p
from lms.testing.v1 import probe_pb2_grpc
from lms_kit.observability.logging import JsonFormatter
from lms_kit.observability.metrics import RpcMetrics
from lms_kit.observability.tracing import inject_into
from lms_kit.testing.harness import serve_app, settings_for
from lms_kit.testing.probe import probe_app


@pytest.fixture(scope="module")
def spans():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return exporter


async def test_metrics_count_calls_by_method_and_code(mint):
    registry = CollectorRegistry()
    async with serve_app(probe_app(), settings_for(mint, "testing"), metrics=RpcMetrics(registry)) as server:
        stub = probe_pb2_grpc.ProbeServiceStub(server.channel)
        await stub.Echo(p.EchoRequest(text="a"))
        await stub.Echo(p.EchoRequest(text="b"))
        with pytest.raises(grpc.aio.AioRpcError):
            await stub.WhoAmI(p.WhoAmIRequest())

    def sample(name, **labels):
        return registry.get_sample_value(name, {"grpc_service": "lms.testing.v1.ProbeService", **labels})

    assert sample("grpc_server_handled_total", grpc_method="Echo", grpc_type="unary", grpc_code="OK") == 2
    assert (
        sample(
            "grpc_server_handled_total", grpc_method="WhoAmI", grpc_type="unary", grpc_code="UNAUTHENTICATED"
        )
        == 1
    )
    assert sample("grpc_server_handling_seconds_count", grpc_method="Echo", grpc_type="unary") == 2


async def test_trace_context_travels_in_grpc_metadata(spans, probe, mint):
    tracer = trace.get_tracer("test")
    with tracer.start_as_current_span("client-call") as client_span:
        metadata = (*mint.bearer("u1"), *inject_into({}).items())
        await probe.stub.WhoAmI(p.WhoAmIRequest(), metadata=metadata)
    server_spans = [s for s in spans.get_finished_spans() if s.name.endswith("ProbeService/WhoAmI")]
    assert server_spans, "the server recorded no span"
    server_span = server_spans[-1]
    assert server_span.context.trace_id == client_span.get_span_context().trace_id
    assert server_span.parent.span_id == client_span.get_span_context().span_id
    assert server_span.kind == trace.SpanKind.SERVER


def test_log_lines_are_json_with_the_trace_id(spans):
    tracer = trace.get_tracer("test")
    formatter = JsonFormatter("testing")
    with tracer.start_as_current_span("work") as span:
        record = logging.LogRecord("lms", logging.INFO, __file__, 1, "course_published id=%s", ("c1",), None)
        record.course_id = "c1"
        line = json.loads(formatter.format(record))
    assert line["msg"] == "course_published id=c1"
    assert line["course_id"] == "c1"
    assert line["service"] == "testing"
    assert line["trace_id"] == format(span.get_span_context().trace_id, "032x")
