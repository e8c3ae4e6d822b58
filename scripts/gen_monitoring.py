"""Prometheus rules, scrape config and Grafana dashboards for the mesh, from the service
registry (`[tool.lms]` in services/*/pyproject.toml) and the contracts.

Imported by scripts/gen_helm.py, which writes what this module returns into the chart
(helm/lms/files/prometheus/, helm/lms/files/dashboards/). Nothing here is per service by
hand: a new service gets its SLO rules, burn-rate alerts and dashboard when it is added
to the registry.

- `METRICS` is the catalogue of every metric a rule or a panel may name: the kit's
  (`kit`, they exist today), the ones DESIGN-kit.md adds to the kit (`kit-planned`), the
  gateway's Envoy stats, kube-state-metrics and the kubelet's cAdvisor. A test proves the
  kit's and Envoy's entries against the real thing and that every expression names only
  catalogued metrics and labels.
- SLOs: by default 99.9 % of a service's RPCs succeed (server-side codes only) and 99 %
  of its unary RPCs finish within 0.5 s; a service may set its own in `[tool.lms.slo]`
  (`availability`, `latency_target`, `latency_threshold_s`, the threshold being one of
  the kit's histogram buckets). Alerts are the multi-window, multi-burn-rate pairs of
  Google's SRE workbook (chapter "Alerting on SLOs").
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import gen_envoy
import gen_mesh
from google.protobuf import descriptor_pb2

NAMESPACE = gen_mesh.NAMESPACE
RUNBOOK = "docs/operations.md"
# The kit's histogram buckets (lms_kit.observability.metrics._BUCKETS); a latency SLO
# threshold must be one of them. A test checks this list against the kit.
KIT_BUCKETS = (0.001, 0.005, 0.025, 0.1, 0.5, 2.5, 10.0)
# grpc.StatusCode names (the kit's grpc_code label) that are the server's fault. Client
# mistakes (INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, UNAUTHENTICATED, ...), refusals
# by rule (FAILED_PRECONDITION, ALREADY_EXISTS, ABORTED, RESOURCE_EXHAUSTED) and CANCELLED
# (the caller gave up) do not spend the error budget.
SERVER_ERROR_CODES = ("UNKNOWN", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "DEADLINE_EXCEEDED", "UNIMPLEMENTED")
WINDOWS = ("5m", "30m", "1h", "2h", "6h", "1d", "3d")
# (long window, short window, burn-rate factor, severity, `for`): SRE workbook table 5-8.
FAST_BURN = (("1h", "5m", 14.4), ("6h", "30m", 6.0))
SLOW_BURN = (("1d", "2h", 3.0), ("3d", "6h", 1.0))
# Gateway clusters that are not services.
GATEWAY_PREFIX = "rest"  # the REST listener's stat_prefix in gen_envoy


# -- the metric catalogue ---------------------------------------------------------------

# Labels the scrape adds to every series (Kubernetes service discovery + relabelling).
TARGET_LABELS = frozenset({"namespace", "pod", "container", "job", "instance", "service", "app"})


@dataclass(frozen=True)
class Metric:
    name: str
    kind: str  # counter | gauge | histogram
    labels: tuple[str, ...]
    source: str  # kit | kit-planned | envoy | kube-state-metrics | cadvisor
    help: str

    def series_names(self) -> set[str]:
        if self.kind == "histogram":
            return {f"{self.name}_bucket", f"{self.name}_sum", f"{self.name}_count"}
        return {self.name}

    def labels_of(self, series: str) -> set[str]:
        extra = {"le"} if series.endswith("_bucket") else set()
        return set(self.labels) | extra | TARGET_LABELS


GRPC = ("grpc_service", "grpc_method", "grpc_type")
METRICS: tuple[Metric, ...] = (
    # lms_kit.observability.metrics (go-grpc-prometheus names; grpc_code is grpc.StatusCode.name)
    Metric(
        "grpc_server_handled_total", "counter", (*GRPC, "grpc_code"), "kit", "RPCs completed, by status code"
    ),
    Metric("grpc_server_handling_seconds", "histogram", GRPC, "kit", "RPC handling time"),
    # lms_kit.observability.event_metrics (and, planned, the rest of DESIGN-kit.md's
    # "Metrics"); every one carries the service's name.
    Metric("lms_grpc_server_in_flight", "gauge", ("grpc_service",), "kit-planned", "RPCs being handled now"),
    Metric("lms_outbox_pending_events", "gauge", ("service",), "kit", "outbox rows not yet published"),
    Metric(
        "lms_outbox_oldest_pending_age_seconds",
        "gauge",
        ("service",),
        "kit",
        "age of the oldest unpublished outbox row (0 when empty)",
    ),
    Metric(
        "lms_events_published_total",
        "counter",
        ("service", "event_type"),
        "kit",
        "domain events acknowledged by JetStream, by full proto name",
    ),
    Metric("lms_outbox_publish_failures_total", "counter", ("service",), "kit", "failed outbox publishes"),
    Metric(
        "lms_consumer_pending_messages",
        "gauge",
        ("service", "durable", "stream"),
        "kit",
        "messages the durable consumer has not yet been delivered (JetStream num_pending)",
    ),
    Metric(
        "lms_consumer_ack_pending_messages",
        "gauge",
        ("service", "durable"),
        "kit",
        "messages delivered and not yet acknowledged (JetStream num_ack_pending)",
    ),
    Metric(
        "lms_consumer_handled_total",
        "counter",
        ("service", "durable", "event_type", "outcome"),
        "kit",
        "events handled, outcome ok | duplicate | ignored | retry | dead_letter",
    ),
    Metric(
        "lms_consumer_handling_seconds",
        "histogram",
        ("service", "durable"),
        "kit",
        "handler time per event, inbox claim and commit included",
    ),
    Metric(
        "lms_consumer_dead_letters_total",
        "counter",
        ("service", "durable", "event_type"),
        "kit",
        "events sent to lms.dlq.<durable>",
    ),
    Metric("lms_db_pool_checked_out", "gauge", ("service",), "kit-planned", "database connections in use"),
    Metric(
        "lms_db_pool_size", "gauge", ("service",), "kit-planned", "database pool size (pool_size + overflow)"
    ),
    # The gateway's Envoy (/stats/prometheus); a test scrapes a real Envoy for these.
    Metric(
        "envoy_http_downstream_rq_xx",
        "counter",
        ("envoy_http_conn_manager_prefix", "envoy_response_code_class"),
        "envoy",
        "gateway responses by class",
    ),
    Metric(
        "envoy_http_downstream_rq_total",
        "counter",
        ("envoy_http_conn_manager_prefix",),
        "envoy",
        "gateway requests",
    ),
    Metric(
        "envoy_http_downstream_rq_time",
        "histogram",
        ("envoy_http_conn_manager_prefix",),
        "envoy",
        "gateway request time (ms)",
    ),
    Metric(
        "envoy_http_downstream_cx_active",
        "gauge",
        ("envoy_http_conn_manager_prefix",),
        "envoy",
        "open client connections",
    ),
    Metric(
        "envoy_cluster_upstream_rq_xx",
        "counter",
        ("envoy_cluster_name", "envoy_response_code_class"),
        "envoy",
        "responses from each service, by class",
    ),
    Metric(
        "envoy_cluster_upstream_rq_time",
        "histogram",
        ("envoy_cluster_name",),
        "envoy",
        "time to each service's response (ms)",
    ),
    Metric(
        "envoy_cluster_membership_healthy",
        "gauge",
        ("envoy_cluster_name",),
        "envoy",
        "endpoints passing the gateway's gRPC health check",
    ),
    # kube-state-metrics (its documented names and labels)
    Metric(
        "kube_deployment_spec_replicas", "gauge", ("deployment",), "kube-state-metrics", "wanted replicas"
    ),
    Metric(
        "kube_deployment_status_replicas_available",
        "gauge",
        ("deployment",),
        "kube-state-metrics",
        "available replicas",
    ),
    Metric(
        "kube_pod_status_ready", "gauge", ("condition", "uid"), "kube-state-metrics", "pod Ready condition"
    ),
    Metric(
        "kube_pod_container_status_restarts_total",
        "counter",
        ("uid",),
        "kube-state-metrics",
        "container restarts",
    ),
    Metric(
        "kube_horizontalpodautoscaler_status_current_replicas",
        "gauge",
        ("horizontalpodautoscaler",),
        "kube-state-metrics",
        "replicas the HPA runs",
    ),
    Metric(
        "kube_horizontalpodautoscaler_spec_max_replicas",
        "gauge",
        ("horizontalpodautoscaler",),
        "kube-state-metrics",
        "the HPA's ceiling",
    ),
    Metric(
        "kube_job_status_failed", "gauge", ("job_name", "reason"), "kube-state-metrics", "failed job pods"
    ),
    Metric(
        "kube_pod_container_resource_requests",
        "gauge",
        ("uid", "node", "resource", "unit"),
        "kube-state-metrics",
        "container requests",
    ),
    Metric(
        "kube_pod_container_resource_limits",
        "gauge",
        ("uid", "node", "resource", "unit"),
        "kube-state-metrics",
        "container limits",
    ),
    # the kubelet's cAdvisor
    Metric("container_cpu_usage_seconds_total", "counter", ("cpu", "id", "image", "name"), "cadvisor", "CPU"),
    Metric(
        "container_memory_working_set_bytes",
        "gauge",
        ("id", "image", "name"),
        "cadvisor",
        "working set memory",
    ),
    Metric(
        "container_cpu_cfs_throttled_periods_total",
        "counter",
        ("id", "image", "name"),
        "cadvisor",
        "CPU throttling",
    ),
)


def metric_for_series(series: str) -> Metric | None:
    for metric in METRICS:
        if series in metric.series_names():
            return metric
    return None


# -- SLOs and rules -----------------------------------------------------------------


@dataclass(frozen=True)
class Slo:
    availability: float = 0.999
    latency_target: float = 0.99
    latency_threshold_s: float = 0.5

    @property
    def error_budget(self) -> float:
        return round(1 - self.availability, 10)

    @property
    def latency_budget(self) -> float:
        return round(1 - self.latency_target, 10)


def slo_of(spec: gen_envoy.ServiceSpec, services_dir: Path = gen_envoy.SERVICES_DIR) -> Slo:
    """The service's `[tool.lms.slo]` table over the defaults."""
    pyproject = services_dir / spec.name / "pyproject.toml"
    table = {}
    if pyproject.exists():
        with pyproject.open("rb") as handle:
            table = tomllib.load(handle).get("tool", {}).get("lms", {}).get("slo", {})
    slo = Slo(**{k: float(v) for k, v in table.items()})
    if not 0 < slo.availability < 1 or not 0 < slo.latency_target < 1:
        raise gen_envoy.ConfigError(f"{spec.name}: SLO targets must lie strictly between 0 and 1")
    if slo.latency_threshold_s not in KIT_BUCKETS:
        raise gen_envoy.ConfigError(
            f"{spec.name}: latency_threshold_s {slo.latency_threshold_s} is not a histogram bucket {KIT_BUCKETS}"
        )
    return slo


