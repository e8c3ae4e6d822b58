"""The Grafana dashboards the chart ships (helm/lms/files/dashboards/): valid Grafana models,
laid out on the grid, every query parsed by a PromQL parser and by Prometheus' own (promtool),
naming only metrics and labels that exist or that the catalogue declares."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import gen_monitoring
import pytest
import yaml
from deploy_support import CHART, GRAFANA_VARIABLES, by_kind, substitute, unknown_references

BOARDS = CHART / "files" / "dashboards"
BUILTIN = {"__rate_interval", "__interval", "__range", "datasource"}


def boards() -> dict[str, dict]:
    return {p.name: json.loads(p.read_text()) for p in sorted(BOARDS.glob("*.json"))}


def panels(board: dict):
    for panel in board["panels"]:
        yield panel
        yield from panel.get("panels", [])


def queries(board: dict):
    for panel in panels(board):
        for target in panel.get("targets", []):
            yield panel, target


def test_one_dashboard_per_registered_service_and_one_for_the_mesh(specs):
    assert set(boards()) == {"lms-mesh.json", *(f"lms-{s.name}.json" for s in specs)}
    uids = [b["uid"] for b in boards().values()]
    assert len(uids) == len(set(uids))


@pytest.mark.parametrize("name", sorted(boards()))
def test_dashboard_is_a_grafana_model_it_reads_back_unchanged(name):
    from grafana_foundation_sdk.cog.encoder import JSONEncoder
    from grafana_foundation_sdk.models.dashboard import Dashboard

    board = boards()[name]
    back = json.loads(json.dumps(Dashboard.from_json(board), cls=JSONEncoder))
    assert back == board  # a key Grafana's schema does not know would be dropped


@pytest.mark.parametrize("name", sorted(boards()))
def test_panels_are_numbered_and_laid_out_on_the_grid(name):
    board = boards()[name]
    ids = [p["id"] for p in panels(board)]
    assert len(ids) == len(set(ids)) and min(ids) > 0
    cells = set()
    for panel in panels(board):
        pos = panel["gridPos"]
        assert pos["x"] >= 0 and pos["w"] > 0 and pos["x"] + pos["w"] <= 24, panel["title"]
        for x in range(pos["x"], pos["x"] + pos["w"]):
            for y in range(pos["y"], pos["y"] + pos["h"]):
                assert (x, y) not in cells, f"{panel['title']} overlaps another panel"
                cells.add((x, y))
        if panel["type"] != "row":
            assert panel["title"] and panel.get("description"), panel["id"]
            assert panel["datasource"] == {"type": "prometheus", "uid": "${datasource}"}


@pytest.mark.parametrize("name", sorted(boards()))
def test_every_query_uses_only_defined_variables(name):
    board = boards()[name]
    defined = {v["name"] for v in board["templating"]["list"]} | BUILTIN
    for variable in board["templating"]["list"]:
        if variable["type"] == "query":
            for used in re.findall(r"\$\{?(\w+)", variable["query"]):
                assert used in defined
    for panel, target in queries(board):
        assert target["refId"], panel["title"]
        for used in re.findall(r"\$\{?(\w+)", target["expr"]):
            assert used in defined, f"{panel['title']}: ${used}"
            assert f"${used}" in GRAFANA_VARIABLES or used == "datasource"


@pytest.mark.parametrize("name", sorted(boards()))
def test_every_query_parses_and_names_only_declared_metrics(name):
    for panel, target in queries(boards()[name]):
        problems = unknown_references(substitute(target["expr"]))
        assert not problems, f"{panel['title']}: {problems}"
    for variable in boards()[name]["templating"]["list"]:
        if variable["type"] == "query":
            inner = re.fullmatch(r"label_values\((.+), \w+\)", variable["query"]).group(1)
            assert not unknown_references(inner), variable["name"]


def test_prometheus_itself_parses_every_panel_query(tmp_path):
    promtool = shutil.which("promtool")
    assert promtool, "promtool is needed: apt-get install -y prometheus"
    rules = []
    for name, board in boards().items():
        for i, (_, target) in enumerate(queries(board)):
            rules.append(
                {
                    "record": f"panel:{name.removesuffix('.json').replace('-', '_')}:{i}",
                    "expr": substitute(target["expr"]),
                }
            )
    path = tmp_path / "panels.yaml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "panels", "rules": rules}]}))
    result = subprocess.run(
        [promtool, "check", "rules", str(path)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(rules)} rules found" in result.stdout


def test_every_rule_names_only_declared_metrics():
    rules = yaml.safe_load((CHART / "files" / "prometheus" / "rules.yaml").read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            assert not unknown_references(rule["expr"]), rule.get("alert") or rule.get("record")


def test_service_dashboards_show_red_per_rpc_saturation_events_and_business_counters(specs):
    for spec in specs:
        board = boards()[f"lms-{spec.name}.json"]
        rows = [p["title"] for p in board["panels"] if p["type"] == "row"]
        assert rows == [
            "Requests, errors, duration (per RPC)",
            "SLOs",
            "Saturation",
            "Events (outbox, consumers, dead letters)",
            "Business events",
        ]
        exprs = " ".join(t["expr"] for _, t in queries(board))
        assert "by (grpc_method)" in exprs
        assert gen_monitoring.own_services(spec).replace("\\\\", "\\") in exprs.replace("\\\\", "\\")
        for event in gen_monitoring.domain_events(spec):
            assert f'event_type="{event}"' in exprs, event


def test_the_chart_ships_each_dashboard_for_grafanas_sidecar(rendered):
    maps = by_kind(rendered["default"], "ConfigMap")
    for name, board in boards().items():
        config_map = maps[f"{name.removesuffix('.json')}-dashboard"]
        assert config_map["metadata"]["labels"]["grafana_dashboard"] == "1"
        assert json.loads(config_map["data"][name]) == board
