"""Use cases of the identity service, one module per capability. Each takes plain values
(and the caller as an `Actor` where who asks matters), works through the unit of work of
ports.py and returns domain objects or the results of results.py; nothing here knows
gRPC, protobuf or SQL."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lms_kit.domain import Clock, utc_now
from lms_user.domain.passwords import PasswordPolicy
from lms_user.domain.sessions import SessionPolicy
from lms_user.domain.tokens import TokenCodec
from lms_user.handlers.account_status import AccountStatusHandlers
from lms_user.handlers.accounts import AccountHandlers
from lms_user.handlers.admin import AdminHandlers
from lms_user.handlers.common import AccountPolicy, NoThrottle
from lms_user.handlers.follows import FollowHandlers
from lms_user.handlers.keys import KeyHandlers
from lms_user.handlers.mfa import MfaHandlers
from lms_user.handlers.passwords import PasswordHandlers
from lms_user.handlers.ports import (
    AccessTokenIssuer,
    LoginThrottle,
    PasswordHasher,
    PublishedKeys,
    SocialTokenVerifier,
    UserUnitOfWork,
)
from lms_user.handlers.service_clients import ServiceClientHandlers
from lms_user.handlers.sessions import SessionHandlers
from lms_user.handlers.signin import PasswordCheck, SessionStarter
from lms_user.handlers.social import SocialHandlers
from lms_user.handlers.teaching import TeachingHandlers

__all__ = [
    "AccountHandlers",
    "AccountPolicy",
    "AdminHandlers",
    "FollowHandlers",
    "KeyHandlers",
    "MfaHandlers",
    "PasswordHandlers",
    "ServiceClientHandlers",
    "SessionHandlers",
    "SocialHandlers",
    "TeachingHandlers",
    "UserUseCases",
]


class NoPublishedKeys:
    """ports.PublishedKeys of use cases built without a key ring (unit tests)."""

    async def jwks(self) -> dict[str, Any]:
        return {"keys": []}


@dataclass(frozen=True)
class UserUseCases:
    """Every use case of the service, as the servicer calls them."""

    accounts: AccountHandlers
    passwords: PasswordHandlers
    sessions: SessionHandlers
    mfa: MfaHandlers
    social: SocialHandlers
    follows: FollowHandlers
    admin: AdminHandlers
    account_status: AccountStatusHandlers
    service_clients: ServiceClientHandlers
    keys: KeyHandlers
    teaching: TeachingHandlers

    @classmethod
    def build(
        cls,
        uow: Callable[[], UserUnitOfWork],
        *,
        hasher: PasswordHasher,
        tokens: AccessTokenIssuer,
        password_policy: PasswordPolicy,
        keys: PublishedKeys | None = None,
        session_policy: SessionPolicy | None = None,
        link_tokens: TokenCodec | None = None,
        account_policy: AccountPolicy | None = None,
        throttle: LoginThrottle | None = None,
        social: SocialTokenVerifier | None = None,
        clock: Clock = utc_now,
    ) -> UserUseCases:
        """`link_tokens`: the MAC keys of mailed links (none: a random key of this process);
        `throttle`: the login throttle (none: never locks); `social`: the identity provider
        (none: social sign-in is off)."""
        policy = account_policy or AccountPolicy()
        throttle = throttle or NoThrottle()
        links = link_tokens or TokenCodec([secrets.token_bytes(32)])
        starter = SessionStarter(tokens, session_policy or SessionPolicy(), policy)
        check = PasswordCheck(uow, hasher=hasher, throttle=throttle, policy=policy, clock=clock)
        return cls(
            accounts=AccountHandlers(
                uow,
                hasher=hasher,
                password_policy=password_policy,
                link_tokens=links,
                policy=policy,
                clock=clock,
            ),
            passwords=PasswordHandlers(
                uow,
                hasher=hasher,
                password_policy=password_policy,
                link_tokens=links,
                policy=policy,
                throttle=throttle,
                password_check=check,
                clock=clock,
            ),
            sessions=SessionHandlers(
                uow,
                hasher=hasher,
                throttle=throttle,
                policy=policy,
                starter=starter,
                password_check=check,
                clock=clock,
            ),
            mfa=MfaHandlers(
                uow, throttle=throttle, policy=policy, starter=starter, password_check=check, clock=clock
            ),
            social=SocialHandlers(uow, social=social, starter=starter, clock=clock),
            follows=FollowHandlers(uow, clock=clock),
            admin=AdminHandlers(uow, clock=clock),
            account_status=AccountStatusHandlers(uow, password_check=check, clock=clock),
            service_clients=ServiceClientHandlers(
                uow, tokens=tokens, throttle=throttle, policy=policy, clock=clock
            ),
            keys=KeyHandlers(keys or NoPublishedKeys()),
            teaching=TeachingHandlers(uow, clock=clock),
        )
