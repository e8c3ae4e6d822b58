"""Encryption of data at rest with rotating keys (Fernet, from `cryptography`)."""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, MultiFernet


def multi_fernet(keys: str | Sequence[str]) -> MultiFernet:
    """Fernet keys, as a list or a comma-separated setting: the first encrypts, all of them
    decrypt, so a key can be rotated (new key first, re-encrypt with `rotate`, drop the old)."""
    found = [k.strip() for k in (keys.split(",") if isinstance(keys, str) else keys) if k.strip()]
    if not found:
        raise ValueError("no encryption key configured")
    return MultiFernet([Fernet(k.encode("ascii")) for k in found])
