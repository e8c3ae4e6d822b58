"""VC-JWT signing of Open Badges credentials and status lists (EdDSA, Ed25519), and the
issuer's public keys as a JWK Set."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class BadgeSigner:
    def __init__(self, key_file: str) -> None:
        key = serialization.load_pem_private_key(Path(key_file).read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{key_file} is not an Ed25519 private key")
        self._key = key
        raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self._jwk = {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw)}
        thumbprint = json.dumps(self._jwk, separators=(",", ":"), sort_keys=True).encode()
        self.kid = _b64(hashlib.sha256(thumbprint).digest())  # RFC 7638

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self._key, algorithm="EdDSA", headers={"kid": self.kid, "typ": "JWT"})

    def jwks(self) -> dict[str, Any]:
        return {"keys": [{**self._jwk, "kid": self.kid, "alg": "EdDSA", "use": "sig"}]}
