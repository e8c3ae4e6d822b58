"""Page tokens: round trip, bound to the request's parameters, tamper refused."""

import pytest

from lms.testing.v1 import probe_pb2 as p
from lms_kit.errors import Invalid
from lms_kit.paging import decode_page_token, encode_page_token, fingerprint, page_size


def test_page_size_defaults_caps_and_refuses_negative():
    assert page_size(0, default=20, maximum=100) == 20
    assert page_size(500, default=20, maximum=100) == 100
    assert page_size(7) == 7
    with pytest.raises(Invalid) as caught:
        page_size(-1)
    assert caught.value.violations[0].field == "page_size"


def test_token_round_trips_for_the_same_request():
    request = p.EchoRequest(text="filter")
    token = encode_page_token(["2026-01-01T00:00:00Z", "c-9"], fingerprint(request))
    assert decode_page_token(token, fingerprint(request)) == ("2026-01-01T00:00:00Z", "c-9")
    assert decode_page_token("", fingerprint(request)) is None


def test_token_from_another_filter_is_refused():
    token = encode_page_token(["k"], fingerprint(p.EchoRequest(text="a")))
    with pytest.raises(Invalid) as caught:
        decode_page_token(token, fingerprint(p.EchoRequest(text="b")))
    assert caught.value.reason == "PAGE_TOKEN_INVALID"


@pytest.mark.parametrize("garbage", ["%%%", "AAAA", "bm90LWEtY3Vyc29y"])
def test_garbage_token_is_refused(garbage):
    with pytest.raises(Invalid):
        decode_page_token(garbage, fingerprint(p.EchoRequest()))