def bucket_label(value: float) -> str:
    """How prometheus_client writes a bucket's `le` (Go's float formatting)."""
    from prometheus_client.utils import floatToGoString

    return floatToGoString(value)


def own_services(spec: gen_envoy.ServiceSpec) -> str:
    """A regex for the grpc_service label of the service's RPCs (its proto packages)."""
    return spec.proto_package_prefix.replace(".", "\\\\.") + ".+"


def _selector(spec: gen_envoy.ServiceSpec, extra: str = "") -> str:
    return f'{{grpc_service=~"{own_services(spec)}"{extra}}}'


def _errors_ratio(spec: gen_envoy.ServiceSpec, window: str) -> str:
    failed = _selector(spec, ',grpc_code=~"' + "|".join(SERVER_ERROR_CODES) + '"')
    return (
        f"sum by (namespace) (rate(grpc_server_handled_total{failed}[{window}]))\n"
        f"/\nsum by (namespace) (rate(grpc_server_handled_total{_selector(spec)}[{window}]))"
    )


def _slow_ratio(spec: gen_envoy.ServiceSpec, slo: Slo, window: str) -> str:
    unary = ',grpc_type="unary"'
    fast = _selector(spec, unary + ',le="' + bucket_label(slo.latency_threshold_s) + '"')
    return (
        f"1 - (\n  sum by (namespace) (rate(grpc_server_handling_seconds_bucket{fast}[{window}]))\n"
        f"  /\n  sum by (namespace) (rate(grpc_server_handling_seconds_count{_selector(spec, unary)}[{window}]))\n)"
    )


