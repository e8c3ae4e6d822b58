"""The published signing keys (JWKS) that verify this service's tokens."""

from __future__ import annotations

from typing import Any

from lms_user.handlers.ports import PublishedKeys


class KeyHandlers:
    def __init__(self, keys: PublishedKeys) -> None:
        self._keys = keys

    async def jwks(self) -> dict[str, Any]:
        """The JWKS document: the key that signs now, the next one published ahead of its
        first use, and older ones while tokens they signed can still be alive."""
        return await self._keys.jwks()
