"""Two-factor sign-in with TOTP: enrolment, recovery codes, the sign-in challenge."""

from __future__ import annotations

from collections.abc import Callable

from lms_kit.domain import Actor, Clock, utc_now
from lms_user.domain import mfa
from lms_user.domain.audit import NO_CLIENT, AuditAction, ClientInfo
from lms_user.domain.errors import (
    LoginThrottled,
    MfaAlreadyEnabled,
    MfaChallengeInvalid,
    MfaEnrollmentCodeInvalid,
    MfaNotEnrolling,
    MfaProofMissing,
    MfaSignInCodeInvalid,
    UserNotFound,
)
from lms_user.domain.mfa import TotpFactor
from lms_user.domain.model import TwoFactorChanged
from lms_user.domain.throttle import account_key
from lms_user.domain.tokens import hash_token
from lms_user.handlers.common import AccountPolicy, audit, signed_in_user
from lms_user.handlers.ports import LoginThrottle, UserUnitOfWork
from lms_user.handlers.results import SignedIn, TotpEnrollment
from lms_user.handlers.signin import PasswordCheck, SessionStarter


class MfaHandlers:
    def __init__(
        self,
        uow: Callable[[], UserUnitOfWork],
        *,
        throttle: LoginThrottle,
        policy: AccountPolicy,
        starter: SessionStarter,
        password_check: PasswordCheck,
        clock: Clock = utc_now,
    ) -> None:
        self._uow = uow
        self._throttle = throttle
        self._policy = policy
        self._starter = starter
        self._check = password_check
        self._clock = clock

    async def start_totp_enrollment(self, actor: Actor, *, client: ClientInfo = NO_CLIENT) -> TotpEnrollment:
        """A new pending TOTP secret (replacing an unconfirmed one)."""
        user_id = signed_in_user(actor, "enrol a second factor")
        now = self._clock()
        async with self._uow() as uow:
            user = await uow.users.get(user_id, lock=True)
            if user is None:
                raise UserNotFound([user_id])
            factor = await uow.mfa.get_totp(user_id, lock=True)
            if factor is not None and factor.is_enabled:
                raise MfaAlreadyEnabled()
            factor = TotpFactor(user_id=user_id, secret=mfa.new_secret(), created_at=now)
            await uow.mfa.save_totp(factor)
            await uow.audit.add(audit(AuditAction.MFA_ENROLLMENT_STARTED, now, user_id, user_id, client))
            await uow.commit()
        uri = mfa.provisioning_uri(factor.secret, account=user.email, issuer=self._policy.totp_issuer)
        return TotpEnrollment(factor.secret, uri)

    async def confirm_totp_enrollment(
        self, actor: Actor, code: str, *, client: ClientInfo = NO_CLIENT
    ) -> list[str]:
        """Turn two-factor sign-in on; returns the recovery codes (their only showing)."""
        user_id = signed_in_user(actor, "enrol a second factor")
        now = self._clock()
        async with self._uow() as uow:
            factor = await uow.mfa.get_totp(user_id, lock=True)
            if factor is None or factor.is_enabled:
                raise MfaNotEnrolling()
            if not factor.accept(code, now):
                raise MfaEnrollmentCodeInvalid()
            factor.confirmed_at = now
            await uow.mfa.save_totp(factor)
            codes = mfa.new_recovery_codes()
            await uow.mfa.replace_recovery_codes(user_id, [mfa.hash_recovery_code(c) for c in codes], now)
            await uow.audit.add(audit(AuditAction.MFA_ENABLED, now, user_id, user_id, client, method="totp"))
            uow.emit(TwoFactorChanged(user_id, True, "totp", now))
            await uow.commit()
        return codes

    async def disable_totp(self, actor: Actor, password: str, *, client: ClientInfo = NO_CLIENT) -> None:
        """Turn two-factor sign-in off after the user proves their password again."""
        user_id = signed_in_user(actor, "turn off a second factor")
        async with self._uow() as uow:
            user = await uow.users.get(user_id)
            stored = await uow.credentials.get_password_hash(user_id) if user else None
        if user is None:
            raise UserNotFound([user_id])
        await self._check.check(user, stored, password, client)
        now = self._clock()
        async with self._uow() as uow:
            factor = await uow.mfa.get_totp(user_id, lock=True)
            if factor is None:
                raise MfaNotEnrolling()
            await uow.mfa.delete_totp(user_id)
            await uow.audit.add(audit(AuditAction.MFA_DISABLED, now, user_id, user_id, client))
            uow.emit(TwoFactorChanged(user_id, False, "totp", now))
            await uow.commit()

    async def complete_mfa_challenge(
        self,
        challenge_token: str,
        *,
        totp_code: str = "",
        recovery_code: str = "",
        client: ClientInfo = NO_CLIENT,
    ) -> SignedIn:
        """The session of a sign-in whose second factor is now proved (a TOTP code, or a
        recovery code, which is spent)."""
        if not totp_code and not recovery_code:
            raise MfaProofMissing()
        now = self._clock()
        async with self._uow() as uow:
            challenge = await uow.mfa.get_challenge(hash_token(challenge_token), lock=True)
            if challenge is None or not challenge.usable(now):
                raise MfaChallengeInvalid()
            user = await uow.users.get(challenge.user_id)
            factor = await uow.mfa.get_totp(challenge.user_id, lock=True)
            if user is None or factor is None or not factor.is_enabled:
                raise MfaChallengeInvalid()
            wait = await self._throttle.retry_after([account_key(user.email)])
            if wait > 0:
                raise LoginThrottled(wait)
            if totp_code:
                ok, method = factor.accept(totp_code, now), "totp"
            else:
                code_hash = mfa.hash_recovery_code(recovery_code)
                ok = bool(mfa.normalise_recovery_code(recovery_code)) and await uow.mfa.use_recovery_code(
                    user.id, code_hash, now
                )
                method = "recovery_code"
            if not ok:
                challenge.attempts += 1
                await uow.mfa.save_challenge(challenge)
                await uow.audit.add(
                    audit(AuditAction.MFA_FAILED, now, user.id, None, client, method=method,
                          attempts=challenge.attempts)
                )  # fmt: skip
                await uow.commit()
                await self._throttle.record_failure(account_key(user.email), self._policy.account_throttle)
                raise MfaSignInCodeInvalid()
            challenge.used_at = now
            await uow.mfa.save_challenge(challenge)
            if method == "totp":
                await uow.mfa.save_totp(factor)  # remembers the step just used
            else:
                await uow.audit.add(audit(AuditAction.MFA_RECOVERY_CODE_USED, now, user.id, user.id, client))
            signed_in = await self._starter.start_session(
                uow, user, now, client, provider=challenge.provider, mfa=method
            )
            await uow.commit()
        return signed_in