ERRORS_RECORD = "lms:grpc_server_errors:ratio_rate{window}"
SLOW_RECORD = "lms:grpc_server_slow:ratio_rate{window}"


def _burn_expr(record: str, service: str, budget: float, pairs) -> str:
    terms = []
    for long, short, factor in pairs:
        a = f'{record.format(window=long)}{{service="{service}"}} > ({factor} * {budget})'
        b = f'{record.format(window=short)}{{service="{service}"}} > ({factor} * {budget})'
        terms.append(f"(\n  {a}\nand\n  {b}\n)")
    return "\nor\n".join(terms)


def _annotations(alert: str, summary: str, description: str) -> dict:
    return {"summary": summary, "description": description, "runbook": f"{RUNBOOK}#{alert.lower()}"}


def service_rules(spec: gen_envoy.ServiceSpec) -> dict:
    slo = slo_of(spec)
    rules: list[dict] = []
    for window in WINDOWS:
        rules.append(
            {
                "record": ERRORS_RECORD.format(window=window),
                "expr": _errors_ratio(spec, window),
                "labels": {"service": spec.name},
            }
        )
    for window in WINDOWS:
        rules.append(
            {
                "record": SLOW_RECORD.format(window=window),
                "expr": _slow_ratio(spec, slo, window),
                "labels": {"service": spec.name},
            }
        )
    what = f"{spec.name} service"
    avail = f"{slo.availability * 100:g}%"
    latency = f"{slo.latency_target * 100:g}% of unary RPCs within {slo.latency_threshold_s:g}s"
    for alert, record, budget, pairs, severity, wait, speed, slo_name, target in (
        (
            "LmsErrorBudgetFastBurn",
            ERRORS_RECORD,
            slo.error_budget,
            FAST_BURN,
            "critical",
            "2m",
            "fast",
            "availability",
            avail,
        ),
        (
            "LmsErrorBudgetSlowBurn",
            ERRORS_RECORD,
            slo.error_budget,
            SLOW_BURN,
            "warning",
            "15m",
            "slow",
            "availability",
            avail,
        ),
        (
            "LmsLatencyBudgetFastBurn",
            SLOW_RECORD,
            slo.latency_budget,
            FAST_BURN,
            "critical",
            "2m",
            "fast",
            "latency",
            latency,
        ),
        (
            "LmsLatencyBudgetSlowBurn",
            SLOW_RECORD,
            slo.latency_budget,
            SLOW_BURN,
            "warning",
            "15m",
            "slow",
            "latency",
            latency,
        ),
    ):
        horizon = "within hours" if speed == "fast" else "within days"
        rules.append(
            {
                "alert": alert,
                "expr": _burn_expr(record, spec.name, budget, pairs),
                "for": wait,
                "labels": {"severity": severity, "service": spec.name, "slo": slo_name},
                "annotations": _annotations(
                    alert,
                    f"{what}: {slo_name} error budget burning {speed}",
                    f"The {what} in namespace {{{{ $labels.namespace }}}} spends its {slo_name} budget "
                    f"(SLO {target}) fast enough to exhaust it {horizon}.",
                ),
            }
        )
    return {"name": f"lms-{spec.name}-slo", "rules": rules}


