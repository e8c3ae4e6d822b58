"""Prometheus metrics for RPCs, named as go-grpc-prometheus names them so the
usual dashboards work. With several worker processes the kit runs Prometheus's
multiprocess mode and the parent serves the merged view."""

from __future__ import annotations

import os

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, start_http_server

# Few buckets: each costs on every observation; these cover sub-ms to timeouts.
_BUCKETS = (0.001, 0.005, 0.025, 0.1, 0.5, 2.5, 10)


class RpcMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        registry = registry if registry is not None else REGISTRY
        self.handled = Counter(
            "grpc_server_handled_total",
            "RPCs completed, by status code.",
            ["grpc_service", "grpc_method", "grpc_type", "grpc_code"],
            registry=registry,
        )
        self.latency = Histogram(
            "grpc_server_handling_seconds",
            "RPC handling time.",
            ["grpc_service", "grpc_method", "grpc_type"],
            buckets=_BUCKETS,
            registry=registry,
        )

    def for_method(self, service: str, method: str, rpc_type: str) -> MethodMetrics:
        return MethodMetrics(self, service, method, rpc_type)


class MethodMetrics:
    """Label children resolved once per method, so a call pays no label lookups."""

    def __init__(self, metrics: RpcMetrics, service: str, method: str, rpc_type: str) -> None:
        self._metrics = metrics
        self._labels = (service, method, rpc_type)
        self.latency = metrics.latency.labels(*self._labels)
        self._handled: dict[str, Counter] = {}
        self.ok = self.handled("OK")

    def handled(self, code: str) -> Counter:
        child = self._handled.get(code)
        if child is None:
            child = self._handled[code] = self._metrics.handled.labels(*self._labels, code)
        return child


def serve_metrics(port: int, host: str = "127.0.0.1") -> None:
    """Serve /metrics; merges worker processes when PROMETHEUS_MULTIPROC_DIR is set."""
    if not port:
        return
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        start_http_server(port, addr=host, registry=registry)
    else:
        start_http_server(port, addr=host)
