"""Wiring: settings -> adapters -> handlers -> kit server.

python -m lms_user.server      # apply migrations, then serve on LMS_GRPC_PORT
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from lms.user.v1 import user_pb2, user_pb2_grpc
from lms_kit.auth.jwks import JwksKeySet
from lms_kit.auth.tokens import TokenVerifier
from lms_kit.db import Database
from lms_kit.events import EventRuntime
from lms_kit.migrations import upgrade
from lms_kit.server import App, Service, run
from lms_kit.settings import load
from lms_user import mappers
from lms_user.adapters.firebase import FirebaseTokenVerifier
from lms_user.adapters.keys import KeyRing, KeyRingTokenIssuer, SigningKeyStore, fernet_from_keys
from lms_user.adapters.passwords import Argon2Hasher, load_common_passwords
from lms_user.adapters.repository import SqlUnitOfWork
from lms_user.adapters.throttle import MemoryThrottle, RedisThrottle
from lms_user.client_address import ClientAddressResolver
from lms_user.domain.passwords import PasswordPolicy
from lms_user.domain.sessions import SessionPolicy
from lms_user.domain.tokens import TokenCodec
from lms_user.handlers import AccountPolicy, UserHandlers
from lms_user.migrations import MIGRATIONS_DIR
from lms_user.servicer import UserServicer
from lms_user.settings import UserSettings

# Verifiers accept tokens up to this much past `exp` (lms_kit.auth.tokens.LEEWAY_S).
CLOCK_LEEWAY = timedelta(seconds=30)


@dataclass
class UserApp:
    """The built service: the kit App plus what tests and the kit need from it."""

    app: App
    handlers: UserHandlers
    keyring: KeyRing
    verifier: TokenVerifier
    database: Database
    throttle: MemoryThrottle | RedisThrottle


def link_token_keys(encryption_keys: list[str]) -> list[bytes]:
    """MAC keys of mailed tokens, derived from the at-rest encryption keys (first signs,
    all verify), so no further secret has to be provisioned."""
    return [
        HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"lms.user one-time tokens").derive(
            key.encode("ascii")
        )
        for key in encryption_keys
    ]


async def build(settings: UserSettings) -> UserApp:
    database = Database(settings.database_url, pool_size=settings.database_pool_size)
    access_ttl = timedelta(seconds=settings.access_token_ttl_s)
    fernet = fernet_from_keys(settings.encryption_keys())
    keyring = KeyRing(
        SigningKeyStore(database, fernet),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        token_lifetime=access_ttl + CLOCK_LEEWAY,
        rotate_every=timedelta(seconds=settings.signing_key_rotation_s)
        if settings.signing_key_rotation_s
        else None,
        publish_ahead=timedelta(seconds=settings.signing_key_publish_ahead_s),
        reload_every=timedelta(seconds=settings.signing_key_reload_s),
        jwks_file=settings.jwks_file,
    )
    await keyring.load()
    hasher = Argon2Hasher(
        memory_kib=settings.argon2_memory_kib,
        time_cost=settings.argon2_time_cost,
        parallelism=settings.argon2_parallelism,
        workers=settings.password_hash_threads,
    )
    throttle = (
        RedisThrottle.from_url(settings.redis_url, prefix=settings.throttle_key_prefix)
        if settings.redis_url
        else MemoryThrottle()
    )
    social = (
        FirebaseTokenVerifier(settings.firebase_project_id, cert_url=settings.firebase_cert_url)
        if settings.firebase_project_id
        else None
    )
    handlers = UserHandlers(
        lambda: SqlUnitOfWork(database, fernet),
        hasher=hasher,
        tokens=KeyRingTokenIssuer(
            keyring, ttl=access_ttl, service_ttl=timedelta(seconds=settings.service_token_ttl_s)
        ),
        password_policy=PasswordPolicy.with_common(load_common_passwords()),
        session_policy=SessionPolicy(
            access_token_ttl=access_ttl,
            refresh_token_ttl=timedelta(seconds=settings.refresh_token_ttl_s),
            session_max_lifetime=timedelta(seconds=settings.session_max_lifetime_s),
        ),
        link_tokens=TokenCodec(link_token_keys(settings.encryption_keys())),
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
        await handlers.seed_service_clients(clients)
    # This service verifies tokens with its own keys (it is the issuer), plus the
    # platform JWKS when one is configured (service tokens).
    key_set = JwksKeySet(
        settings.jwks_url,
        local_sources=[keyring.jwks],
        max_age_s=settings.jwks_cache_s,
        min_refresh_interval_s=1.0,
    )
    await key_set.refresh(force=True)
    verifier = TokenVerifier(key_set, issuer=settings.jwt_issuer, audience=settings.jwt_audience)

    events = EventRuntime(database, settings.nats_url, domain="user")

    async def close() -> None:
        await keyring.stop()
        await events.stop()
        hasher.close()
        if isinstance(throttle, RedisThrottle):
            await throttle.close()
        if social is not None:
            social.close()
        await database.dispose()

    addresses = ClientAddressResolver.from_setting(settings.trusted_proxies)
    app = App(
        services=[
            Service(
                user_pb2.DESCRIPTOR.services_by_name["UserService"],
                user_pb2_grpc.add_UserServiceServicer_to_server,
                UserServicer(handlers, keyring, addresses),
            )
        ],
        on_start=[keyring.start, events.start],
        on_stop=[close],
        verifier=verifier,
        map_error=mappers.map_error,
    )
    return UserApp(app, handlers, keyring, verifier, database, throttle)


async def build_app(settings: UserSettings) -> App:
    return (await build(settings)).app


def migrate(settings: UserSettings) -> None:
    asyncio.run(upgrade(settings.database_url, MIGRATIONS_DIR))


def main() -> None:
    settings = load(UserSettings, service_name="user")
    if not settings.database_url:
        raise SystemExit("LMS_DATABASE_URL is required")
    run(settings, build_app, migrate=migrate)


if __name__ == "__main__":
    main()
