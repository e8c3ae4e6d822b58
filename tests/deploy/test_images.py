"""The container images, on paper (no container engine runs here): each service's image
installs its own distribution and exactly its dependency closure, from a pinned base, as a
non-root user; the gateway image carries the contracts where the chart's config looks."""

from __future__ import annotations

import json
import re
import sys

import gen_envoy
import gen_helm
import gen_images
import pytest
from deploy_support import ROOT, by_kind, run_script
from packaging.utils import canonicalize_name

DOCKER = ROOT / "deploy" / "docker"


def instructions(path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments dropped."""
    lines, current = [], ""
    for raw in path.read_text().splitlines():
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        current += " " + stripped.removesuffix("\\").strip()
        if not stripped.endswith("\\"):
            lines.append(current.strip())
            current = ""
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in lines]


def _stages(path) -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for op, args in instructions(path):
        if op == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((op, args))
    return stages


def test_image_inputs_are_fresh():
    assert gen_images.stale() == [], "run scripts/gen_images.py"
    result = run_script("gen_images.py", "--check")
    assert result.returncode == 0 and "deploy/docker is fresh" in result.stdout, result.stdout + result.stderr


def test_service_image_is_multi_stage_from_a_pinned_base_and_runs_as_non_root(rendered):
    path = DOCKER / "service.Dockerfile"
    args = dict(a.split("=", 1) for op, a in instructions(path) if op == "ARG" and "=" in a)
    python = f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}"
    assert args["PYTHON_IMAGE"] == f"python:{python}-slim-bookworm"  # the Python the tests ran on
    stages = _stages(path)
    assert len(stages) == 2
    assert [s[0][1] for s in stages] == ["${PYTHON_IMAGE} AS build", "${PYTHON_IMAGE} AS runtime"]
    runtime = stages[-1]
    users = [a for op, a in runtime if op == "USER"]
    assert users == ["10001:10001"]
    copies = [a for op, a in runtime if op == "COPY"]
    assert copies == ["--from=build /opt/venv /opt/venv"]  # no source, no build tools
    for name, deployment in by_kind(rendered["default"], "Deployment").items():
        if name != "lms-gateway":
            assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsUser"] == 10001


def test_service_image_installs_its_own_distribution_and_exactly_its_lock():
    build = _stages(DOCKER / "service.Dockerfile")[0]
    copies = [a for op, a in build if op == "COPY"]
    assert copies == [
        "deploy/docker/locks/${SERVICE}.txt /src/lock.txt",
        "gen/python /src/gen/python",
        "services/kit /src/services/kit",
        "services/${SERVICE} /src/services/${SERVICE}",
    ]
    installs = [a for op, a in build if op == "RUN" and " install " in a]
    assert len(installs) == 2
    assert "install --no-deps -r /src/lock.txt" in installs[0]
    local = re.search(r"install --no-deps (.+?) &&", installs[1]).group(1).split()
    assert local == ["/src/gen/python", "/src/services/kit", "/src/services/${SERVICE}"]
    assert "pip --python /opt/venv/bin/python check" in installs[1]
    assert all("--python /opt/venv/bin/python" in i for i in installs)
    assert any("venv --without-pip" in a for op, a in build if op == "RUN")


def test_build_context_holds_only_what_the_dockerfile_copies():
    text = (DOCKER / "service.Dockerfile.dockerignore").read_text()
    ignore = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert ignore[0] == "*"
    assert {line for line in ignore if line.startswith("!")} == {
        "!deploy/docker/locks/",
        "!gen/python/",
        "!services/",
    }
    assert "**/tests/" in ignore


@pytest.fixture(scope="module")
def closures(specs):
    return {spec.name: gen_images.closure(gen_images.dist_of(spec)) for spec in specs}


def test_each_lock_is_the_services_dependency_closure_and_nothing_else(specs, closures):
    for spec in specs:
        lock = (DOCKER / "locks" / f"{spec.name}.txt").read_text().splitlines()
        pinned = {
            canonicalize_name(line.split("==")[0]): line.split("==")[1]
            for line in lock
            if not line.startswith("#")
        }
        own = {canonicalize_name(n) for n in (*gen_images.LOCAL, gen_images.dist_of(spec))}
        closure = closures[spec.name]
        assert set(pinned) == set(closure) - own, spec.name
        for name, version in pinned.items():
            assert closure[name].version == version
        assert own <= set(closure)


def test_every_image_is_consistent_as_pip_check_would_see_it(closures):
    for name, closure in closures.items():
        assert gen_images.unsatisfied(closure) == [], name


def test_no_image_holds_another_services_distribution(specs, closures):
    services = {canonicalize_name(gen_images.dist_of(s)) for s in specs}
    for spec in specs:
        others = services - {canonicalize_name(gen_images.dist_of(spec))}
        assert not others & set(closures[spec.name]), spec.name


def test_the_course_image_has_no_torch(closures):
    assert "course" in closures
    heavy = {
        "torch",
        "torchvision",
        "ultralytics",
        "opencv-python-headless",
        "mediapipe",
        "nvidia-cudnn-cu12",
    }
    assert not heavy & set(closures["course"])


def test_lock_versions_follow_the_repositorys_constraints(specs):
    constraints = {}
    for line in (gen_envoy.ROOT / "constraints.txt").read_text().splitlines():
        if "==" in line:
            name, version = line.split("==")
            constraints[canonicalize_name(name)] = version.strip()
    for spec in specs:
        for line in (DOCKER / "locks" / f"{spec.name}.txt").read_text().splitlines():
            if line.startswith("#"):
                continue
            name, version = line.split("==")
            if canonicalize_name(name) in constraints:
                assert constraints[canonicalize_name(name)] == version, f"{spec.name}: {name}"


def test_bake_file_builds_every_registered_service_with_its_module(specs):
    bake = json.loads((DOCKER / "docker-bake.json").read_text())
    targets = bake["target"]
    assert set(targets) == {*(s.name for s in specs), "gateway"}
    for spec in specs:
        assert targets[spec.name]["args"] == {"SERVICE": spec.name, "SERVICE_MODULE": spec.module}
        assert targets[spec.name]["dockerfile"] == "deploy/docker/service.Dockerfile"
        assert targets[spec.name]["tags"] == [f"${{REGISTRY}}/lms-{spec.name}:${{TAG}}"]


def test_gateway_image_is_the_validated_envoy_with_the_contracts_where_the_config_looks(rendered):
    path = DOCKER / "gateway.Dockerfile"
    ops = instructions(path)
    args = dict(a.split("=", 1) for op, a in ops if op == "ARG" and "=" in a)
    assert args["ENVOY_IMAGE"] == f"envoyproxy/envoy-distroless:v{gen_helm._envoy_version()}"
    (copy,) = [a for op, a in ops if op == "COPY"]
    sources, target = copy.split()[:-1], copy.split()[-1]
    assert sources == ["gen/descriptors/lms.binpb", "gen/openapi/lms.openapi.json"]
    assert target.rstrip("/") == gen_helm.CONTRACTS_DIR
    assert [a for op, a in ops if op == "USER"] == ["65532:65532"]
    gateway = by_kind(rendered["default"], "Deployment")["lms-gateway"]["spec"]["template"]["spec"]
    assert gateway["securityContext"]["runAsUser"] == 65532
    ignore = (DOCKER / "gateway.Dockerfile.dockerignore").read_text().split()
    assert ignore == ["*", "!gen/descriptors/lms.binpb", "!gen/openapi/lms.openapi.json"]
