"""A JWKS key set, cached, looked up by `kid`, refreshed on rotation.

Keys come from one or more sources, comma-separated: http(s):// URLs (the user
service's /.well-known/jwks.json) or file:// URLs (dev runner, tests). A source
that fails keeps its last good keys, so one issuer being down never makes the
others' tokens fail. Verification never waits on the network
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
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from urllib.parse import urlparse

import httpx
import jwt

log = logging.getLogger("lms_kit.auth")


class JwksKeySet:
    def __init__(
        self,
        url: str,
        *,
        local_sources: Sequence[Callable[[], Awaitable[dict]]] = (),
        max_age_s: float = 300.0,
        min_refresh_interval_s: float = 5.0,
    ) -> None:
        """`url`: comma-separated JWKS URLs. `local_sources`: async callables that
        return a JWKS document (an issuer verifying its own keys without HTTP)."""
        self._urls = [u.strip() for u in url.split(",") if u.strip()]
        self._local_sources = list(local_sources)
        self._by_source: dict[object, dict[str, jwt.PyJWK]] = {}
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
            sources: list[object] = [*self._urls, *self._local_sources]
            fetched = await asyncio.gather(
                *(self._fetch(url) for url in self._urls),
                *(source() for source in self._local_sources),
                return_exceptions=True,
            )
            for url, document in zip(sources, fetched, strict=True):
                if isinstance(document, BaseException):  # keep this source's last good keys
                    log.warning("jwks_refresh_failed url=%s error=%s", url, type(document).__name__)
                    continue
                self._by_source[url] = _signing_keys(document)
            keys = {kid: key for source in self._by_source.values() for kid, key in source.items()}
            if set(keys) != set(self._keys):
                self.version += 1
            self._keys = keys
            if len(self._by_source) == len(sources):
                self._fetched_at = now

    async def _fetch(self, url: str) -> dict:
        parsed = urlparse(url)
        if parsed.scheme == "file":
            return json.loads(await asyncio.to_thread(Path(parsed.path).read_text))
        if parsed.scheme in ("http", "https"):
            async with httpx.AsyncClient(timeout=5.0) as client:
                response = await client.get(url)
                response.raise_for_status()
                return response.json()
        raise ValueError(f"unsupported JWKS URL scheme: {parsed.scheme!r}")


def _signing_keys(document: dict) -> dict[str, jwt.PyJWK]:
    keys = {}
    for entry in document.get("keys", []):
        if entry.get("use", "sig") == "sig" and "kid" in entry:
            keys[entry["kid"]] = jwt.PyJWK(entry)
    return keys
