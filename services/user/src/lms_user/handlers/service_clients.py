"""Service clients: services trade a client id and secret for a short-lived service token."""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable

from lms_kit.domain import Clock, utc_now
from lms_user.domain.audit import NO_CLIENT, AuditAction, ClientInfo
from lms_user.domain.errors import ClientCredentialsInvalid, LoginThrottled
from lms_user.handlers.common import AccountPolicy, audit
from lms_user.handlers.ports import AccessTokenIssuer, LoginThrottle, UserUnitOfWork
from lms_user.handlers.results import IssuedToken

log = logging.getLogger("lms_user")


class ServiceClientHandlers:
    def __init__(
        self,
        uow: Callable[[], UserUnitOfWork],
        *,
        tokens: AccessTokenIssuer,
        throttle: LoginThrottle,
        policy: AccountPolicy,
        clock: Clock = utc_now,
    ) -> None:
        self._uow = uow
        self._tokens = tokens
        self._throttle = throttle
        self._policy = policy
        self._clock = clock

    async def seed(self, clients: dict[str, str]) -> None:
        """Store `{client id: secret}` (as hashes); the client id is the service name."""
        now = self._clock()
        async with self._uow() as uow:
            for client_id, secret in clients.items():
                await uow.service_clients.upsert(client_id, client_id, secret_hash(secret), now)
            await uow.commit()

    async def issue_service_token(
        self, client_id: str, client_secret: str, *, client: ClientInfo = NO_CLIENT
    ) -> IssuedToken:
        """A short-lived service token for a client that proves its secret."""
        key = "client:" + client_id
        wait = await self._throttle.retry_after([key])
        if wait > 0:
            raise LoginThrottled(wait)
        async with self._uow() as uow:
            found = await uow.service_clients.get(client_id)
        # Compare against something even for an unknown client id.
        service, stored = found or ("", "0" * 64)
        if not hmac.compare_digest(stored, secret_hash(client_secret)) or not found:
            await self._throttle.record_failure(key, self._policy.account_throttle)
            now = self._clock()
            async with self._uow() as uow:
                await uow.audit.add(
                    audit(AuditAction.SERVICE_TOKEN_REFUSED, now, None, None, client, client_id=client_id)
                )
                await uow.commit()
            raise ClientCredentialsInvalid()
        issued = await self._tokens.issue_service(service, now=self._clock())
        log.info("service_token_issued service=%s", service)
        return issued


def secret_hash(secret: str) -> str:
    # Client secrets are long random strings, so a fast hash is enough (like refresh tokens).
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
