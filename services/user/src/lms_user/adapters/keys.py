"""Access-token signing keys: kept in the database (private halves encrypted with
Fernet), created on first start, rotated on a schedule, published as a JWKS.

Every process keeps the key ring in memory and a background task re-reads it
every `reload_every` (never on the request path: signing a token inside a unit of
work must not wait on a second database connection), so a rotation made by one
process reaches the others (a new key is published `publish_ahead` before it signs,
which covers that delay and the verifiers' JWKS caches).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import MultiFernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from lms_kit.auth.principal import SERVICE_SUBJECT_PREFIX
from lms_kit.auth.tokens import TokenSigner, new_ed25519_signer, private_key_pem
from lms_kit.db import Database
from lms_kit.domain import Clock, utc_now
from lms_kit.secrets import multi_fernet
from lms_user.adapters.tables import signing_keys
from lms_user.domain.keys import KeySchedule, KeyTimes, key_schedule, rotation_due
from lms_user.domain.model import User
from lms_user.handlers.results import IssuedToken

log = logging.getLogger("lms_user.keys")

_LOCK_KEY = 0x6C6D735F75736572  # "lms_user": one advisory lock for "creating a signing key"


@dataclass(frozen=True)
class StoredKey:
    kid: str
    algorithm: str
    public_jwk: dict[str, Any]
    encrypted_private_key: bytes
    created_at: datetime
    activates_at: datetime

    @property
    def times(self) -> KeyTimes:
        return KeyTimes(self.kid, self.created_at, self.activates_at)


def fernet_from_keys(keys: list[str]) -> MultiFernet:
    """The first key encrypts; all of them decrypt (so the encryption key can rotate too)."""
    try:
        return multi_fernet(keys)
    except ValueError:
        raise ValueError("no signing-key encryption key configured") from None


def link_token_keys(encryption_keys: list[str]) -> list[bytes]:
    """MAC keys of mailed tokens, derived from the at-rest encryption keys (first signs,
    all verify), so no further secret has to be provisioned."""
    return [
        HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"lms.user one-time tokens").derive(
            key.encode("ascii")
        )
        for key in encryption_keys
    ]


class SigningKeyStore:
    def __init__(self, database: Database, fernet: MultiFernet) -> None:
        self._db = database
        self._fernet = fernet

    async def all(self) -> list[StoredKey]:
        async with self._db.session() as session:
            rows = (await session.execute(sa.select(signing_keys))).mappings().all()
        return [_stored(row) for row in rows]

    async def add_if(
        self,
        decide: Callable[[list[StoredKey]], datetime | None],
        *,
        issuer: str,
        audience: str,
        now: datetime,
    ) -> list[StoredKey]:
        """Under a lock, re-read the keys; if `decide(keys)` returns an activation time,
        add a new Ed25519 key that activates then. Returns the keys afterwards."""
        async with self._db.session() as session, session.begin():
            await session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
            rows = (await session.execute(sa.select(signing_keys))).mappings().all()
            keys = [_stored(row) for row in rows]
            activates_at = decide(keys)
            if activates_at is not None:
                signer = new_ed25519_signer(kid=_new_kid(now), issuer=issuer, audience=audience)
                row = {
                    "kid": signer.kid,
                    "algorithm": signer.algorithm,
                    "public_jwk": signer.public_jwk(),
                    "private_key": self._fernet.encrypt(private_key_pem(signer)),
                    "created_at": now,
                    "activates_at": activates_at,
                }
                await session.execute(sa.insert(signing_keys).values(**row))
                keys.append(_stored(row))
                log.info("signing_key_created kid=%s activates_at=%s", signer.kid, activates_at.isoformat())
        return keys

    def signer(self, key: StoredKey, *, issuer: str, audience: str) -> TokenSigner:
        pem = self._fernet.decrypt(key.encrypted_private_key)
        private = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(private, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey):
            raise ValueError(f"signing key {key.kid} is not an Ed25519 or EC key")
        return TokenSigner(private, kid=key.kid, issuer=issuer, audience=audience)


def _stored(row: Mapping[Any, Any]) -> StoredKey:
    return StoredKey(
        kid=row["kid"],
        algorithm=row["algorithm"],
        public_jwk=dict(row["public_jwk"]),
        encrypted_private_key=bytes(row["private_key"]),
        created_at=row["created_at"],
        activates_at=row["activates_at"],
    )


def _new_kid(now: datetime) -> str:
    return f"{now:%Y%m%d}-{uuid.uuid4().hex[:8]}"


class KeyRing:
    """The signing key now and the published key set, refreshed from the database."""

    def __init__(
        self,
        store: SigningKeyStore,
        *,
        issuer: str,
        audience: str,
        token_lifetime: timedelta,
        rotate_every: timedelta | None,
        publish_ahead: timedelta,
        reload_every: timedelta = timedelta(seconds=60),
        clock: Clock = utc_now,
        jwks_file: str = "",
    ) -> None:
        self._store = store
        self._jwks_file = Path(jwks_file) if jwks_file else None
        self._written: tuple[str, ...] = ()
        self.issuer = issuer
        self.audience = audience
        self._token_lifetime = token_lifetime
        self._rotate_every = rotate_every
        self._publish_ahead = publish_ahead
        self._reload_every = reload_every
        self._clock = clock
        self._lock = asyncio.Lock()
        self._loaded_at: datetime | None = None
        self._keys: dict[str, StoredKey] = {}
        self._signers: dict[str, TokenSigner] = {}
        self._schedule = KeySchedule(None, (), None, False)
        self._refresher: asyncio.Task[None] | None = None

    async def load(self) -> None:
        """Re-read the keys; create the first key, or the next one when rotation is due."""
        async with self._lock:
            now = self._clock()
            keys = await self._store.all()
            schedule = key_schedule([k.times for k in keys], now, self._token_lifetime)
            if schedule.signing_kid is None or rotation_due(schedule, now, self._rotate_every):
                keys = await self._store.add_if(
                    self._decide_new_key, issuer=self.issuer, audience=self.audience, now=now
                )
            self._install(keys, now)

    async def rotate(self, *, activate_in: timedelta | None = None) -> str:
        """Add a key that starts signing after `activate_in` (default: publish_ahead)."""
        now = self._clock()
        delay = self._publish_ahead if activate_in is None else activate_in
        async with self._lock:
            keys = await self._store.add_if(
                lambda _keys: now + delay, issuer=self.issuer, audience=self.audience, now=now
            )
            self._install(keys, now)
        return max(keys, key=lambda k: k.created_at).kid

    async def signer(self) -> TokenSigner:
        await self._refresh_if_stale()
        kid = self._schedule.signing_kid
        if kid is None:
            raise RuntimeError("no signing key")
        signer = self._signers.get(kid)
        if signer is None:
            signer = self._store.signer(self._keys[kid], issuer=self.issuer, audience=self.audience)
            self._signers[kid] = signer
        return signer

    async def jwks(self) -> dict[str, Any]:
        await self._refresh_if_stale()
        return {"keys": [self._keys[kid].public_jwk for kid in self._schedule.published_kids]}

    def _decide_new_key(self, keys: list[StoredKey]) -> datetime | None:
        now = self._clock()
        schedule = key_schedule([k.times for k in keys], now, self._token_lifetime)
        if schedule.signing_kid is None:
            return now  # first start: nothing to publish ahead of
        if rotation_due(schedule, now, self._rotate_every):
            return now + self._publish_ahead
        return None  # another process did it meanwhile

    def _install(self, keys: list[StoredKey], now: datetime) -> None:
        self._keys = {k.kid: k for k in keys}
        self._schedule = key_schedule([k.times for k in keys], now, self._token_lifetime)
        self._signers = {kid: s for kid, s in self._signers.items() if kid in self._keys}
        self._loaded_at = now
        self._write_jwks_file()

    def _write_jwks_file(self) -> None:
        if self._jwks_file is None or self._written == self._schedule.published_kids:
            return
        document = {"keys": [self._keys[kid].public_jwk for kid in self._schedule.published_kids]}
        self._jwks_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._jwks_file.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(document))
        os.replace(temporary, self._jwks_file)  # readers never see a half-written file
        self._written = self._schedule.published_kids

    async def start(self) -> None:
        """Start re-reading the keys every `reload_every` in the background."""
        if self._refresher is None:
            self._refresher = asyncio.create_task(self._refresh_forever(), name="keyring-refresh")

    async def stop(self) -> None:
        if self._refresher is not None:
            self._refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._refresher
            self._refresher = None

    async def _refresh_forever(self) -> None:
        while True:
            await asyncio.sleep(self._reload_every.total_seconds())
            try:
                await self.load()
            except Exception:  # keep signing with the keys we have; try again next round
                log.exception("keyring_reload_failed")

    async def _refresh_if_stale(self) -> None:
        """In memory only: the first load happens at start-up, later ones in the background."""
        if self._loaded_at is None:
            await self.load()
            return
        now = self._clock()
        # A pending key may have become active since the last load.
        if self._schedule.rotation_pending:
            self._schedule = key_schedule([k.times for k in self._keys.values()], now, self._token_lifetime)
            self._write_jwks_file()


class KeyRingTokenIssuer:
    """Signs access tokens (and service tokens) with the key ring's current key."""

    def __init__(
        self, keyring: KeyRing, *, ttl: timedelta, service_ttl: timedelta = timedelta(minutes=5)
    ) -> None:
        self._keyring = keyring
        self._ttl = ttl
        self._service_ttl = service_ttl

    async def issue_service(self, service: str, *, now: datetime) -> IssuedToken:
        signer = await self._keyring.signer()
        ttl_s = int(self._service_ttl.total_seconds())
        token = signer.sign(
            f"{SERVICE_SUBJECT_PREFIX}{service}", ttl_s=ttl_s, extra={"svc": service}, now=now.timestamp()
        )
        return IssuedToken(token, datetime.fromtimestamp(int(now.timestamp()) + ttl_s, tz=now.tzinfo))

    async def issue(self, user: User, *, session_id: str, now: datetime) -> IssuedToken:
        signer = await self._keyring.signer()
        ttl_s = int(self._ttl.total_seconds())
        token = signer.sign(
            user.id,
            roles=sorted(r.value for r in user.roles),
            ttl_s=ttl_s,
            # Other services gate purchases and reviews on it (a refresh after
            # VerifyEmail carries the new value).
            extra={"sid": session_id, "email_verified": user.email_verified},
            now=now.timestamp(),
        )
        return IssuedToken(token, datetime.fromtimestamp(int(now.timestamp()) + ttl_s, tz=now.tzinfo))
