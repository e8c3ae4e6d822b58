"""The Prometheus rules the chart ships (helm/lms/files/prometheus/rules.yaml), checked and
unit-tested by promtool (Debian's prometheus package): every alert fires on the input it is
for and stays quiet on healthy input, for every registered service."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import gen_mesh
import gen_monitoring
import pytest
import yaml
from deploy_support import CHART, ROOT, by_kind

RULES = CHART / "files" / "prometheus" / "rules.yaml"
SCRAPE = CHART / "files" / "prometheus" / "scrape-configs.yaml"
NS = gen_mesh.NAMESPACE


@pytest.fixture(scope="module")
def promtool() -> str:
    found = shutil.which("promtool")
    assert found, "promtool is needed: apt-get install -y prometheus"
    return found


def rule_file() -> dict:
    return yaml.safe_load(RULES.read_text())


def alerts() -> dict[str, dict]:
    return {r["alert"]: r for g in rule_file()["groups"] for r in g["rules"] if "alert" in r}


def test_promtool_accepts_the_rules(promtool):
    result = subprocess.run(
        [promtool, "check", "rules", str(RULES)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_accepts_the_scrape_config_with_the_rules(promtool, tmp_path):
    scrape = yaml.safe_load(SCRAPE.read_text())
    for job in scrape["scrape_configs"]:
        # Debian builds Prometheus without Kubernetes service discovery, so its promtool
        # refuses kubernetes_sd_configs; the rest of the job (relabelling) is checked as is.
        assert job.pop("kubernetes_sd_configs")[0]["role"] == "pod"
        job["static_configs"] = [{"targets": ["127.0.0.1:9"]}]
    config = {
        "global": {"scrape_interval": "30s", "evaluation_interval": "30s"},
        "rule_files": [str(RULES)],
        **scrape,
    }
    path = tmp_path / "prometheus.yml"
    path.write_text(yaml.safe_dump(config))
    result = subprocess.run(
        [promtool, "check", "config", str(path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_chart_ships_the_same_rules_as_a_prometheus_rule(rendered):
    rule = by_kind(rendered["default"], "PrometheusRule")["lms"]
    assert rule["spec"] == rule_file()
    config_map = by_kind(rendered["no-istio"], "ConfigMap")["lms-prometheus-rules"]
    assert yaml.safe_load(config_map["data"]["lms-rules.yaml"]) == rule_file()


def test_every_alert_has_a_severity_a_summary_and_a_runbook_section():
    operations = (ROOT / "docs" / "operations.md").read_text()
    anchors = {_anchor(h) for h in re.findall(r"^#+ (.+)$", operations, flags=re.M)}
    for name, rule in alerts().items():
        assert rule["labels"]["severity"] in {"critical", "warning"}, name
        assert rule["annotations"]["summary"] and rule["annotations"]["description"], name
        path, _, anchor = rule["annotations"]["runbook"].partition("#")
        assert path == "docs/operations.md" and anchor in anchors, f"{name}: no section '### {name}'"


def _anchor(heading: str) -> str:
    """GitHub's anchor of a Markdown heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_registered_service_has_its_slo_alerts(specs):
    names = {g["name"]: g for g in rule_file()["groups"]}
    for spec in specs:
        group = names[f"lms-{spec.name}-slo"]
        services = {r["labels"].get("service") for r in group["rules"]}
        assert services == {spec.name}
        assert {r["alert"] for r in group["rules"] if "alert" in r} == {
            "LmsErrorBudgetFastBurn",
            "LmsErrorBudgetSlowBurn",
            "LmsLatencyBudgetFastBurn",
            "LmsLatencyBudgetSlowBurn",
        }


# -- promtool unit tests --------------------------------------------------------------


@dataclass
class Case:
    """Input series, and at `eval_time` the alerts named `alertname` that must be firing
    (each given by the labels of the series it fires for; [] = must not fire)."""

    name: str
    series: dict[str, str]
    eval_time: str
    alertname: str
    firing: list[dict] = field(default_factory=list)


def _rule(alertname: str, service: str | None) -> dict:
    """The alert of that name; the SLO alerts exist once per service."""
    (rule,) = [
        r
        for g in rule_file()["groups"]
        for r in g["rules"]
        if r.get("alert") == alertname and r["labels"].get("service") in (None, service)
    ]
    return rule


