"""Signing in with an identity provider's token (Firebase)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from lms_kit.domain import Clock, utc_now
from lms_user.domain.audit import NO_CLIENT, AuditAction, ClientInfo
from lms_user.domain.errors import SocialEmailNotVerified, SocialLoginDisabled
from lms_user.domain.model import User
from lms_user.domain.passwords import normalise_email
from lms_user.domain.sessions import RevokeReason
from lms_user.handlers.common import audit
from lms_user.handlers.ports import SocialTokenVerifier, UserUnitOfWork
from lms_user.handlers.results import MfaRequired, SignedIn
from lms_user.handlers.signin import SessionStarter


class SocialHandlers:
    def __init__(
        self,
        uow: Callable[[], UserUnitOfWork],
        *,
        social: SocialTokenVerifier | None,
        starter: SessionStarter,
        clock: Clock = utc_now,
    ) -> None:
        self._uow = uow
        self._social = social
        self._starter = starter
        self._clock = clock

    async def sign_in_with_social(
        self, token: str, *, client: ClientInfo = NO_CLIENT
    ) -> SignedIn | MfaRequired:
        """Sign in with an identity provider's token: the linked account, else the
        account with the same (provider-verified) email, else a new student account."""
        if self._social is None:
            raise SocialLoginDisabled()
        identity = await self._social.verify(token)
        now = self._clock()
        async with self._uow() as uow:
            user_id = await uow.identities.find_user_id(identity.provider, identity.subject)
            user = await uow.users.get(user_id, lock=True) if user_id else None
            if user is None:
                if not identity.email_verified or not identity.email:
                    raise SocialEmailNotVerified()
                email = normalise_email(identity.email)
                user = await uow.users.get_by_email(email)
                if user is None:
                    name = identity.display_name or email.split("@", 1)[0]
                    user = User.register(user_id=str(uuid.uuid4()), email=email, display_name=name, now=now)
                    await uow.users.add(user)
                    await uow.audit.add(
                        audit(AuditAction.USER_REGISTERED, now, user.id, user.id, client,
                              provider=identity.provider)
                    )  # fmt: skip
                elif not user.email_verified:
                    # Someone registered this email without proving it (possibly to
                    # pre-hijack it): the provider's owner takes over, the password and
                    # sessions set up before go.
                    await uow.credentials.delete(user.id)
                    await uow.sessions.revoke_all(user.id, RevokeReason.ADMIN, now)
                user.verify_email(now)
                await uow.users.save(user)
                await uow.identities.link(identity.provider, identity.subject, user.id, now)
                await uow.audit.add(
                    audit(
                        AuditAction.SOCIAL_LINKED, now, user.id, user.id, client, provider=identity.provider
                    )
                )
            result = await self._starter.second_factor_or_session(
                uow, user, now, client, provider=identity.provider
            )
            await uow.commit()
        return result
