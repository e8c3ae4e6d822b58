"""The Istio policy in istio/ is generated from the contracts and lets in exactly
the callers each RPC's access policy names."""

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import gen_mesh  # noqa: E402


def documents(kind: str) -> dict[str, dict]:
    found = {}
    for path in sorted((ROOT / "istio").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc["kind"] == kind:
                found[doc["metadata"]["name"]] = doc
    return found


def allowed_principals(policy: dict, path: str) -> set[str]:
    sources = set()
    for rule in policy["spec"]["rules"]:
        if any(path in op["operation"]["paths"] for op in rule["to"]):
            for source in rule["from"]:
                sources |= {f"principal:{p}" for p in source["source"].get("principals", [])}
                sources |= {f"namespace:{n}" for n in source["source"].get("namespaces", [])}
    return sources


def test_generated_policy_is_fresh():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/gen_mesh.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_service_has_identity_policy_routes_and_limits():
    services = [spec.name for spec in gen_mesh.gen_envoy.discover_services()]
    assert services
    for kind in ("ServiceAccount", "AuthorizationPolicy", "VirtualService", "DestinationRule"):
        assert {gen_mesh.account(s) for s in services} <= set(documents(kind)), kind
    assert documents("PeerAuthentication")["default"]["spec"]["mtls"]["mode"] == "STRICT"


def test_internal_rpcs_admit_only_the_services_their_contract_names():
    policies = documents("AuthorizationPolicy")
    checked = 0
    for name, methods in gen_mesh.load_methods().items():
        policy = policies.get(gen_mesh.account(name))
        if policy is None:  # a contract whose service is not deployed yet
            continue
        for method in methods:
            allowed = allowed_principals(policy, method.path)
            if method.client_facing:
                assert f"principal:{gen_mesh.principal(gen_mesh.GATEWAY_ACCOUNT)}" in allowed
            elif method.open_to_mesh:
                assert allowed == {f"namespace:{gen_mesh.NAMESPACE}"}, method.path
            else:
                expected = {f"principal:{gen_mesh.principal(gen_mesh.account(c))}" for c in method.callers}
                assert allowed == expected, method.path
                checked += 1
    assert checked, "no internal RPC was checked"


def test_only_idempotent_unary_rpcs_are_retried():
    for name, methods in gen_mesh.load_methods().items():
        service = documents("VirtualService").get(gen_mesh.account(name))
        if service is None:
            continue
        retried = {
            match["uri"]["exact"]
            for route in service["spec"]["http"]
            if route.get("retries", {}).get("attempts", 0) > 0
            for match in route.get("match", [])
        }
        assert retried == {m.path for m in methods if m.idempotent and not m.streaming}
        default = service["spec"]["http"][-1]
        assert "match" not in default and default["retries"]["attempts"] == 0