def _expected(alertname: str, series_labels: dict) -> dict:
    rule = _rule(alertname, series_labels.get("service"))
    labels = {**series_labels, **rule["labels"]}
    annotations = {k: _expand(v, labels) for k, v in rule["annotations"].items()}
    return {"exp_labels": labels, "exp_annotations": annotations}


def _expand(template: str, labels: dict) -> str:
    return re.sub(r"\{\{ \$labels\.(\w+) \}\}", lambda m: labels.get(m.group(1), ""), template)


def _run(promtool: str, tmp_path: Path, cases: list[Case]) -> None:
    _run_files(promtool, [_test_file(tmp_path, "tests", cases, RULES)])


def _test_file(tmp_path: Path, name: str, cases: list[Case], rules: Path) -> Path:
    """A promtool test file of `cases` against the rule file `rules`."""
    tests = []
    for case in cases:
        tests.append(
            {
                "name": case.name,
                "interval": "1m",
                "input_series": [{"series": s, "values": v} for s, v in case.series.items()],
                "alert_rule_test": [
                    {
                        "eval_time": case.eval_time,
                        "alertname": case.alertname,
                        "exp_alerts": [_expected(case.alertname, labels) for labels in case.firing],
                    }
                ],
            }
        )
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"rule_files": [str(rules)], "evaluation_interval": "1m", "tests": tests}))
    return path