def platform_rules(specs: list[gen_envoy.ServiceSpec]) -> dict:
    ns = f'namespace="{NAMESPACE}"'
    clusters = "|".join(spec.name for spec in specs)
    deployments = 'deployment=~"lms-.+"'
    alerts = [
        (
            "LmsServiceDown",
            f"kube_deployment_status_replicas_available{{{ns},{deployments}}} == 0\n"
            f"and\nkube_deployment_spec_replicas{{{ns},{deployments}}} > 0",
            "2m",
            "critical",
            "{{ $labels.deployment }} has no available replica",
            "Deployment {{ $labels.deployment }} wants replicas but none is available: its RPCs fail.",
        ),
        (
            "LmsPodNotReady",
            f'sum by (namespace, pod) (kube_pod_status_ready{{{ns},pod=~"lms-.+",condition="false"}}) > 0',
            "10m",
            "warning",
            "pod {{ $labels.pod }} not ready for 10 minutes",
            "Pod {{ $labels.pod }} has been running without passing its readiness probe for 10 minutes.",
        ),
        (
            "LmsReplicasUnavailable",
            f"kube_deployment_spec_replicas{{{ns},{deployments}}}\n-\nkube_deployment_status_replicas_available{{{ns},{deployments}}}\n> 0",
            "15m",
            "warning",
            "{{ $labels.deployment }} runs fewer replicas than wanted",
            "Deployment {{ $labels.deployment }} has had unavailable replicas for 15 minutes (stuck rollout, "
            "unschedulable pods or crashes).",
        ),
        (
            "LmsPodCrashLooping",
            f'increase(kube_pod_container_status_restarts_total{{{ns},pod=~"lms-.+"}}[15m]) > 2',
            "0m",
            "warning",
            "{{ $labels.pod }} restarts repeatedly",
            "Container {{ $labels.container }} of pod {{ $labels.pod }} restarted more than twice in 15 minutes.",
        ),
        (
            "LmsHpaAtMaximum",
            f"kube_horizontalpodautoscaler_status_current_replicas{{{ns}}}\n>=\n"
            f"kube_horizontalpodautoscaler_spec_max_replicas{{{ns}}}",
            "30m",
            "warning",
            "{{ $labels.horizontalpodautoscaler }} has been at its maximum for 30 minutes",
            "The autoscaler of {{ $labels.horizontalpodautoscaler }} cannot add replicas: the service runs "
            "without headroom.",
        ),
        (
            "LmsMigrationJobFailed",
            f'kube_job_status_failed{{{ns},job_name=~"lms-.+-migrate-.+"}} > 0',
            "0m",
            "warning",
            "migration job {{ $labels.job_name }} failed",
            "A schema migration job failed; the release that started it did not roll out.",
        ),
        (
            "LmsOutboxLagging",
            f"max by (namespace, service) (lms_outbox_oldest_pending_age_seconds{{{ns}}}) > 60",
            "5m",
            "warning",
            "{{ $labels.service }} publishes its events late",
            "The oldest unpublished outbox row of {{ $labels.service }} has been older than 60 s for 5 minutes.",
        ),
        (
            "LmsOutboxStalled",
            f"max by (namespace, service) (lms_outbox_oldest_pending_age_seconds{{{ns}}}) > 600",
            "5m",
            "critical",
            "{{ $labels.service }} has stopped publishing events",
            "Events of {{ $labels.service }} have waited more than 10 minutes in its outbox: other services "
            "do not see its changes.",
        ),
        (
            "LmsConsumerLagging",
            f"max by (namespace, service, durable) (lms_consumer_pending_messages{{{ns}}}) > 1000",
            "15m",
            "warning",
            "consumer {{ $labels.durable }} of {{ $labels.service }} falls behind",
            "Durable {{ $labels.durable }} has had more than 1000 undelivered events for 15 minutes.",
        ),
        (
            "LmsDeadLetters",
            f"sum by (namespace, service, durable) (increase(lms_consumer_dead_letters_total{{{ns}}}[15m])) > 0",
            "0m",
            "warning",
            "consumer {{ $labels.durable }} of {{ $labels.service }} dead-lettered events",
            "Events reached lms.dlq.{{ $labels.durable }} after their last retry; their effect has not "
            "happened until they are replayed.",
        ),
        (
            "LmsGatewayHigh5xxRate",
            f'sum by (namespace) (rate(envoy_http_downstream_rq_xx{{{ns},envoy_http_conn_manager_prefix="{GATEWAY_PREFIX}",envoy_response_code_class="5"}}[5m]))\n'
            f'/\nsum by (namespace) (rate(envoy_http_downstream_rq_total{{{ns},envoy_http_conn_manager_prefix="{GATEWAY_PREFIX}"}}[5m]))\n> 0.02',
            "5m",
            "critical",
            "more than 2% of REST requests end in a 5xx",
            "The gateway answered more than 2% of requests with a 5xx over the last 5 minutes.",
        ),
        (
            "LmsGatewayNoHealthyUpstream",
            f'min by (namespace, envoy_cluster_name) (envoy_cluster_membership_healthy{{{ns},envoy_cluster_name=~"{clusters}"}}) == 0',
            "2m",
            "critical",
            "the gateway sees no healthy {{ $labels.envoy_cluster_name }} service",
            "Every gateway replica fails the gRPC health check of {{ $labels.envoy_cluster_name }}; REST calls "
            "to it get 503.",
        ),
    ]
    rules = []
    for alert, expr, wait, severity, summary, description in alerts:
        rule: dict[str, object] = {"alert": alert, "expr": expr}
        if wait != "0m":
            rule["for"] = wait
        rule["labels"] = {"severity": severity}
        rule["annotations"] = _annotations(alert, summary, description)
        rules.append(rule)
    return {"name": "lms-platform", "rules": rules}


def rules(specs: list[gen_envoy.ServiceSpec]) -> dict:
    """A Prometheus rule file: one SLO group per service, one platform group."""
    return {"groups": [*(service_rules(spec) for spec in specs), platform_rules(specs)]}


