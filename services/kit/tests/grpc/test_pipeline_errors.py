"""Validation and error mapping: field violations, domain errors, unexpected exceptions."""

import logging

import grpc
import pytest
from google.rpc import code_pb2, error_details_pb2

from lms.testing.v1 import probe_pb2 as p
from lms.testing.v1 import probe_pb2_grpc
from lms_kit.errors import Invalid, NotFound, Precondition, PreconditionViolation
from lms_kit.testing.harness import error_reason, field_violations, rich_status, serve_app, settings_for
from lms_kit.testing.probe import ProbeServicer, probe_app


async def call_error(call):
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


async def test_invalid_input_names_every_bad_field(probe):
    widget = p.Widget(title="ab", contact_email="nope", quantity=500, kind=9, tags=["a", "b", "c", "d"])
    error = await call_error(probe.stub.CreateWidget(p.CreateWidgetRequest(widget=widget, request_id="nope")))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_reason(error) == "INVALID_FIELDS"
    assert field_violations(error) == {
        "widget.title": "MIN_LENGTH",
        "widget.contact_email": "EMAIL",
        "widget.quantity": "MAX",
        "widget.kind": "UNDEFINED_ENUM",
        "widget.tags": "MAX_ITEMS",
        "request_id": "UUID",
    }


async def test_rest_callers_get_violations_named_by_json_names(probe):
    """The gateway marks transcoded calls; their violations name fields as the JSON sent."""
    widget = p.Widget(title="ab", contact_email="nope", quantity=1, kind=p.WIDGET_KIND_SMALL)
    request = p.CreateWidgetRequest(widget=widget, request_id="nope")
    error = await call_error(probe.stub.CreateWidget(request, metadata=(("x-lms-client-format", "json"),)))
    assert field_violations(error) == {
        "widget.title": "MIN_LENGTH",
        "widget.contactEmail": "EMAIL",
        "requestId": "UUID",
    }


async def test_missing_message_field_is_required(probe):
    error = await call_error(probe.stub.CreateWidget(p.CreateWidgetRequest()))
    assert field_violations(error) == {"widget": "REQUIRED"}


async def test_valid_input_passes_and_optional_formats_may_be_empty(probe):
    widget = p.Widget(title="abc", quantity=1, kind=p.WIDGET_KIND_SMALL)
    assert (await probe.stub.CreateWidget(p.CreateWidgetRequest(widget=widget))).title == "abc"


async def test_each_streamed_message_is_validated(probe, mint):
    async def numbers():
        yield p.SumRequest(value=1)
        yield p.SumRequest(value=2_000_000)

    error = await call_error(probe.stub.Sum(numbers(), metadata=mint.bearer("u1")))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field_violations(error) == {"value": "MAX"}


async def test_domain_error_carries_reason_domain_and_metadata(probe):
    error = await call_error(probe.stub.Fail(p.FailRequest(mode=p.FAIL_MODE_NOT_FOUND)))
    assert error.code() == grpc.StatusCode.NOT_FOUND
    status = rich_status(error)
    assert status.code == code_pb2.NOT_FOUND and status.message == "widget not found"
    info = error_details_pb2.ErrorInfo()
    assert status.details[0].Unpack(info)
    assert (info.reason, info.domain, dict(info.metadata)) == (
        "WIDGET_NOT_FOUND",
        "testing.lms",
        {"widget": "w1"},
    )


async def test_unexpected_exception_is_internal_without_internals(probe, caplog):
    with caplog.at_level(logging.ERROR, logger="lms_kit.rpc"):
        error = await call_error(probe.stub.Fail(p.FailRequest(mode=p.FAIL_MODE_CRASH)))
    assert error.code() == grpc.StatusCode.INTERNAL
    assert error.details() == "internal error"
    assert "hunter2" not in repr(rich_status(error))
    assert error_reason(error) == "INTERNAL_ERROR"
    # ...but the operator still sees the cause in the log.
    assert any("hunter2" in (r.exc_text or str(r.exc_info)) for r in caplog.records)


class WidgetMissing(NotFound):
    """A domain's own error: a kit category with a fixed reason, no gRPC in sight."""

    def __init__(self, widget: str) -> None:
        super().__init__("WIDGET_MISSING", f"no widget {widget}", metadata={"widget": widget})


class PartsMissing(Precondition):
    def __init__(self) -> None:
        super().__init__(
            "PARTS_MISSING",
            "the widget lacks parts",
            violations=[PreconditionViolation("PART", "parts/p1", "order part p1 first")],
        )


class DomainFailingProbe(ProbeServicer):
    async def Echo(self, request, context):
        if request.text == "parts":
            raise PartsMissing()
        if request.text == "title":
            raise Invalid.field("widget.title", "REQUIRED", "a widget needs a title")
        raise WidgetMissing(request.text)


async def test_domain_categories_map_to_their_status_in_the_services_error_domain(mint):
    app = probe_app(DomainFailingProbe())
    app.error_domain = "widgets.lms"
    async with serve_app(app, settings_for(mint, "testing")) as server:
        stub = probe_pb2_grpc.ProbeServiceStub(server.channel)
        error = await call_error(stub.Echo(p.EchoRequest(text="w7")))
        assert error.code() == grpc.StatusCode.NOT_FOUND
        assert (error.details(), error_reason(error)) == ("no widget w7", "WIDGET_MISSING")
        info = error_details_pb2.ErrorInfo()
        assert rich_status(error).details[0].Unpack(info)
        assert (info.domain, dict(info.metadata)) == ("widgets.lms", {"widget": "w7"})

        unmet = await call_error(stub.Echo(p.EchoRequest(text="parts")))
        assert unmet.code() == grpc.StatusCode.FAILED_PRECONDITION
        failure = error_details_pb2.PreconditionFailure()
        assert rich_status(unmet).details[1].Unpack(failure)
        assert [(v.type, v.subject) for v in failure.violations] == [("PART", "parts/p1")]

        # A platform reason keeps the platform's domain, whoever raises it.
        bad = await call_error(stub.Echo(p.EchoRequest(text="title")))
        assert bad.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert field_violations(bad) == {"widget.title": "REQUIRED"}
        assert rich_status(bad).details[0].Unpack(info) and info.domain == "platform.lms"

        # Anything that is not a domain error stays INTERNAL.
        crash = await call_error(stub.Fail(p.FailRequest(mode=p.FAIL_MODE_CRASH)))
        assert crash.code() == grpc.StatusCode.INTERNAL


async def test_bytes_that_are_not_the_request_are_invalid_argument_without_internals(probe, mint):
    raw = probe.channel.unary_unary("/lms.testing.v1.ProbeService/Echo")  # bytes in, bytes out
    # Field 1 (text), two bytes that are not UTF-8: what Envoy sends for `?text=%ff%fe`.
    error = await call_error(raw(b"\x0a\x02\xff\xfe"))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_reason(error) == "REQUEST_MALFORMED"
    assert "DecodeError" not in error.details() and "class" not in error.details()
    truncated = await call_error(raw(b"\x0a\x05ab"))  # a length that runs past the end
    assert error_reason(truncated) == "REQUEST_MALFORMED"

    async def chunks():
        yield b"\x08\x01"
        yield b"\x08"  # a varint cut short

    sum_raw = probe.channel.stream_unary("/lms.testing.v1.ProbeService/Sum")
    streamed = await call_error(sum_raw(chunks(), metadata=mint.bearer("u1")))
    assert error_reason(streamed) == "REQUEST_MALFORMED"
