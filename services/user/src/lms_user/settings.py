"""The user service's settings (environment variables prefixed LMS_)."""

from __future__ import annotations

import os

from pydantic import Field, SecretStr

from lms_kit.settings import KitSettings
from lms_user.adapters.passwords import OWASP_MEMORY_KIB, OWASP_PARALLELISM, OWASP_TIME_COST


class UserSettings(KitSettings):
    service_name: str = "user"

    access_token_ttl_s: int = Field(900, ge=60, le=3600, description="Access token lifetime.")
    refresh_token_ttl_s: int = Field(30 * 86400, ge=300, description="Unused refresh token lifetime.")
    session_max_lifetime_s: int = Field(90 * 86400, ge=300, description="Sign-in to forced re-login.")

    signing_key_encryption_keys: SecretStr = Field(
        SecretStr(""),
        description="Comma-separated Fernet keys (required); the first encrypts signing keys and TOTP "
        "secrets at rest, all decrypt. The dev runner makes one.",
    )
    signing_key_rotation_s: int = Field(
        30 * 86400, ge=0, description="Rotate the signing key when it is this old; 0: never automatically."
    )
    signing_key_publish_ahead_s: int = Field(
        600, ge=0, description="How long a new key is published before it signs (> verifiers' JWKS cache)."
    )
    jwks_file: str = Field(
        "",
        description="Also write the published JWKS to this file whenever it changes (dev: other "
        "services' LMS_JWKS_URL=file://...; this service verifies against it when LMS_JWKS_URL is unset).",
    )
    throttle_key_prefix: str = Field(
        "lms:user:throttle:", description="Redis key prefix of the login throttle's counters."
    )
    signing_key_reload_s: float = Field(60.0, gt=0, description="How often each process re-reads keys.")

    # OWASP's minimum is the floor: the settings can raise the cost, never lower it.
    argon2_memory_kib: int = Field(OWASP_MEMORY_KIB, ge=OWASP_MEMORY_KIB)
    argon2_time_cost: int = Field(OWASP_TIME_COST, ge=OWASP_TIME_COST)
    argon2_parallelism: int = Field(OWASP_PARALLELISM, ge=1)
    password_hash_threads: int = Field(
        default_factory=lambda: os.cpu_count() or 2,
        ge=1,
        le=64,
        description="Concurrent hashes per process (each takes argon2_memory_kib).",
    )

    web_url: str = Field(
        "http://127.0.0.1:8080",
        description="Base of the links mailed to users (verify email, reset password).",
    )
    log_email_links: bool = Field(
        False,
        description="Also log verification and reset links (a JSON line with the single-use token). "
        "The notification service mails them (EmailVerificationRequested, PasswordResetRequested); "
        "only for debugging a deployment without it.",
    )
    email_verification_ttl_s: int = Field(86400, ge=300)
    verification_resend_cooldown_s: int = Field(60, ge=0)
    password_reset_ttl_s: int = Field(3600, ge=300, le=86400)
    password_reset_min_duration_s: float = Field(
        0.25, ge=0, description="RequestPasswordReset answers after at least this long, account or not."
    )
    mfa_challenge_ttl_s: int = Field(300, ge=30, le=1800)
    totp_issuer: str = Field("LMS", description="Issuer shown by authenticator apps.")

    firebase_project_id: str = Field("", description="Firebase project for SignInWithFirebase; empty: off.")
    firebase_cert_url: str = Field(
        "", description="Where Firebase ID-token certificates are fetched (empty: Google's URL)."
    )

    service_clients: SecretStr = Field(
        SecretStr(""),
        description="Client credentials for IssueServiceToken: comma-separated name=secret (secret >= 32 chars).",
    )
    service_token_ttl_s: int = Field(300, ge=60, le=3600)

    def service_client_secrets(self) -> dict[str, str]:
        clients: dict[str, str] = {}
        for item in self.service_clients.get_secret_value().split(","):
            if not item.strip():
                continue
            name, sep, secret = item.strip().partition("=")
            if not sep or not name or len(secret) < 32:
                raise ValueError("LMS_SERVICE_CLIENTS: each entry is name=secret with a secret of 32+ chars")
            clients[name] = secret
        return clients

    def encryption_keys(self) -> list[str]:
        keys = [
            k.strip() for k in self.signing_key_encryption_keys.get_secret_value().split(",") if k.strip()
        ]
        if not keys:
            raise ValueError("LMS_SIGNING_KEY_ENCRYPTION_KEYS must be set (comma-separated Fernet keys)")
        return keys
