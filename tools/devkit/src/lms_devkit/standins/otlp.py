"""A stand-in for Jaeger's collector: an OTLP/gRPC trace receiver (the `TraceService`
of opentelemetry-proto) that keeps the spans it is sent, for tests that check what the
services and Envoy export. Nothing is forwarded or stored on disk.

    collector = SpanCollector.start()          # 127.0.0.1:<free port>
    ...  LMS_OTLP_ENDPOINT=collector.endpoint  ...
    spans = collector.wait_for(lambda spans: ..., timeout=20)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent import futures
from dataclasses import dataclass

import grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc


@dataclass(frozen=True, slots=True)
class ReceivedSpan:
    """One exported span, flattened: ids as lower-case hex, the sender's `service.name`."""

    service: str
    name: str
    trace_id: str
    span_id: str
    parent_span_id: str
    kind: int  # opentelemetry.proto.trace.v1.Span.SpanKind
    attributes: dict[str, str]


def _attribute_text(value) -> str:
    kind = value.WhichOneof("value")
    return "" if kind is None else str(getattr(value, kind))


def _service_name(resource) -> str:
    for attribute in resource.attributes:
        if attribute.key == "service.name":
            return _attribute_text(attribute.value)
    return ""


class _TraceService(trace_service_pb2_grpc.TraceServiceServicer):
    def __init__(self, sink: SpanCollector) -> None:
        self._sink = sink

    def Export(self, request, context):
        received = []
        for resource_spans in request.resource_spans:
            service = _service_name(resource_spans.resource)
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    received.append(
                        ReceivedSpan(
                            service=service,
                            name=span.name,
                            trace_id=span.trace_id.hex(),
                            span_id=span.span_id.hex(),
                            parent_span_id=span.parent_span_id.hex(),
                            kind=span.kind,
                            attributes={a.key: _attribute_text(a.value) for a in span.attributes},
                        )
                    )
        self._sink.add(received)
        return trace_service_pb2.ExportTraceServiceResponse()


class SpanCollector:
    def __init__(self, server: grpc.Server, port: int) -> None:
        self._server = server
        self.port = port
        self._spans: list[ReceivedSpan] = []
        self._changed = threading.Condition()

    @classmethod
    def start(cls, host: str = "127.0.0.1", port: int = 0) -> SpanCollector:
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        bound = server.add_insecure_port(f"{host}:{port}")
        collector = cls(server, bound)
        trace_service_pb2_grpc.add_TraceServiceServicer_to_server(_TraceService(collector), server)
        server.start()
        return collector

    @property
    def endpoint(self) -> str:
        """What LMS_OTLP_ENDPOINT takes (host:port, plaintext gRPC)."""
        return f"127.0.0.1:{self.port}"

    def add(self, spans: list[ReceivedSpan]) -> None:
        with self._changed:
            self._spans.extend(spans)
            self._changed.notify_all()

    def spans(self) -> list[ReceivedSpan]:
        with self._changed:
            return list(self._spans)

    def wait_for(self, found: Callable[[list[ReceivedSpan]], bool], timeout: float) -> list[ReceivedSpan]:
        """The spans once `found(spans)` holds; AssertionError with what came after `timeout`."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not found(list(self._spans)):
                left = deadline - time.monotonic()
                if left <= 0:
                    names = sorted({(s.service, s.name) for s in self._spans})
                    raise AssertionError(f"spans never matched; received {len(self._spans)}: {names}")
                self._changed.wait(left)
            return list(self._spans)

    def stop(self) -> None:
        self._server.stop(grace=None)