def scrape_configs() -> dict:
    """For a Prometheus without the Operator: pods annotated `prometheus.io/*` (the chart
    annotates every pod; under Istio the sidecar rewrites them to its merged endpoint)."""
    return {
        "scrape_configs": [
            {
                "job_name": "lms-pods",
                "kubernetes_sd_configs": [{"role": "pod", "namespaces": {"names": [NAMESPACE]}}],
                "relabel_configs": [
                    {
                        "source_labels": ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"],
                        "action": "keep",
                        "regex": "true",
                    },
                    {
                        "source_labels": ["__meta_kubernetes_pod_annotation_prometheus_io_path"],
                        "action": "replace",
                        "target_label": "__metrics_path__",
                        "regex": "(.+)",
                    },
                    {
                        "source_labels": [
                            "__meta_kubernetes_pod_ip",
                            "__meta_kubernetes_pod_annotation_prometheus_io_port",
                        ],
                        "action": "replace",
                        "regex": "(.+);(\\d+)",
                        "replacement": "$1:$2",
                        "target_label": "__address__",
                    },
                    {"source_labels": ["__meta_kubernetes_namespace"], "target_label": "namespace"},
                    {"source_labels": ["__meta_kubernetes_pod_name"], "target_label": "pod"},
                    {"source_labels": ["__meta_kubernetes_pod_label_app"], "target_label": "app"},
                    {
                        "source_labels": ["__meta_kubernetes_pod_label_app_kubernetes_io_component"],
                        "target_label": "component",
                    },
                ],
            }
        ]
    }


# -- dashboards ---------------------------------------------------------------------


def domain_events(spec: gen_envoy.ServiceSpec, descriptor_path: Path = gen_envoy.DESCRIPTOR) -> list[str]:
    """Full names of the service's domain events (messages of its `events.proto`)."""
    files = descriptor_pb2.FileDescriptorSet.FromString(descriptor_path.read_bytes())
    return sorted(
        f"{file.package}.{message.name}"
        for file in files.file
        if file.package.startswith(spec.proto_package_prefix) and file.name.endswith("/events.proto")
        for message in file.message_type
    )


@dataclass
class _Layout:
    """Places panels left to right, 24 columns a row, and numbers them."""

    y: int = 0
    x: int = 0
    row_h: int = 0
    next_id: int = 1
    panels: list = field(default_factory=list)

    def take_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def place(self, w: int, h: int) -> tuple[int, int]:
        if self.x + w > 24:
            self.y += self.row_h
            self.x, self.row_h = 0, 0
        pos = (self.x, self.y)
        self.x += w
        self.row_h = max(self.row_h, h)
        return pos

    def new_row(self) -> int:
        if self.x:
            self.y += self.row_h
        self.x, self.row_h = 0, 0
        y = self.y
        self.y += 1
        return y


class DashboardBuilder:
    """A dashboard built with Grafana's own model types (grafana-foundation-sdk)."""

    def __init__(self, uid: str, title: str, description: str, tags: list[str]) -> None:
        from grafana_foundation_sdk.builders import dashboard as gdash

        self._g = gdash
        self.layout = _Layout()
        self.board = (
            gdash.Dashboard(title)
            .uid(uid)
            .description(description)
            .tags(tags)
            .refresh("30s")
            .time("now-6h", "now")
            .timezone("utc")
            .readonly()
            .with_variable(gdash.DatasourceVariable("datasource").label("Data source").type("prometheus"))
            .with_variable(
                gdash.QueryVariable("namespace")
                .label("Namespace")
                .datasource(self.datasource)
                .query("label_values(kube_deployment_spec_replicas, namespace)")
                .current(self._option(NAMESPACE))
            )
        )

    @property
    def datasource(self):
        from grafana_foundation_sdk.models import dashboard as model

        return model.DataSourceRef(type_val="prometheus", uid="${datasource}")

    def _option(self, value: str):
        from grafana_foundation_sdk.models import dashboard as model

        return model.VariableOption(text=value, value=value, selected=True)

    def variable(self, name: str, label: str, query: str, *, multi: bool = True) -> DashboardBuilder:
        from grafana_foundation_sdk.models import dashboard as model

        variable = (
            self._g.QueryVariable(name)
            .label(label)
            .datasource(self.datasource)
            .query(query)
            .refresh(model.VariableRefresh.ON_TIME_RANGE_CHANGED)
            .include_all(True)
            .all_value(".*")
            .multi(multi)
            .current(model.VariableOption(text="All", value="$__all", selected=True))
        )
        self.board = self.board.with_variable(variable)
        return self

    def row(self, title: str) -> DashboardBuilder:
        from grafana_foundation_sdk.models import dashboard as model

        y = self.layout.new_row()
        row = self._g.Row(title).id(self.layout.take_id()).grid_pos(model.GridPos(h=1, w=24, x=0, y=y))
        self.board = self.board.with_row(row)
        return self

    def panel(
        self,
        kind: str,
        title: str,
        description: str,
        targets: list[tuple[str, str]],
        *,
        unit: str = "short",
        w: int = 12,
        h: int = 8,
        instant: bool = False,
    ) -> DashboardBuilder:
        from grafana_foundation_sdk.builders import prometheus, stat, table, timeseries
        from grafana_foundation_sdk.models import dashboard as model

        kinds: dict[str, type[timeseries.Panel] | type[stat.Panel] | type[table.Panel]] = {
            "timeseries": timeseries.Panel,
            "stat": stat.Panel,
            "table": table.Panel,
        }
        builder = kinds[kind]()
        x, y = self.layout.place(w, h)
        panel = (
            builder.id(self.layout.take_id())
            .title(title)
            .description(description)
            .datasource(self.datasource)
            .unit(unit)
            .grid_pos(model.GridPos(h=h, w=w, x=x, y=y))
        )
        for i, (expr, legend) in enumerate(targets):
            query = prometheus.Dataquery().expr(expr).ref_id(chr(ord("A") + i)).datasource(self.datasource)
            if legend:
                query = query.legend_format(legend)
            query = query.instant() if instant else query.range()
            panel = panel.with_target(query)
        self.board = self.board.with_panel(panel)
        return self

    def json(self) -> dict:
        from grafana_foundation_sdk.cog.encoder import JSONEncoder

        return json.loads(json.dumps(self.board.build(), cls=JSONEncoder))


RATE = "$__rate_interval"