def _run_files(promtool: str, paths: list[Path]) -> None:
    result = subprocess.run(
        [promtool, "test", "rules", *map(str, paths)], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def _own_group_rules(tmp_path: Path, service: str) -> Path:
    """The shipped rule file cut to `service`'s SLO group: promtool evaluates every rule of
    its rule files at each step, so a service's cases against the whole file would make
    the test grow with the square of the number of services."""
    (group,) = [g for g in rule_file()["groups"] if g["name"] == f"lms-{service}-slo"]
    path = tmp_path / f"rules-{service}.yaml"
    path.write_text(yaml.safe_dump({"groups": [group]}))
    return path


def _calls(service: str, code: str, per_minute: int, *, rpc_type: str = "unary") -> tuple[str, str]:
    labels = (
        f'namespace="{NS}",grpc_service="lms.{service}.v1.{service.title()}Service",'
        f'grpc_method="Get",grpc_type="{rpc_type}"'
    )
    return f'grpc_server_handled_total{{{labels},grpc_code="{code}"}}', f"0+{per_minute}x300"


def _latency(service: str, fast: int, total: int, *, rpc_type: str = "unary") -> dict[str, str]:
    spec_slo = gen_monitoring.Slo()
    le = gen_monitoring.bucket_label(spec_slo.latency_threshold_s)
    labels = f'namespace="{NS}",grpc_service="lms.{service}.v1.{service.title()}Service",grpc_method="Get",grpc_type="{rpc_type}"'
    return {
        f'grpc_server_handling_seconds_bucket{{{labels},le="{le}"}}': f"0+{fast}x300",
        f'grpc_server_handling_seconds_bucket{{{labels},le="+Inf"}}': f"0+{total}x300",
        f"grpc_server_handling_seconds_count{{{labels}}}": f"0+{total}x300",
    }


def _slo_alert(service: str) -> dict:
    return {"namespace": NS, "service": service}


def test_slo_burn_rate_alerts_fire_on_burning_budgets_only(promtool, tmp_path, specs):
    files = []
    for spec in specs:
        s = spec.name
        cases = []
        assert gen_monitoring.slo_of(spec) == gen_monitoring.Slo(), "the cases below assume the default SLO"
        burning = dict([_calls(s, "OK", 900), _calls(s, "INTERNAL", 100)])  # 10 %: 100x the budget
        simmering = dict([_calls(s, "OK", 995), _calls(s, "UNAVAILABLE", 5)])  # 0.5 %: 5x
        healthy = dict([_calls(s, "OK", 9995), _calls(s, "DEADLINE_EXCEEDED", 5)])  # 0.05 %
        refused = dict(
            [_calls(s, "OK", 500), _calls(s, "NOT_FOUND", 300), _calls(s, "PERMISSION_DENIED", 200)]
        )
        cases += [
            Case(f"{s}: 10% errors page", burning, "30m", "LmsErrorBudgetFastBurn", [_slo_alert(s)]),
            Case(f"{s}: 0.5% errors do not page", simmering, "3h", "LmsErrorBudgetFastBurn"),
            Case(
                f"{s}: 0.5% errors open a ticket", simmering, "3h", "LmsErrorBudgetSlowBurn", [_slo_alert(s)]
            ),
            Case(f"{s}: 0.05% errors are within budget", healthy, "4h", "LmsErrorBudgetSlowBurn"),
            Case(f"{s}: 0.05% errors do not page", healthy, "4h", "LmsErrorBudgetFastBurn"),
            Case(f"{s}: callers' mistakes are not errors", refused, "1h", "LmsErrorBudgetFastBurn"),
            Case(
                f"{s}: 30% slow unary RPCs page",
                _latency(s, 700, 1000),
                "30m",
                "LmsLatencyBudgetFastBurn",
                [_slo_alert(s)],
            ),
            Case(
                f"{s}: 2% slow RPCs open a ticket",
                _latency(s, 980, 1000),
                "3h",
                "LmsLatencyBudgetSlowBurn",
                [_slo_alert(s)],
            ),
            Case(f"{s}: 2% slow RPCs do not page", _latency(s, 980, 1000), "3h", "LmsLatencyBudgetFastBurn"),
            Case(
                f"{s}: slow streams do not spend the latency budget",
                {**_latency(s, 1000, 1000), **_latency(s, 0, 100, rpc_type="server_stream")},
                "1h",
                "LmsLatencyBudgetFastBurn",
            ),
        ]
        if spec is not specs[0]:
            # Every group is the same template with the service's name and SLO: the whole
            # matrix runs for one service, and each other one proves its selectors with
            # the cases that must page and the one that must not count callers' mistakes.
            cases = [c for c in cases if c.firing or "mistakes" in c.name]
        files.append(_test_file(tmp_path, f"tests-{s}", cases, _own_group_rules(tmp_path, s)))
    _run_files(promtool, files)


def test_platform_alerts_fire_on_their_symptom_and_not_otherwise(promtool, tmp_path, specs):
    svc = specs[0].name
    dep = {"namespace": NS, "deployment": f"lms-{svc}"}
    pod = {"namespace": NS, "pod": f"lms-{svc}-7d9f-abcde"}
    hpa = {"namespace": NS, "horizontalpodautoscaler": f"lms-{svc}"}
    durable = {"namespace": NS, "service": svc, "durable": f"{svc}-projector"}

    def s(name: str, labels: dict) -> str:
        return name + "{" + ",".join(f'{k}="{v}"' for k, v in labels.items()) + "}"

    rest = {"namespace": NS, "envoy_http_conn_manager_prefix": "rest"}
    cases = [
        Case(
            "no replica available",
            {
                s("kube_deployment_status_replicas_available", dep): "0x20",
                s("kube_deployment_spec_replicas", dep): "2x20",
            },
            "5m",
            "LmsServiceDown",
            [dep],
        ),
        Case(
            "one of two available is not down",
            {
                s("kube_deployment_status_replicas_available", dep): "1x20",
                s("kube_deployment_spec_replicas", dep): "2x20",
            },
            "10m",
            "LmsServiceDown",
        ),
        Case(
            "one of two available for long",
            {
                s("kube_deployment_status_replicas_available", dep): "1x30",
                s("kube_deployment_spec_replicas", dep): "2x30",
            },
            "20m",
            "LmsReplicasUnavailable",
            [dep],
        ),
        Case(
            "a pod not ready for 15 minutes",
            {s("kube_pod_status_ready", {**pod, "condition": "false"}): "1x20"},
            "15m",
            "LmsPodNotReady",
            [pod],
        ),
        Case(
            "a pod not ready for 5 minutes is a rollout",
            {s("kube_pod_status_ready", {**pod, "condition": "false"}): "1x5 0x15"},
            "15m",
            "LmsPodNotReady",
        ),
        Case(
            "restarting every minute",
            {s("kube_pod_container_status_restarts_total", {**pod, "container": svc}): "0+1x30"},
            "20m",
            "LmsPodCrashLooping",
            [{**pod, "container": svc}],
        ),
        Case(
            "autoscaler at its ceiling",
            {
                s("kube_horizontalpodautoscaler_status_current_replicas", hpa): "10x40",
                s("kube_horizontalpodautoscaler_spec_max_replicas", hpa): "10x40",
            },
            "35m",
            "LmsHpaAtMaximum",
            [hpa],
        ),
        Case(
            "autoscaler with headroom",
            {
                s("kube_horizontalpodautoscaler_status_current_replicas", hpa): "9x40",
                s("kube_horizontalpodautoscaler_spec_max_replicas", hpa): "10x40",
            },
            "35m",
            "LmsHpaAtMaximum",
        ),
        Case(
            "a failed migration job",
            {s("kube_job_status_failed", {"namespace": NS, "job_name": f"lms-{svc}-migrate-7"}): "0 1x5"},
            "3m",
            "LmsMigrationJobFailed",
            [{"namespace": NS, "job_name": f"lms-{svc}-migrate-7"}],
        ),
        Case(
            "outbox two minutes behind",
            {
                s(
                    "lms_outbox_oldest_pending_age_seconds", {"namespace": NS, "service": svc, "pod": "p1"}
                ): "120x20"
            },
            "10m",
            "LmsOutboxLagging",
            [{"namespace": NS, "service": svc}],
        ),
        Case(
            "outbox keeping up",
            {
                s(
                    "lms_outbox_oldest_pending_age_seconds", {"namespace": NS, "service": svc, "pod": "p1"}
                ): "2x20"
            },
            "10m",
            "LmsOutboxLagging",
        ),
        Case(
            "outbox stalled",
            {
                s(
                    "lms_outbox_oldest_pending_age_seconds", {"namespace": NS, "service": svc, "pod": "p1"}
                ): "700x20"
            },
            "10m",
            "LmsOutboxStalled",
            [{"namespace": NS, "service": svc}],
        ),
        Case(
            "consumer far behind",
            {s("lms_consumer_pending_messages", {**durable, "stream": "LMS_COURSE", "pod": "p1"}): "5000x30"},
            "20m",
            "LmsConsumerLagging",
            [durable],
        ),
        Case(
            "consumer with a small backlog",
            {s("lms_consumer_pending_messages", {**durable, "stream": "LMS_COURSE", "pod": "p1"}): "50x30"},
            "20m",
            "LmsConsumerLagging",
        ),
        Case(
            "one event dead-lettered",
            {
                s(
                    "lms_consumer_dead_letters_total", {**durable, "event_type": "lms.x.v1.Y", "pod": "p1"}
                ): "0x5 1x10"
            },
            "8m",
            "LmsDeadLetters",
            [durable],
        ),
        Case(
            "no dead letter",
            {
                s(
                    "lms_consumer_dead_letters_total", {**durable, "event_type": "lms.x.v1.Y", "pod": "p1"}
                ): "3x30"
            },
            "25m",
            "LmsDeadLetters",
        ),
        Case(
            "10% 5xx at the gateway",
            {
                s("envoy_http_downstream_rq_total", rest): "0+100x30",
                s("envoy_http_downstream_rq_xx", {**rest, "envoy_response_code_class": "5"}): "0+10x30",
                s("envoy_http_downstream_rq_xx", {**rest, "envoy_response_code_class": "2"}): "0+90x30",
            },
            "15m",
            "LmsGatewayHigh5xxRate",
            [{"namespace": NS}],
        ),
        Case(
            "1% 5xx at the gateway",
            {
                s("envoy_http_downstream_rq_total", rest): "0+100x30",
                s("envoy_http_downstream_rq_xx", {**rest, "envoy_response_code_class": "5"}): "0+1x30",
            },
            "15m",
            "LmsGatewayHigh5xxRate",
        ),
        Case(
            "the gateway sees no healthy endpoint",
            {
                s(
                    "envoy_cluster_membership_healthy",
                    {"namespace": NS, "envoy_cluster_name": svc, "pod": "g1"},
                ): "0x10"
            },
            "5m",
            "LmsGatewayNoHealthyUpstream",
            [{"namespace": NS, "envoy_cluster_name": svc}],
        ),
        Case(
            "one gateway replica still sees a healthy endpoint",
            {
                s(
                    "envoy_cluster_membership_healthy",
                    {"namespace": NS, "envoy_cluster_name": svc, "pod": "g1"},
                ): "0x10",
                s(
                    "envoy_cluster_membership_healthy",
                    {"namespace": NS, "envoy_cluster_name": svc, "pod": "g2"},
                ): "0x10",
                s(
                    "envoy_cluster_membership_healthy",
                    {"namespace": NS, "envoy_cluster_name": "unrouted", "pod": "g1"},
                ): "0x10",
            },
            "5m",
            "LmsGatewayNoHealthyUpstream",
            [{"namespace": NS, "envoy_cluster_name": svc}],
        ),
    ]
    tested = {case.alertname for case in cases}
    platform = {r["alert"] for g in rule_file()["groups"] if g["name"] == "lms-platform" for r in g["rules"]}
    assert platform == tested, f"alerts without a test: {platform - tested}"
    _run(promtool, tmp_path, cases)
