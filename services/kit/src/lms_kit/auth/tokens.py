"""Access-token verification (every RPC) and signing (service tokens, tests).

Tokens are JWTs signed with asymmetric keys (EdDSA, ES256 or RS256) and carry:
`sub` (user id, or `service:<name>`), `roles` (list of role names), `iss`,
`aud`, `exp`, `iat`, `jti`, and for service tokens `svc` (service name).
"""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import replace

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from lms_kit.auth.jwks import JwksKeySet
from lms_kit.auth.principal import ROLE_BY_NAME, SERVICE_SUBJECT_PREFIX, Principal
from lms_kit.errors import Unauthenticated

ALLOWED_ALGORITHMS = frozenset({"EdDSA", "ES256", "RS256"})
# The default clock skew allowed on exp/iat (KitSettings.jwt_clock_skew_s; the gateway uses the same).
LEEWAY_S = 30


def _invalid(message: str = "access token is invalid") -> Unauthenticated:
    return Unauthenticated("TOKEN_INVALID", message)


class TokenVerifier:
    """Verifies access tokens against a JWKS. Verified tokens are cached (bounded,
    until expiry, and dropped when the key set changes), so a client that sends
    the same token on every call pays for one signature check."""

    def __init__(
        self,
        keys: JwksKeySet,
        *,
        issuer: str,
        audience: str,
        cache_size: int = 10_000,
        leeway_s: int = LEEWAY_S,
    ) -> None:
        self._keys = keys
        self._leeway_s = leeway_s
        self._issuer = issuer
        self._audience = audience
        self._cache: OrderedDict[str, Principal] = OrderedDict()
        self._cache_size = cache_size
        self._cache_version = keys.version

    def cached(self, token: str) -> Principal | None:
        """The principal of an already verified, unexpired token, without awaiting."""
        principal = self._cache.get(token)
        if (
            principal is None
            or self._cache_version != self._keys.version
            or principal.expires_at + self._leeway_s <= time.time()
        ):
            return None
        return principal

    async def verify(self, token: str) -> Principal:
        if self._cache_version != self._keys.version:
            self._cache.clear()
            self._cache_version = self._keys.version
        cached = self._cache.get(token)
        if cached is not None:
            if cached.expires_at + self._leeway_s > time.time():
                self._cache.move_to_end(token)
                return cached
            del self._cache[token]
        principal = await self._verify_signature(token)
        principal = replace(principal, raw_token=token)
        self._cache[token] = principal
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return principal

    async def _verify_signature(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise _invalid() from None
        alg, kid = header.get("alg"), header.get("kid")
        if alg not in ALLOWED_ALGORITHMS or not isinstance(kid, str):
            raise _invalid()
        key = await self._keys.get(kid)
        if key is None:
            raise _invalid("access token was signed by an unknown key")
        try:
            claims = jwt.decode(
                token,
                key=key,
                algorithms=[alg],
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway_s,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("TOKEN_EXPIRED", "access token has expired") from None
        except jwt.InvalidAudienceError:
            raise Unauthenticated("TOKEN_WRONG_AUDIENCE", "access token is for another audience") from None
        except jwt.PyJWTError:
            raise _invalid() from None
        return principal_from_claims(claims)


def principal_from_claims(claims: dict) -> Principal:
    subject = str(claims["sub"])
    service = ""
    if subject.startswith(SERVICE_SUBJECT_PREFIX):
        service = str(claims.get("svc") or subject.removeprefix(SERVICE_SUBJECT_PREFIX))
    roles = claims.get("roles") or []
    if not isinstance(roles, list):
        raise _invalid()
    return Principal(
        subject=subject,
        roles=frozenset(ROLE_BY_NAME[r] for r in roles if r in ROLE_BY_NAME),
        service=service,
        token_id=str(claims.get("jti", "")),
        expires_at=float(claims["exp"]),
        email_verified=claims.get("email_verified") is True,
    )


class TokenSigner:
    """Signs tokens with one private key. The matching public key must be in the
    verifiers' JWKS under `kid`."""

    def __init__(
        self,
        private_key: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey,
        *,
        kid: str,
        issuer: str,
        audience: str,
    ) -> None:
        self._key = private_key
        self.kid = kid
        self.issuer = issuer
        self.audience = audience
        self.algorithm = "EdDSA" if isinstance(private_key, ed25519.Ed25519PrivateKey) else "ES256"

    @classmethod
    def from_pem_file(cls, path: str, *, kid: str, issuer: str, audience: str) -> TokenSigner:
        with open(path, "rb") as handle:
            key = serialization.load_pem_private_key(handle.read(), password=None)
        if not isinstance(key, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey):
            raise ValueError(f"{path}: an Ed25519 or EC private key is needed, not {type(key).__name__}")
        return cls(key, kid=kid, issuer=issuer, audience=audience)

    def sign(
        self,
        subject: str,
        *,
        roles: Iterable[str] = (),
        ttl_s: float = 900,
        audience: str | None = None,
        extra: dict | None = None,
        now: float | None = None,
    ) -> str:
        issued = int(now if now is not None else time.time())
        claims = {
            "sub": subject,
            "roles": list(roles),
            "iss": self.issuer,
            "aud": audience or self.audience,
            "iat": issued,
            "exp": issued + int(ttl_s),
            "jti": uuid.uuid4().hex,
            **(extra or {}),
        }
        return jwt.encode(claims, self._key, algorithm=self.algorithm, headers={"kid": self.kid})

    def sign_service(self, service: str, *, ttl_s: float = 300) -> str:
        return self.sign(f"{SERVICE_SUBJECT_PREFIX}{service}", ttl_s=ttl_s, extra={"svc": service})

    def public_jwk(self) -> dict:
        public = self._key.public_key()
        jwk = jwt.algorithms.get_default_algorithms()[self.algorithm].to_jwk(public, as_dict=True)
        return {**jwk, "kid": self.kid, "use": "sig", "alg": self.algorithm}


def new_ed25519_signer(*, kid: str, issuer: str, audience: str) -> TokenSigner:
    return TokenSigner(ed25519.Ed25519PrivateKey.generate(), kid=kid, issuer=issuer, audience=audience)


def private_key_pem(signer: TokenSigner) -> bytes:
    return signer._key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
