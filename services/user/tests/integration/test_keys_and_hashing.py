"""Signing keys in PostgreSQL (encrypted, created once, rotated) and password hashing."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import bcrypt
import jwt
import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken

from lms_kit.db import Database
from lms_user.adapters.keys import KeyRing, SigningKeyStore, fernet_from_keys
from lms_user.adapters.passwords import Argon2Hasher
from lms_user.adapters.tables import signing_keys


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def keyring(database: Database, clock: Clock, key: str) -> KeyRing:
    return KeyRing(
        SigningKeyStore(database, fernet_from_keys([key])),
        issuer="lms.user",
        audience="lms",
        token_lifetime=timedelta(minutes=16),
        rotate_every=timedelta(days=30),
        publish_ahead=timedelta(minutes=10),
        clock=clock,
    )


async def test_first_key_is_created_once_encrypted_and_rotation_keeps_the_old_key_published(fresh_pg_url):
    database = Database(fresh_pg_url)
    clock, secret = Clock(), Fernet.generate_key().decode()
    try:
        a, b = keyring(database, clock, secret), keyring(database, clock, secret)
        await asyncio.gather(a.load(), b.load())  # two processes starting together
        async with database.session() as session:
            rows = (await session.execute(sa.select(signing_keys))).mappings().all()
        assert len(rows) == 1
        assert b"PRIVATE KEY" not in rows[0]["private_key"]
        first = await a.signer()
        assert first.kid == (await b.signer()).kid == rows[0]["kid"]
        token = first.sign("user-1", roles=["student"])

        # 31 days later a rotation is due: the new key is published ahead, the old one still signs.
        clock.now += timedelta(days=31)
        await a.load()
        jwks = await a.jwks()
        assert len(jwks["keys"]) == 2 and (await a.signer()).kid == first.kid
        # After publish-ahead the new key signs; the old key verifies until its tokens expired.
        clock.now += timedelta(minutes=11)
        await b.load()
        assert (await b.signer()).kid != first.kid
        old_jwk = next(k for k in (await b.jwks())["keys"] if k["kid"] == first.kid)
        claims = jwt.decode(token, jwt.PyJWK(old_jwk), algorithms=["EdDSA"], audience="lms",
                            options={"verify_exp": False})  # fmt: skip
        assert claims["sub"] == "user-1"
        clock.now += timedelta(minutes=20)
        await b.load()
        assert [k["kid"] for k in (await b.jwks())["keys"]] == [(await b.signer()).kid]
    finally:
        await database.dispose()


async def test_keys_encrypted_with_another_secret_cannot_be_used(fresh_pg_url):
    database = Database(fresh_pg_url)
    try:
        await keyring(database, Clock(), Fernet.generate_key().decode()).load()
        intruder = keyring(database, Clock(), Fernet.generate_key().decode())
        await intruder.load()
        with pytest.raises(InvalidToken):
            await intruder.signer()
    finally:
        await database.dispose()


@pytest.fixture(scope="module")
def hasher():
    hasher = Argon2Hasher(workers=2)
    yield hasher
    hasher.close()


async def test_argon2id_at_the_owasp_minimum(hasher):
    stored = await hasher.hash("violet rocket tundra 42")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert await hasher.verify(stored, "violet rocket tundra 42")
    assert not await hasher.verify(stored, "violet rocket tundra 43")
    assert not hasher.needs_rehash(stored)
    assert not await hasher.verify("garbage", "x")


async def test_legacy_bcrypt_hashes_verify_and_need_rehashing(hasher):
    legacy = bcrypt.hashpw(b"old password from node", bcrypt.gensalt(rounds=4)).decode()
    assert await hasher.verify(legacy, "old password from node")
    assert not await hasher.verify(legacy, "wrong")
    assert hasher.needs_rehash(legacy)
    # bcryptjs compared only the first 72 bytes; such hashes must still verify.
    long_password = "x" * 80
    truncated = bcrypt.hashpw(long_password.encode()[:72], bcrypt.gensalt(rounds=4)).decode()
    assert await hasher.verify(truncated, long_password)


async def test_hashing_does_not_stall_the_event_loop(hasher):
    lag = 0.0

    async def ticker(stop: asyncio.Event) -> None:
        nonlocal lag
        while not stop.is_set():
            started = time.perf_counter()
            await asyncio.sleep(0.002)
            lag = max(lag, time.perf_counter() - started - 0.002)

    # One hash, timed in this run (the machine may be loaded): the loop's worst stall must
    # stay well below it, which it cannot if a hash ran on the loop's thread.
    started = time.perf_counter()
    await hasher.hash("the baseline password")
    one_hash = time.perf_counter() - started
    stop = asyncio.Event()
    task = asyncio.create_task(ticker(stop))
    await asyncio.gather(*(hasher.hash(f"password number {i}") for i in range(6)))
    stop.set()
    await task
    assert lag < one_hash / 2
