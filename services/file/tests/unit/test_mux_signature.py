"""The Mux-Signature check: right secret and fresh time pass; anything else is refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lms_file.domain.mux import (
    WebhookPayloadInvalid,
    WebhookSignatureInvalid,
    mux_signature,
    parse_event,
    verify_signature,
)

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
BODY = (
    b'{"type":"video.asset.ready","id":"e1","data":{"id":"a1","duration":61.2,"playback_ids":[{"id":"p1"}]}}'
)


def test_a_fresh_signature_by_any_current_secret_passes():
    header = mux_signature(BODY, "new", int(NOW.timestamp()) - 30)
    verify_signature(BODY, header, ["old", "new"], NOW)


@pytest.mark.parametrize(
    "header",
    [
        mux_signature(BODY, "wrong", int(NOW.timestamp())),
        mux_signature(BODY + b" ", "new", int(NOW.timestamp())).replace("t=", "t=", 1),
        mux_signature(BODY, "new", int(NOW.timestamp()) - 301),
        mux_signature(BODY, "new", int(NOW.timestamp()) + 301),
        "v1=deadbeef",
        "",
    ],
)
def test_a_wrong_stale_or_missing_signature_is_refused(header):
    with pytest.raises(WebhookSignatureInvalid):
        verify_signature(BODY, header, ["new"], NOW)


def test_an_event_is_read_from_the_signed_body_and_garbage_is_refused():
    event = parse_event(BODY)
    assert (event.id, event.type, event.asset_id, event.duration_s, event.playback_id) == (
        "e1",
        "video.asset.ready",
        "a1",
        61.2,
        "p1",
    )
    with pytest.raises(WebhookPayloadInvalid):
        parse_event(b"not json")
