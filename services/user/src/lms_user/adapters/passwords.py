"""Password hashing: argon2id at OWASP's minimum (m=19 MiB, t=2, p=1), bcrypt hashes of
an earlier system still verified (and upgraded on the next login).

Hashing is CPU- and memory-bound C code that releases the GIL, so it runs in a
bounded thread pool: the event loop keeps serving other RPCs, and at most
`workers` hashes (19 MiB each) are in flight; further logins queue.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from importlib import resources
from typing import Any, TypeVar

import argon2
import bcrypt
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

OWASP_MEMORY_KIB = 19 * 1024
OWASP_TIME_COST = 2
OWASP_PARALLELISM = 1
BCRYPT_PREFIXES = ("$2a$", "$2b$", "$2y$")
BCRYPT_MAX_BYTES = 72  # bcrypt only ever used the first 72 bytes

T = TypeVar("T")


class Argon2Hasher:
    def __init__(
        self,
        *,
        memory_kib: int = OWASP_MEMORY_KIB,
        time_cost: int = OWASP_TIME_COST,
        parallelism: int = OWASP_PARALLELISM,
        workers: int = 2,
    ) -> None:
        self._argon = argon2.PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_kib,
            parallelism=parallelism,
            hash_len=32,
            salt_len=16,
            type=argon2.Type.ID,
        )
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="password-hash")
        # A real hash of a random password, so that an unknown email costs a real verify.
        self._dummy = self._argon.hash(secrets.token_urlsafe(16))

    async def hash(self, password: str) -> str:
        return await self._run(self._argon.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        return await self._run(self._verify_sync, password_hash, password)

    async def verify_dummy(self, password: str) -> None:
        await self._run(self._verify_sync, self._dummy, password)

    def needs_rehash(self, password_hash: str) -> bool:
        if password_hash.startswith(BCRYPT_PREFIXES):
            return True
        try:
            return self._argon.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _verify_sync(self, password_hash: str, password: str) -> bool:
        if password_hash.startswith(BCRYPT_PREFIXES):
            candidate = password.encode("utf-8")[:BCRYPT_MAX_BYTES]
            try:
                return bcrypt.checkpw(candidate, password_hash.encode("ascii"))
            except ValueError:
                return False
        try:
            return self._argon.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)


def _lines() -> Iterator[str]:
    text = resources.files("lms_user.domain").joinpath("data/common_passwords.txt").read_text("utf-8")
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


@lru_cache(maxsize=1)
def load_common_passwords() -> tuple[str, ...]:
    """The shipped list of common passwords (read once, on first use)."""
    return tuple(_lines())