def service_dashboard(spec: gen_envoy.ServiceSpec) -> dict:
    slo = slo_of(spec)
    sel = f'grpc_service=~"{own_services(spec)}",namespace="$namespace",grpc_method=~"$method"'
    codes = "|".join(SERVER_ERROR_CODES)
    ns_svc = f'namespace="$namespace",service="{spec.name}"'
    pod = f'namespace="$namespace",pod=~"lms-{spec.name}-.+",container="{spec.name}"'
    board = DashboardBuilder(
        f"lms-{spec.name}",
        f"LMS / {spec.name}",
        f"The {spec.name} service (gRPC :{spec.grpc_port}): RED per RPC, SLOs, saturation, events. "
        f"Generated by scripts/gen_helm.py from the registry.",
        ["lms", "lms-service", spec.name],
    ).variable(
        "method",
        "RPC",
        f'label_values(grpc_server_handled_total{{grpc_service=~"{own_services(spec)}"}}, grpc_method)',
    )
    board.row("Requests, errors, duration (per RPC)")
    board.panel(
        "timeseries",
        "Requests per second",
        "Completed RPCs per method.",
        [(f"sum by (grpc_method) (rate(grpc_server_handled_total{{{sel}}}[{RATE}]))", "{{grpc_method}}")],
        unit="reqps",
        w=8,
    )
    board.panel(
        "timeseries",
        "Server errors per second",
        f"RPCs that ended with a server-side code ({', '.join(SERVER_ERROR_CODES)}), per method and code.",
        [
            (
                f'sum by (grpc_method, grpc_code) (rate(grpc_server_handled_total{{{sel},grpc_code=~"{codes}"}}[{RATE}]))',
                "{{grpc_method}} {{grpc_code}}",
            )
        ],
        unit="reqps",
        w=8,
    )
    board.panel(
        "timeseries",
        "Client-side refusals per second",
        "RPCs refused for the caller's reasons (bad input, not found, denied, rate limited, ...): not "
        "errors of the service, but a jump often means a broken client or an attack.",
        [
            (
                f'sum by (grpc_code) (rate(grpc_server_handled_total{{{sel},grpc_code!~"OK|{codes}"}}[{RATE}]))',
                "{{grpc_code}}",
            )
        ],
        unit="reqps",
        w=8,
    )
    for q in (0.5, 0.95, 0.99):
        board.panel(
            "timeseries",
            f"p{q * 100:g} latency",
            f"{q * 100:g}th percentile of the handling time per method (from the kit's buckets {KIT_BUCKETS}).",
            [
                (
                    f"histogram_quantile({q}, sum by (grpc_method, le) (rate(grpc_server_handling_seconds_bucket{{{sel}}}[{RATE}])))",
                    "{{grpc_method}}",
                )
            ],
            unit="s",
            w=8,
        )
    board.panel(
        "table",
        "Per RPC (last hour)",
        "Calls, server-error ratio and p99 of each method over the last hour.",
        [
            (f"sum by (grpc_method) (increase(grpc_server_handled_total{{{sel}}}[1h]))", ""),
            (
                f'sum by (grpc_method) (rate(grpc_server_handled_total{{{sel},grpc_code=~"{codes}"}}[1h]))\n/\n'
                f"sum by (grpc_method) (rate(grpc_server_handled_total{{{sel}}}[1h]))",
                "",
            ),
            (
                f"histogram_quantile(0.99, sum by (grpc_method, le) (rate(grpc_server_handling_seconds_bucket{{{sel}}}[1h])))",
                "",
            ),
        ],
        w=24,
        h=10,
        instant=True,
    )
    board.row("SLOs")
    board.panel(
        "timeseries",
        f"Availability error ratio (SLO {slo.availability * 100:g}%)",
        "Share of RPCs failing server-side over 5 m and 1 h, against the error budget.",
        [
            (f"{ERRORS_RECORD.format(window='5m')}{{{ns_svc}}}", "5m"),
            (f"{ERRORS_RECORD.format(window='1h')}{{{ns_svc}}}", "1h"),
            (f"vector({slo.error_budget})", "budget"),
        ],
        unit="percentunit",
    )
    board.panel(
        "timeseries",
        f"Slow unary RPCs ratio (SLO {slo.latency_target * 100:g}% within {slo.latency_threshold_s:g}s)",
        "Share of unary RPCs slower than the SLO threshold over 5 m and 1 h, against the budget.",
        [
            (f"{SLOW_RECORD.format(window='5m')}{{{ns_svc}}}", "5m"),
            (f"{SLOW_RECORD.format(window='1h')}{{{ns_svc}}}", "1h"),
            (f"vector({slo.latency_budget})", "budget"),
        ],
        unit="percentunit",
    )
    board.panel(
        "stat",
        "Error budget burn rate (1h)",
        "1 = spending the budget exactly at the rate that lasts the SLO period; the fast-burn page fires above 14.4.",
        [(f"{ERRORS_RECORD.format(window='1h')}{{{ns_svc}}} / {slo.error_budget}", "")],
        unit="none",
        w=6,
        h=4,
        instant=True,
    )
    board.panel(
        "stat",
        "Latency budget burn rate (1h)",
        "The same for the latency SLO.",
        [(f"{SLOW_RECORD.format(window='1h')}{{{ns_svc}}} / {slo.latency_budget}", "")],
        unit="none",
        w=6,
        h=4,
        instant=True,
    )
    board.row("Saturation")
    board.panel(
        "timeseries",
        "CPU per pod vs request",
        "CPU used by each pod's service container, and what it requests (the autoscaler's 100%).",
        [
            (f"sum by (pod) (rate(container_cpu_usage_seconds_total{{{pod}}}[{RATE}]))", "{{pod}}"),
            (f'max(kube_pod_container_resource_requests{{{pod},resource="cpu"}})', "request"),
        ],
        unit="cores",
        w=8,
    )
    board.panel(
        "timeseries",
        "Memory per pod vs limit",
        "Working set of each pod's service container; at the limit the container is OOM-killed.",
        [
            (f"sum by (pod) (container_memory_working_set_bytes{{{pod}}})", "{{pod}}"),
            (f'max(kube_pod_container_resource_limits{{{pod},resource="memory"}})', "limit"),
        ],
        unit="bytes",
        w=8,
    )
    board.panel(
        "timeseries",
        "CPU throttling",
        "Share of CFS periods in which the container was throttled (only with a CPU limit).",
        [(f"sum by (pod) (rate(container_cpu_cfs_throttled_periods_total{{{pod}}}[{RATE}]))", "{{pod}}")],
        unit="short",
        w=8,
    )
    board.panel(
        "timeseries",
        "Replicas",
        "Available replicas, and the autoscaler's current count and ceiling.",
        [
            (
                f'kube_deployment_status_replicas_available{{namespace="$namespace",deployment="lms-{spec.name}"}}',
                "available",
            ),
            (
                f'kube_horizontalpodautoscaler_status_current_replicas{{namespace="$namespace",horizontalpodautoscaler="lms-{spec.name}"}}',
                "hpa current",
            ),
            (
                f'kube_horizontalpodautoscaler_spec_max_replicas{{namespace="$namespace",horizontalpodautoscaler="lms-{spec.name}"}}',
                "hpa max",
            ),
        ],
        w=8,
    )
    board.panel(
        "timeseries",
        "RPCs in flight",
        "RPCs being handled at once, per pod.",
        [
            (
                f'sum by (pod) (lms_grpc_server_in_flight{{grpc_service=~"{own_services(spec)}",namespace="$namespace"}})',
                "{{pod}}",
            )
        ],
        w=8,
    )
    board.panel(
        "timeseries",
        "Database connections in use",
        "Checked-out connections against the pool size, per pod.",
        [
            (f"sum by (pod) (lms_db_pool_checked_out{{{ns_svc}}})", "{{pod}} in use"),
            (f"max(lms_db_pool_size{{{ns_svc}}})", "pool size"),
        ],
        w=8,
    )
    board.row("Events (outbox, consumers, dead letters)")
    board.panel(
        "timeseries",
        "Outbox",
        "Unpublished outbox rows and the age of the oldest one (alert: LmsOutboxLagging above 60 s).",
        [
            (f"max(lms_outbox_pending_events{{{ns_svc}}})", "pending"),
            (f"max(lms_outbox_oldest_pending_age_seconds{{{ns_svc}}})", "oldest age (s)"),
        ],
        w=8,
    )
    board.panel(
        "timeseries",
        "Consumer lag",
        "Undelivered and unacknowledged messages of each of the service's durable consumers.",
        [
            (f"max by (durable) (lms_consumer_pending_messages{{{ns_svc}}})", "{{durable}} pending"),
            (f"max by (durable) (lms_consumer_ack_pending_messages{{{ns_svc}}})", "{{durable}} ack pending"),
        ],
        w=8,
    )
    board.panel(
        "timeseries",
        "Consumer outcomes and dead letters",
        "Handled events per outcome; any dead letter needs a look (runbook: LmsDeadLetters).",
        [
            (f"sum by (outcome) (rate(lms_consumer_handled_total{{{ns_svc}}}[{RATE}]))", "{{outcome}}"),
            (
                f"sum by (durable) (increase(lms_consumer_dead_letters_total{{{ns_svc}}}[{RATE}]))",
                "dead letters {{durable}}",
            ),
        ],
        w=8,
    )
    events = domain_events(spec)
    board.row("Business events")
    board.panel(
        "timeseries",
        "Domain events per minute",
        "Events the service published, by type (its events.proto).",
        [
            (
                f"sum by (event_type) (rate(lms_events_published_total{{{ns_svc}}}[{RATE}])) * 60",
                "{{event_type}}",
            )
        ],
        w=24,
    )
    for event in events:
        board.panel(
            "stat",
            event.rsplit(".", 1)[1],
            f"{event} published in the last 24 hours.",
            [(f'sum(increase(lms_events_published_total{{{ns_svc},event_type="{event}"}}[24h]))', "")],
            w=4,
            h=4,
            instant=True,
        )
    return board.json()


