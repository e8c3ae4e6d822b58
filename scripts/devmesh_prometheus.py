"""The dev runner's Prometheus (`scripts/up --prometheus`): a real Prometheus (Debian's
`prometheus` package) scraping every service's /metrics and Envoy's /stats/prometheus on
loopback, with the chart's own alerting and recording rules (scripts/gen_monitoring.py),
so an alert can be seen firing on a laptop exactly as it would in the cluster.

Targets carry the labels the cluster's scrape config gives (`namespace="lms"`, `pod`,
`app`), which is what the rules select on. Intervals are short: it is for watching.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import gen_monitoring
import yaml
from gen_envoy import ServiceSpec

SCRAPE_INTERVAL = "2s"
NAMESPACE = "lms"


def _target(name: str, port: int) -> dict:
    return {
        "targets": [f"127.0.0.1:{port}"],
        "labels": {"namespace": NAMESPACE, "pod": f"lms-{name}-dev", "app": f"lms-{name}"},
    }


def config(metrics_ports: Mapping[str, int], envoy_admin_port: int, rules_file: Path) -> dict:
    return {
        "global": {"scrape_interval": SCRAPE_INTERVAL, "evaluation_interval": SCRAPE_INTERVAL},
        "rule_files": [str(rules_file)],
        "scrape_configs": [
            {
                "job_name": "lms-services",
                # The kit's event metrics carry `service` themselves; keep theirs.
                "honor_labels": True,
                "static_configs": [_target(name, port) for name, port in sorted(metrics_ports.items())],
            },
            {
                "job_name": "lms-gateway",
                "metrics_path": "/stats/prometheus",
                "static_configs": [_target("gateway", envoy_admin_port)],
            },
        ],
    }


def write(
    directory: Path, specs: list[ServiceSpec], metrics_ports: Mapping[str, int], envoy_admin_port: int
) -> Path:
    """Write the rules and the config under `directory`; returns the config's path."""
    directory.mkdir(parents=True, exist_ok=True)
    rules_file = directory / "rules.yaml"
    rules_file.write_text(yaml.safe_dump(gen_monitoring.rules(specs), sort_keys=False))
    config_file = directory / "prometheus.yml"
    config_file.write_text(
        yaml.safe_dump(config(metrics_ports, envoy_admin_port, rules_file), sort_keys=False)
    )
    return config_file


def argv(binary: str, config_file: Path, port: int) -> list[str]:
    return [
        binary,
        f"--config.file={config_file}",
        f"--storage.tsdb.path={config_file.parent / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--log.level=warn",
    ]
