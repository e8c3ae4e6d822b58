"""Firebase Authentication ID tokens, verified with firebase-admin.

`firebase_admin.auth.verify_id_token` checks the RS256 signature against Google's
published X.509 certificates (fetched over HTTP, cached per Cache-Control), the
issuer `https://securetoken.google.com/<project>`, the audience `<project>`, the
expiry and the subject. It blocks on that HTTP fetch, so it runs in a thread.

`cert_url` replaces the certificate URL (tests and local stand-ins serve their own
certificate). firebase-admin has no option for it: its TokenVerifier reads the
module constant `firebase_admin._token_gen.ID_TOKEN_CERT_URI` when the app's auth
client is created, so this module sets that constant, in this one place, before
the first verification.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

import firebase_admin
from firebase_admin import _token_gen, auth, credentials
from google.auth.credentials import AnonymousCredentials

from lms_user.domain.errors import SocialProviderUnavailable, SocialTokenInvalid
from lms_user.handlers.results import ExternalIdentity

log = logging.getLogger("lms_user.firebase")

PROVIDER = "firebase"


class _VerifyOnly(credentials.Base):
    """Verifying ID tokens needs no Google credentials (only the public certificates);
    without this, firebase-admin would look for Application Default Credentials."""

    def get_credential(self) -> AnonymousCredentials:
        return AnonymousCredentials()


class FirebaseTokenVerifier:
    def __init__(self, project_id: str, *, cert_url: str = "", clock_skew_s: int = 5) -> None:
        if cert_url:
            _token_gen.ID_TOKEN_CERT_URI = cert_url
        # A named app of our own: no credentials are needed to verify ID tokens.
        self._app = firebase_admin.initialize_app(
            _VerifyOnly(), options={"projectId": project_id}, name=f"lms-user-{uuid.uuid4().hex[:8]}"
        )
        self._clock_skew_s = clock_skew_s

    async def verify(self, token: str) -> ExternalIdentity:
        try:
            claims = await asyncio.to_thread(
                auth.verify_id_token, token, app=self._app, clock_skew_seconds=self._clock_skew_s
            )
        except (ValueError, auth.InvalidIdTokenError, auth.ExpiredIdTokenError) as error:
            log.info("firebase_token_refused error=%s", type(error).__name__)
            raise SocialTokenInvalid() from None
        except auth.CertificateFetchError:
            log.warning("firebase_certificates_unavailable")
            raise SocialProviderUnavailable() from None
        return ExternalIdentity(
            provider=PROVIDER,
            subject=str(claims["uid"]),
            email=str(claims.get("email") or ""),
            email_verified=bool(claims.get("email_verified")),
            display_name=str(claims.get("name") or "")[:100],
        )

    def close(self) -> None:
        firebase_admin.delete_app(self._app)
