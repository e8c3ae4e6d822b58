"""A real Prometheus (Debian's package) scraping the dev mesh (`--prometheus`): every service
and the gateway are up targets, RPC metrics arrive, and the chart's own alert rules fire on a
real condition: an undecodable event dead-lettered by the notification service's consumer
raises LmsDeadLetters with the consumer's labels."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx
import nats
import pytest

from lms_kit.events.envelope import EVENT_ID, EVENT_TYPE, MSG_ID

if TYPE_CHECKING:
    from conftest import RunningMesh

pytestmark = pytest.mark.e2e

SERVICES = ("user", "notification")
DURABLE = "notification-user-events"
WAIT_S = 60.0


@pytest.fixture(scope="module")
def mesh(start_mesh, tmp_path_factory) -> Iterator[RunningMesh]:
    running = start_mesh(
        tmp_path_factory.mktemp("prometheus-mesh") / "data",
        "--prometheus",
        *[arg for name in SERVICES for arg in ("--only", name)],
    )
    yield running
    running.terminate()


@pytest.fixture(scope="module")
def prometheus(mesh) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mesh.state()["prometheus"], timeout=10.0, trust_env=False) as client:
        yield client


def query(prometheus: httpx.Client, promql: str) -> list[dict]:
    answer = prometheus.get("/api/v1/query", params={"query": promql})
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]["result"]


def eventually(check, what: str):
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"{what} within {WAIT_S:.0f} s")


def test_every_service_and_the_gateway_is_an_up_target_with_its_rpc_metrics(
    mesh: RunningMesh, prometheus: httpx.Client
) -> None:
    def all_up() -> list[dict]:
        series = query(prometheus, 'up{namespace="lms"} == 1')
        return series if len(series) == len(SERVICES) + 1 else []

    up = eventually(all_up, "every target up")
    assert {s["metric"]["app"] for s in up} == {f"lms-{name}" for name in (*SERVICES, "gateway")}

    with httpx.Client(base_url=mesh.rest, timeout=10.0, trust_env=False) as rest:
        assert rest.post(
            "/v1/auth:login", json={"email": "nobody@example.com", "password": "x" * 12}
        ).status_code
    handled = eventually(
        lambda: query(prometheus, 'grpc_server_handled_total{app="lms-user",grpc_method="Login"}'),
        "the user service's Login counted",
    )
    assert handled[0]["metric"]["namespace"] == "lms"
    gateway = query(prometheus, 'envoy_http_downstream_rq_total{envoy_http_conn_manager_prefix="rest"}')
    assert gateway and float(gateway[0]["value"][1]) >= 1


async def publish_undecodable_user_event(nats_url: str) -> None:
    client = await nats.connect(nats_url)
    try:
        event_id = uuid.uuid4().hex
        await client.jetstream().publish(
            "lms.user.v1.UserRegistered",
            b"\x0a\x05ab",  # a length-delimited field cut short: protobuf refuses it
            headers={EVENT_TYPE: "lms.user.v1.UserRegistered", EVENT_ID: event_id, MSG_ID: event_id},
        )
    finally:
        await client.drain()


def test_a_dead_lettered_event_fires_the_charts_dead_letter_alert(mesh: RunningMesh, prometheus) -> None:
    # The consumer's series exist at zero before anything fails, so the first dead letter counts.
    eventually(
        lambda: query(prometheus, f'lms_consumer_dead_letters_total{{durable="{DURABLE}"}} == 0'),
        "the dead-letter counter scraped at zero",
    )
    asyncio.run(publish_undecodable_user_event(mesh.state()["nats"]))

    def firing() -> list[dict]:
        alerts = prometheus.get("/api/v1/alerts").json()["data"]["alerts"]
        return [a for a in alerts if a["labels"]["alertname"] == "LmsDeadLetters" and a["state"] == "firing"]

    (alert,) = eventually(firing, "LmsDeadLetters firing")
    assert alert["labels"]["durable"] == DURABLE
    assert alert["labels"]["service"] == "notification"
    assert alert["labels"]["severity"] == "warning"
