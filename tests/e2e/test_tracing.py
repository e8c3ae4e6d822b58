"""Traces leave the mesh: with LMS_OTLP_ENDPOINT set, Envoy and every service export their
spans over OTLP/gRPC (here to lms_devkit's collector stand-in, in Jaeger's place), and one
request is one trace: the caller's `traceparent` -> Envoy's span -> the service's SERVER span
-> its CLIENT span -> the callee's SERVER span, and an event's consumer span."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx
import pytest

from lms_devkit.standins.otlp import ReceivedSpan, SpanCollector

from .test_course_through_gateway import log_in, sign_up

if TYPE_CHECKING:
    from conftest import RunningMesh

pytestmark = pytest.mark.e2e

SERVER, CLIENT, CONSUMER = 2, 3, 5  # opentelemetry.proto.trace.v1.Span.SpanKind
EXPORT_TIMEOUT_S = 30.0  # Envoy sends its spans every 5 s


@pytest.fixture(scope="module")
def collector() -> Iterator[SpanCollector]:
    running = SpanCollector.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def mesh(start_mesh, tmp_path_factory, collector) -> Iterator[RunningMesh]:
    services = ("user", "notification", "course", "payment")
    running = start_mesh(
        tmp_path_factory.mktemp("traced-mesh") / "data",
        *[arg for name in services for arg in ("--only", name)],
        env={"LMS_OTLP_ENDPOINT": collector.endpoint, "OTEL_BSP_SCHEDULE_DELAY": "200"},
    )
    yield running
    running.terminate()


@pytest.fixture(scope="module")
def rest(mesh) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mesh.rest, timeout=10.0, trust_env=False) as client:
        yield client


def in_trace(spans: list[ReceivedSpan], trace_id: str) -> list[ReceivedSpan]:
    return [s for s in spans if s.trace_id == trace_id]


def one(spans: list[ReceivedSpan], **fields) -> ReceivedSpan:
    found = [s for s in spans if all(getattr(s, k) == v for k, v in fields.items())]
    assert len(found) == 1, (fields, found)
    return found[0]


def test_a_request_is_one_trace_from_the_callers_traceparent_to_the_event_consumer(
    rest: httpx.Client, collector: SpanCollector
) -> None:
    trace_id, caller_span = secrets.token_hex(16), secrets.token_hex(8)
    email = f"trace-{uuid.uuid4().hex[:8]}@example.com"
    registered = rest.post(
        "/v1/users:register",
        json={"email": email, "password": "correct horse battery staple", "displayName": "Trace"},
        headers={"traceparent": f"00-{trace_id}-{caller_span}-01"},
    )
    assert registered.status_code == 200, registered.text

    def complete(spans: list[ReceivedSpan]) -> bool:
        mine = in_trace(spans, trace_id)
        return {"lms-gateway", "lms-user", "lms-notification"} <= {s.service for s in mine}

    spans = in_trace(collector.wait_for(complete, EXPORT_TIMEOUT_S), trace_id)
    gateway = one(spans, service="lms-gateway", parent_span_id=caller_span)
    register = one(spans, service="lms-user", name="lms.user.v1.UserService/Register")
    assert (register.kind, register.parent_span_id) == (SERVER, gateway.span_id)
    consumed = [s for s in spans if s.service == "lms-notification" and s.kind == CONSUMER]
    assert any(s.name == "lms.user.v1.UserRegistered process" for s in consumed), consumed
    by_id = {s.span_id: s for s in spans}
    for span in consumed:  # each consumer span hangs, through its parents, under Register
        parents = []
        while span.parent_span_id in by_id:
            span = by_id[span.parent_span_id]
            parents.append(span.span_id)
        assert register.span_id in parents


def test_a_call_to_another_service_is_a_client_span_between_two_server_spans(
    mesh: RunningMesh, rest: httpx.Client, collector: SpanCollector
) -> None:
    _, email = sign_up(rest, "buyer", verify_in=mesh)
    bearer = log_in(rest, email)
    trace_id = secrets.token_hex(16)
    ordered = rest.post(
        "/v1/orders",
        json={"course": f"courses/{uuid.uuid4()}", "requestId": uuid.uuid4().hex},
        headers={**bearer, "traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"},
    )
    assert ordered.status_code == 404, ordered.text  # the course service says it does not exist

    def complete(spans: list[ReceivedSpan]) -> bool:
        kinds = {(s.service, s.kind) for s in in_trace(spans, trace_id)}
        return {("lms-payment", SERVER), ("lms-payment", CLIENT), ("lms-course", SERVER)} <= kinds

    spans = in_trace(collector.wait_for(complete, EXPORT_TIMEOUT_S), trace_id)
    order = one(spans, service="lms-payment", kind=SERVER)
    get_course = "lms.course.v1.CourseService/GetCourse"
    call = one(spans, service="lms-payment", kind=CLIENT, name=get_course)
    served = one(spans, service="lms-course", kind=SERVER, name=get_course)
    assert call.parent_span_id == order.span_id and served.parent_span_id == call.span_id
    assert call.attributes["rpc.grpc.status_code"] == "5"  # NOT_FOUND, as the callee answered
