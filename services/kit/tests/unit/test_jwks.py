"""The JWKS key set: several sources merged, a failing source keeps its keys."""

import json

from lms_kit.auth.jwks import JwksKeySet
from lms_kit.auth.tokens import new_ed25519_signer


def write_jwks(path, *signers):
    path.write_text(json.dumps({"keys": [s.public_jwk() for s in signers]}))


async def test_keys_from_every_source_are_merged(tmp_path):
    a = new_ed25519_signer(kid="a", issuer="i", audience="x")
    b = new_ed25519_signer(kid="b", issuer="i", audience="x")
    write_jwks(tmp_path / "a.json", a)
    write_jwks(tmp_path / "b.json", b)
    keys = JwksKeySet(f"{(tmp_path / 'a.json').as_uri()},{(tmp_path / 'b.json').as_uri()}")
    assert await keys.get("a") is not None
    assert await keys.get("b") is not None


async def test_a_source_that_fails_keeps_its_last_good_keys(tmp_path):
    a = new_ed25519_signer(kid="a", issuer="i", audience="x")
    write_jwks(tmp_path / "a.json", a)
    keys = JwksKeySet((tmp_path / "a.json").as_uri(), min_refresh_interval_s=0)
    assert await keys.get("a") is not None
    (tmp_path / "a.json").write_text("not json")
    await keys.refresh(force=True)
    assert await keys.get("a") is not None


async def test_an_unreachable_http_source_does_not_hide_a_file_source(tmp_path):
    a = new_ed25519_signer(kid="a", issuer="i", audience="x")
    write_jwks(tmp_path / "a.json", a)
    keys = JwksKeySet(f"http://127.0.0.1:9/jwks.json,{(tmp_path / 'a.json').as_uri()}")
    assert await keys.get("a") is not None
    assert await keys.get("unknown") is None
