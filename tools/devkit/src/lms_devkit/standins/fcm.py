"""A local stand-in for Firebase Cloud Messaging (HTTP v1) and Google's OAuth token endpoint,
for the official firebase-admin SDK. It checks what the SDK sends: the service account's
signed JWT assertion (RS256, audience Google's token endpoint, as google-auth signs it), the bearer token it issued, the project,
and the message's shape; and answers as FCM does, including UNREGISTERED (404) for tokens it
does not know.

    fcm = FcmStandIn().start()
    fcm.register("device-token-1")
    Path("sa.json").write_text(json.dumps(fcm.service_account()))
"""

from __future__ import annotations

import json
import secrets
import threading
from typing import Any
from urllib.parse import parse_qs

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from lms_devkit.standins.http import JsonApiServer, Reply

PROJECT_ID = "lms-standin"
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
# Either lets a service account send through FCM v1.
FCM_SCOPES = {
    "https://www.googleapis.com/auth/firebase.messaging",
    "https://www.googleapis.com/auth/cloud-platform",
}
CLIENT_EMAIL = f"fcm-sender@{PROJECT_ID}.iam.gserviceaccount.com"


def _error(status: int, code: str, message: str, fcm_code: str = "") -> Reply:
    details = (
        [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": fcm_code}]
        if fcm_code
        else []
    )
    return status, {"error": {"code": status, "message": message, "status": code, "details": details}}, {}


class FcmStandIn:
    def __init__(self, *, port: int = 0) -> None:
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._server = JsonApiServer(self._handle, port=port)
        self._lock = threading.Lock()
        self._access_tokens: set[str] = set()
        self.tokens: set[str] = set()  # registered device tokens
        self.sent: list[dict[str, Any]] = []  # accepted messages
        self.refused: list[tuple[str, dict[str, Any]]] = []  # (FCM error code, message)

    def start(self) -> FcmStandIn:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    @property
    def base_url(self) -> str:
        return self._server.base_url

    def register(self, token: str) -> None:
        with self._lock:
            self.tokens.add(token)

    def service_account(self) -> dict[str, str]:
        """A service-account JSON whose key only this stand-in trusts."""
        pem = self._key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        return {
            "type": "service_account",
            "project_id": PROJECT_ID,
            "private_key_id": "standin-key-1",
            "private_key": pem,
            "client_email": CLIENT_EMAIL,
            "client_id": "1",
            "token_uri": f"{self.base_url}/token",
        }

    def _handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply:
        if method == "POST" and path == "/token":
            return self._token(body)
        if method == "POST" and path == f"/v1/projects/{PROJECT_ID}/messages:send":
            return self._send(headers, body)
        return _error(404, "NOT_FOUND", f"no such endpoint {method} {path}")

    def _token(self, body: bytes) -> Reply:
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return 400, {"error": "unsupported_grant_type"}, {}
        try:
            claims = jwt.decode(
                form.get("assertion", ""),
                self._key.public_key(),
                algorithms=["RS256"],
                audience=GOOGLE_TOKEN_AUDIENCE,
            )
        except jwt.PyJWTError as bad:
            return 400, {"error": "invalid_grant", "error_description": str(bad)}, {}
        scopes = set(claims.get("scope", "").split())
        if claims.get("iss") != CLIENT_EMAIL or not scopes & FCM_SCOPES:
            return 400, {"error": "invalid_scope"}, {}
        access = f"ya29.standin-{secrets.token_urlsafe(16)}"
        with self._lock:
            self._access_tokens.add(access)
        return 200, {"access_token": access, "expires_in": 3600, "token_type": "Bearer"}, {}

    def _send(self, headers: dict[str, str], body: bytes) -> Reply:
        authorization = {k.lower(): v for k, v in headers.items()}.get("authorization", "")
        with self._lock:
            known = authorization.removeprefix("Bearer ") in self._access_tokens
        if not known:
            return _error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
        try:
            message = json.loads(body)["message"]
        except (ValueError, KeyError):
            return _error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.")
        targets = [k for k in ("fid", "token", "topic", "condition") if k in message]
        if len(targets) != 1:
            return _error(
                400, "INVALID_ARGUMENT", "exactly one of fid, token, topic, condition", "INVALID_ARGUMENT"
            )
        data = message.get("data", {})
        if not all(isinstance(v, str) for v in data.values()):
            return _error(400, "INVALID_ARGUMENT", "data values must be strings", "INVALID_ARGUMENT")
        with self._lock:
            device = message.get("fid") or message.get("token")
            if device is not None and device not in self.tokens:
                self.refused.append(("UNREGISTERED", message))
                return _error(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED")
            self.sent.append(message)
            number = len(self.sent)
        return 200, {"name": f"projects/{PROJECT_ID}/messages/{number}"}, {}
