"""What the deploy tests share: paths, the generators on sys.path, the chart rendered by a
real helm for each values profile, the CRD validator. Fixtures are in conftest.py."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"
sys.path.insert(0, str(SCRIPTS))
if not (SCRIPTS / "gen_envoy.py").exists():
    # Staging tree: the generators it builds on live in the repository whose .venv runs us.
    sys.path.insert(1, str(Path(sys.prefix).resolve().parent / "scripts"))

import gen_envoy  # noqa: E402
import helm_bin  # noqa: E402

CHART = ROOT / "helm" / "lms"
NAMESPACE = "lms"
# Values profiles every test of the chart runs against: what a release can look like.
PROFILES: dict[str, list[str]] = {
    "default": [],
    "production": ["-f", str(CHART / "values-production.yaml")],
    "no-istio": ["--set", "istio.enabled=false", "--set", "monitoring.rulesConfigMap=true"],
    "plain": [
        "--set",
        "migrations.enabled=false",
        "--set",
        "serviceTokens.enabled=false",
        "--set",
        "defaults.autoscaling.enabled=false",
        "--set",
        "gateway.plaintextIngress=true",
        "--set",
        "networkPolicy.egress.enabled=true",
    ],
}


@pytest.fixture(scope="session")
def helm() -> str:
    return helm_bin.helm()


def helm_template(
    helm: str, chart: Path, args: list[str], namespace: str = NAMESPACE
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [helm, "template", "lms", str(chart), "--namespace", namespace, *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def documents(text: str) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(text) if doc]


@pytest.fixture(scope="session")
def rendered_text(helm) -> dict[str, str]:
    """Profile -> `helm template` output."""
    out = {}
    for profile, args in PROFILES.items():
        result = helm_template(helm, CHART, args)
        assert result.returncode == 0, f"{profile}: {result.stderr}"
        out[profile] = result.stdout
    return out


@pytest.fixture(scope="session")
def rendered(rendered_text) -> dict[str, list[dict]]:
    return {profile: documents(text) for profile, text in rendered_text.items()}


@pytest.fixture(scope="session")
def specs() -> list[gen_envoy.ServiceSpec]:
    found = gen_envoy.discover_services()
    assert found, "no service in the registry"
    return found


def by_kind(docs: list[dict], kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


TOOLS = ROOT / "tools" / "k8s-schemas"


@pytest.fixture(scope="session")
def crd_validator():
    """Validate custom resources with tools/k8s-schemas (the CRDs' schemas, compiled)."""
    npm = shutil.which("npm")
    assert npm and shutil.which("node"), "node and npm are needed (the TypeScript client needs them too)"
    if not (TOOLS / "node_modules" / "@kubernetes-models" / "istio").exists():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=TOOLS, check=True, timeout=600
        )

    def validate(objects: list[dict]) -> list[dict]:
        result = subprocess.run(
            ["node", str(TOOLS / "validate.mjs")],
            input=json.dumps(objects),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    return validate


# -- PromQL -----------------------------------------------------------------------------

GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$__interval": "1m", "$namespace": NAMESPACE, "$method": ".*"}


def substitute(expr: str) -> str:
    """A panel's PromQL with Grafana's variables filled in, as Grafana would send it."""
    for name, value in sorted(GRAFANA_VARIABLES.items(), key=lambda kv: -len(kv[0])):
        expr = expr.replace(name, value)
    return expr


def selectors(expr: str) -> list[tuple[str, set[str]]]:
    """(metric name, label names matched) of every vector selector in a PromQL expression."""
    import promql_parser

    found: list[tuple[str, set[str]]] = []

    def visit(node, *_):
        if isinstance(node, promql_parser.VectorSelector):
            found.append((node.name, {m.name for m in node.matchers.matchers}))

    promql_parser.walk(promql_parser.parse(expr), visit)
    return found


def recorded_names() -> set[str]:
    rules = yaml.safe_load((CHART / "files" / "prometheus" / "rules.yaml").read_text())
    return {r["record"] for g in rules["groups"] for r in g["rules"] if "record" in r}


def unknown_references(expr: str) -> list[str]:
    """Metrics, or labels of a metric, that the catalogue (or a recording rule) does not declare."""
    import gen_monitoring

    problems = []
    recorded = recorded_names()
    for name, labels in selectors(expr):
        if name in recorded:
            unknown = labels - {"namespace", "service"}
        elif name == "" and not labels - {"__name__"}:
            continue
        else:
            metric = gen_monitoring.metric_for_series(name)
            if metric is None:
                problems.append(f"metric {name!r} is not in gen_monitoring.METRICS")
                continue
            unknown = labels - metric.labels_of(name)
        if unknown:
            problems.append(f"{name}: undeclared labels {sorted(unknown)}")
    return problems


def run_script(name: str, *args: str) -> subprocess.CompletedProcess:
    """A generator's command line, as scripts/check_contracts runs it."""
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(Path(gen_envoy.__file__).parent), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, str(SCRIPTS / name), *args], capture_output=True, text=True, timeout=300, env=env
    )