def mesh_dashboard(specs: list[gen_envoy.ServiceSpec]) -> dict:
    codes = "|".join(SERVER_ERROR_CODES)
    board = DashboardBuilder(
        "lms-mesh",
        "LMS / mesh",
        "Every service side by side, the gateway, events and pods. Generated by scripts/gen_helm.py.",
        ["lms", "lms-mesh"],
    )
    ns = 'namespace="$namespace"'
    lms = f'{ns},grpc_service=~"lms\\\\..+"'
    board.row("Services")
    board.panel(
        "timeseries",
        "Requests per second by service",
        "Completed RPCs per gRPC service.",
        [(f"sum by (grpc_service) (rate(grpc_server_handled_total{{{lms}}}[{RATE}]))", "{{grpc_service}}")],
        unit="reqps",
        w=8,
    )
    board.panel(
        "timeseries",
        "Server error ratio by service",
        "Share of RPCs that failed server-side.",
        [
            (
                f'sum by (grpc_service) (rate(grpc_server_handled_total{{{lms},grpc_code=~"{codes}"}}[{RATE}]))\n/\n'
                f"sum by (grpc_service) (rate(grpc_server_handled_total{{{lms}}}[{RATE}]))",
                "{{grpc_service}}",
            )
        ],
        unit="percentunit",
        w=8,
    )
    board.panel(
        "timeseries",
        "p99 latency by service",
        "99th percentile handling time of unary RPCs.",
        [
            (
                f'histogram_quantile(0.99, sum by (grpc_service, le) (rate(grpc_server_handling_seconds_bucket{{{lms},grpc_type="unary"}}[{RATE}])))',
                "{{grpc_service}}",
            )
        ],
        unit="s",
        w=8,
    )
    for spec in specs:
        slo = slo_of(spec)
        board.panel(
            "stat",
            f"{spec.name}: error budget burn (1h)",
            f"Availability burn rate of the {spec.name} service (page above 14.4).",
            [(f'{ERRORS_RECORD.format(window="1h")}{{{ns},service="{spec.name}"}} / {slo.error_budget}', "")],
            unit="none",
            w=4,
            h=4,
            instant=True,
        )
    board.row("Gateway (Envoy)")
    rest = f'{ns},envoy_http_conn_manager_prefix="{GATEWAY_PREFIX}"'
    board.panel(
        "timeseries",
        "Responses by class",
        "REST and gRPC-web requests answered by the gateway, per status class.",
        [
            (
                f"sum by (envoy_response_code_class) (rate(envoy_http_downstream_rq_xx{{{rest}}}[{RATE}]))",
                "{{envoy_response_code_class}}xx",
            )
        ],
        unit="reqps",
        w=8,
    )
    board.panel(
        "timeseries",
        "5xx ratio",
        "Share of gateway answers that are 5xx (alert LmsGatewayHigh5xxRate above 2%).",
        [
            (
                f'sum(rate(envoy_http_downstream_rq_xx{{{rest},envoy_response_code_class="5"}}[{RATE}]))\n/\n'
                f"sum(rate(envoy_http_downstream_rq_total{{{rest}}}[{RATE}]))",
                "5xx",
            )
        ],
        unit="percentunit",
        w=8,
    )
    board.panel(
        "timeseries",
        "Request time p99",
        "99th percentile time of a request through the gateway.",
        [
            (
                f"histogram_quantile(0.99, sum by (le) (rate(envoy_http_downstream_rq_time_bucket{{{rest}}}[{RATE}])))",
                "p99",
            )
        ],
        unit="ms",
        w=8,
    )
    clusters = "|".join(spec.name for spec in specs)
    board.panel(
        "timeseries",
        "Upstream p99 by service",
        "99th percentile of the time each service took to answer the gateway.",
        [
            (
                f'histogram_quantile(0.99, sum by (envoy_cluster_name, le) (rate(envoy_cluster_upstream_rq_time_bucket{{{ns},envoy_cluster_name=~"{clusters}"}}[{RATE}])))',
                "{{envoy_cluster_name}}",
            )
        ],
        unit="ms",
        w=8,
    )
    board.panel(
        "timeseries",
        "Healthy endpoints by service",
        "Endpoints passing the gateway's gRPC health check (alert LmsGatewayNoHealthyUpstream at 0).",
        [
            (
                f'min by (envoy_cluster_name) (envoy_cluster_membership_healthy{{{ns},envoy_cluster_name=~"{clusters}"}})',
                "{{envoy_cluster_name}}",
            )
        ],
        w=8,
    )
    board.panel(
        "timeseries",
        "Open client connections",
        "Connections held by the gateway replicas.",
        [(f"sum(envoy_http_downstream_cx_active{{{rest}}})", "connections")],
        w=8,
    )
    board.row("Events")
    board.panel(
        "timeseries",
        "Oldest unpublished event by service",
        "Outbox lag (LmsOutboxLagging above 60 s, LmsOutboxStalled above 600 s).",
        [(f"max by (service) (lms_outbox_oldest_pending_age_seconds{{{ns}}})", "{{service}}")],
        unit="s",
        w=8,
    )
    board.panel(
        "timeseries",
        "Consumer lag by durable",
        "Undelivered messages per durable consumer.",
        [(f"max by (service, durable) (lms_consumer_pending_messages{{{ns}}})", "{{service}}/{{durable}}")],
        w=8,
    )
    board.panel(
        "timeseries",
        "Dead letters",
        "Events dead-lettered per durable.",
        [
            (
                f"sum by (service, durable) (increase(lms_consumer_dead_letters_total{{{ns}}}[{RATE}]))",
                "{{service}}/{{durable}}",
            )
        ],
        w=8,
    )
    board.panel(
        "timeseries",
        "Domain events per minute",
        "Business activity across the platform, by event type (enrolments, payments, sign-ups, ...).",
        [(f"sum by (event_type) (rate(lms_events_published_total{{{ns}}}[{RATE}])) * 60", "{{event_type}}")],
        w=24,
    )
    board.row("Pods")
    board.panel(
        "timeseries",
        "Unavailable replicas by deployment",
        "Wanted minus available replicas.",
        [
            (
                f'kube_deployment_spec_replicas{{{ns},deployment=~"lms-.+"}} - kube_deployment_status_replicas_available{{{ns},deployment=~"lms-.+"}}',
                "{{deployment}}",
            )
        ],
        w=12,
    )
    board.panel(
        "timeseries",
        "Container restarts (1h)",
        "Restarts per pod over the last hour.",
        [
            (
                f'sum by (pod) (increase(kube_pod_container_status_restarts_total{{{ns},pod=~"lms-.+"}}[1h]))',
                "{{pod}}",
            )
        ],
        w=12,
    )
    return board.json()


def dashboards(specs: list[gen_envoy.ServiceSpec]) -> dict[str, dict]:
    """File name -> dashboard JSON model."""
    boards = {"lms-mesh.json": mesh_dashboard(specs)}
    for spec in specs:
        boards[f"lms-{spec.name}.json"] = service_dashboard(spec)
    return boards
