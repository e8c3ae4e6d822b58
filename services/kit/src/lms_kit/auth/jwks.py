"""A JWKS key set, cached, looked up by `kid`, refreshed on rotation.

Keys come from an http(s):// URL (the user service's /.well-known/jwks.json)
or a file:// URL (dev runner, tests). Verification never waits on the network
for a known key: keys are refreshed in the background of a lookup only when a
token names a `kid` the cache does not know (a rotation) or the cache is older
than `max_age_s`; refreshes are rate-limited so a flood of tokens with made-up
`kid`s cannot hammer the issuer.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx
import jwt

log = logging.getLogger("lms_kit.auth")


class JwksKeySet:
    def __init__(self, url: str, *, max_age_s: float = 300.0, min_refresh_interval_s: float = 5.0) -> None:
        self._url = url
        self._max_age_s = max_age_s
        self._min_refresh_interval_s = min_refresh_interval_s
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = 0.0
        self._last_attempt = 0.0
        self._lock = asyncio.Lock()
        self.version = 0  # bumps whenever the key set changes; verified-token caches key on it

    async def get(self, kid: str) -> jwt.PyJWK | None:
        """The key with this `kid`, refreshing the set if it is unknown or stale."""
        key = self._keys.get(kid)
        stale = time.monotonic() - self._fetched_at > self._max_age_s
        if key is not None and not stale:
            return key
        await self.refresh()
        return self._keys.get(kid)

    async def refresh(self, *, force: bool = False) -> None:
        async with self._lock:
            now = time.monotonic()
            if not force:
                # Only on-demand refreshes (unknown kid, stale cache) are rate-limited.
                if now - self._last_attempt < self._min_refresh_interval_s:
                    return
                self._last_attempt = now
            try:
                document = await self._fetch()
                keys = {}
                for entry in document.get("keys", []):
                    if entry.get("use", "sig") != "sig" or "kid" not in entry:
                        continue
                    keys[entry["kid"]] = jwt.PyJWK(entry)
            except Exception as exc:  # keep serving with the keys we have
                log.warning("jwks_refresh_failed url=%s error=%s", self._url, type(exc).__name__)
                return
            if set(keys) != set(self._keys):
                self.version += 1
            self._keys = keys
            self._fetched_at = now

    async def _fetch(self) -> dict:
        parsed = urlparse(self._url)
        if parsed.scheme == "file":
            return json.loads(await asyncio.to_thread(Path(parsed.path).read_text))
        if parsed.scheme in ("http", "https"):
            async with httpx.AsyncClient(timeout=5.0) as client:
                response = await client.get(self._url)
                response.raise_for_status()
                return response.json()
        raise ValueError(f"unsupported JWKS URL scheme: {parsed.scheme!r}")
