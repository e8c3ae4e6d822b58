"""Wiring: settings -> adapters -> handlers -> servicer; the kit does the rest.

python -m lms_user.server            # apply migrations, then serve on LMS_GRPC_PORT
python -m lms_user.server migrate    # only apply migrations
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from lms_kit.auth.jwks import JwksKeySet
from lms_kit.auth.tokens import TokenVerifier
from lms_kit.auth.user_status import AccountState, StatusSource, UserStatusGuard
from lms_kit.db import Database
from lms_kit.service import Runtime, ServiceDefinition, serve_service
from lms_user.adapters.firebase import FirebaseTokenVerifier
from lms_user.adapters.keys import (
    KeyRing,
    KeyRingTokenIssuer,
    SigningKeyStore,
    fernet_from_keys,
    link_token_keys,
)
from lms_user.adapters.passwords import Argon2Hasher, load_common_passwords
from lms_user.adapters.throttle import MemoryThrottle, RedisThrottle
from lms_user.adapters.unit_of_work import SqlUserUnitOfWork
from lms_user.domain.errors import UserNotFound
from lms_user.domain.model import AccountStatus
from lms_user.domain.passwords import PasswordPolicy
from lms_user.domain.sessions import SessionPolicy
from lms_user.domain.tokens import TokenCodec
from lms_user.handlers import AccountPolicy, UserUseCases
from lms_user.handlers.account_status import AccountStatusHandlers
from lms_user.migrations import MIGRATIONS_DIR
from lms_user.servicer import UserServicer
from lms_user.settings import UserSettings


async def wire(runtime: Runtime[UserSettings]) -> list[object]:
    settings = runtime.settings
    encryption_keys = settings.encryption_keys()
    fernet = fernet_from_keys(encryption_keys)
    access_ttl = timedelta(seconds=settings.access_token_ttl_s)
    keyring = KeyRing(
        SigningKeyStore(runtime.database, fernet),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        # Verifiers accept a token this long past its expiry: keys stay published as long.
        token_lifetime=access_ttl + timedelta(seconds=settings.jwt_clock_skew_s),
        rotate_every=timedelta(seconds=settings.signing_key_rotation_s)
        if settings.signing_key_rotation_s
        else None,
        publish_ahead=timedelta(seconds=settings.signing_key_publish_ahead_s),
        reload_every=timedelta(seconds=settings.signing_key_reload_s),
        jwks_file=settings.jwks_file,
    )
    await keyring.load()
    runtime.on_start(keyring.start)
    runtime.on_stop(keyring.stop)

    hasher = Argon2Hasher(
        memory_kib=settings.argon2_memory_kib,
        time_cost=settings.argon2_time_cost,
        parallelism=settings.argon2_parallelism,
        workers=settings.password_hash_threads,
    )
    runtime.on_stop(_async(hasher.close))
    throttle: MemoryThrottle | RedisThrottle = MemoryThrottle()
    if settings.redis_url:
        throttle = RedisThrottle.from_url(settings.redis_url, prefix=settings.throttle_key_prefix)
        runtime.on_stop(throttle.close)
    social = None
    if settings.firebase_project_id:
        social = FirebaseTokenVerifier(settings.firebase_project_id, cert_url=settings.firebase_cert_url)
        runtime.on_stop(_async(social.close))

    def unit_of_work(database: Database) -> SqlUserUnitOfWork:
        return SqlUserUnitOfWork(database, fernet)

    use_cases = UserUseCases.build(
        runtime.unit_of_work(unit_of_work),
        hasher=hasher,
        tokens=KeyRingTokenIssuer(
            keyring, ttl=access_ttl, service_ttl=timedelta(seconds=settings.service_token_ttl_s)
        ),
        password_policy=PasswordPolicy.with_common(load_common_passwords()),
        keys=keyring,
        session_policy=SessionPolicy(
            access_token_ttl=access_ttl,
            refresh_token_ttl=timedelta(seconds=settings.refresh_token_ttl_s),
            session_max_lifetime=timedelta(seconds=settings.session_max_lifetime_s),
        ),
        link_tokens=TokenCodec(link_token_keys(encryption_keys)),
        account_policy=AccountPolicy(
            web_url=settings.web_url.rstrip("/"),
            email_verification_ttl=timedelta(seconds=settings.email_verification_ttl_s),
            verification_resend_cooldown=timedelta(seconds=settings.verification_resend_cooldown_s),
            password_reset_ttl=timedelta(seconds=settings.password_reset_ttl_s),
            password_reset_min_duration_s=settings.password_reset_min_duration_s,
            mfa_challenge_ttl=timedelta(seconds=settings.mfa_challenge_ttl_s),
            totp_issuer=settings.totp_issuer,
            service_token_ttl=timedelta(seconds=settings.service_token_ttl_s),
            log_links=settings.log_email_links,
        ),
        throttle=throttle,
        social=social,
    )
    clients = settings.service_client_secrets()
    if clients:
        await use_cases.service_clients.seed(clients)

    # This service is the issuer: it verifies tokens with its own keys, plus the platform
    # JWKS when one is configured (service tokens of the dev issuer).
    key_set = JwksKeySet(
        settings.jwks_url,
        local_sources=[keyring.jwks],
        max_age_s=settings.jwks_cache_s,
        min_refresh_interval_s=1.0,
    )
    await key_set.refresh(force=True)
    runtime.verifier = TokenVerifier(
        key_set,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        leeway_s=settings.jwt_clock_skew_s,
    )
    # Writes of suspended, closed and unknown accounts are refused here too, from the
    # database itself (no cache: this service changes the status).
    runtime.user_status = UserStatusGuard(
        local_status_source(use_cases.account_status), ttl_s=0.0, allow_unknown=settings.trust_unknown_users
    )
    runtime.expose(use_cases=use_cases, keyring=keyring, throttle=throttle)
    return [UserServicer(use_cases)]


def local_status_source(account_status: AccountStatusHandlers) -> StatusSource:
    states = {
        AccountStatus.ACTIVE: AccountState.ACTIVE,
        AccountStatus.DISABLED: AccountState.DISABLED,
        AccountStatus.DELETED: AccountState.DELETED,
    }

    async def look_up(user_id: str) -> AccountState:
        try:
            return states[(await account_status.standing(user_id)).status]
        except UserNotFound:
            return AccountState.UNKNOWN

    return look_up


def _async(close: Callable[[], None]) -> Callable[[], Awaitable[None]]:
    """A stop hook of a synchronous close()."""

    async def hook() -> None:
        close()

    return hook


SERVICE = ServiceDefinition(name="user", settings=UserSettings, migrations=MIGRATIONS_DIR, wire=wire)


def main() -> None:
    serve_service(SERVICE)


if __name__ == "__main__":
    main()
