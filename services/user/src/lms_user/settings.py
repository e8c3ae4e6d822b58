"""The user service's settings (environment variables prefixed LMS_)."""

from __future__ import annotations

import os

from pydantic import Field, SecretStr

from lms_kit.settings import KitSettings
from lms_user.adapters.passwords import OWASP_MEMORY_KIB, OWASP_PARALLELISM, OWASP_TIME_COST

# Used only for an SQLite (embedded, local development) database when no key is set,
# so `up` works with no configuration. PostgreSQL deployments must set their own.
DEV_ONLY_ENCRYPTION_KEY = "bG1zLXVzZXItZGV2LW9ubHktbm90LWEtc2VjcmV0ISE="


class UserSettings(KitSettings):
    service_name: str = "user"

    access_token_ttl_s: int = Field(900, ge=60, le=3600, description="Access token lifetime.")
    refresh_token_ttl_s: int = Field(30 * 86400, ge=300, description="Unused refresh token lifetime.")
    session_max_lifetime_s: int = Field(90 * 86400, ge=300, description="Sign-in to forced re-login.")

    signing_key_encryption_keys: SecretStr = Field(
        SecretStr(""),
        description="Comma-separated Fernet keys; the first encrypts signing keys at rest, all decrypt.",
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

    def encryption_keys(self) -> list[str]:
        keys = [
            k.strip() for k in self.signing_key_encryption_keys.get_secret_value().split(",") if k.strip()
        ]
        if keys:
            return keys
        if self.database_url.startswith("sqlite"):
            return [DEV_ONLY_ENCRYPTION_KEY]
        raise ValueError("LMS_SIGNING_KEY_ENCRYPTION_KEYS must be set for a non-SQLite database")
