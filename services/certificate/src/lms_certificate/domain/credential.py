"""Open Badges 3.0: a certificate as an OpenBadgeCredential (native VC-JWT claims), the
learner's identity as a salted hash, and the Bitstring Status List that revokes it."""

from __future__ import annotations

import base64
import gzip
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lms_certificate.domain.certificate import Certificate

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# The spec's minimum list length (16 KiB) so that one list hides which entry is whose.
STATUS_LIST_BITS = 131_072


@dataclass(frozen=True, slots=True)
class Issuer:
    id: str  # the issuer's URL (its profile)
    name: str
    url: str
    status_list_url: str
    keys_url: str
    verification_page: str  # format(id=certificate id) -> the public verification page


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def hashed_identity(user_id: str, salt: str) -> str:
    """OB3 IdentityObject hash: sha256$ of the identity followed by the salt."""
    return "sha256$" + hashlib.sha256((user_id + salt).encode()).hexdigest()


def open_badge_credential(
    certificate: Certificate, issuer: Issuer, *, salt: str, status_index: int
) -> dict[str, Any]:
    """The credential body, with the registered JWT claims next to it (OB 3.0 §8.2.4.1:
    the JWT payload is the credential)."""
    credential_id = f"urn:uuid:{certificate.id}"
    salt = hashlib.sha256(f"{salt}:{certificate.id}".encode()).hexdigest()[:32]  # one per credential
    data = certificate.data
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{data.course_title}: certificate of completion",
        "issuer": {"id": issuer.id, "type": ["Profile"], "name": issuer.name, "url": issuer.url},
        "validFrom": _iso(certificate.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": hashed_identity(certificate.user_id, salt),
                    "identityType": "identifier",
                    "hashed": True,
                    "salt": salt,
                }
            ],
            "achievement": {
                "id": f"{issuer.url}/courses/{certificate.course_id}/achievement",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": data.course_title,
                "description": f"Completion of the course {data.course_title}.",
                "criteria": {"narrative": "Complete every lecture of the course."},
            },
        },
        "evidence": [
            {
                "id": issuer.verification_page.format(id=certificate.id),
                "type": ["Evidence"],
                "name": "Verification page",
            }
        ],
        "credentialStatus": {
            "id": f"{issuer.status_list_url}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": issuer.status_list_url,
        },
        "iss": issuer.id,
        "jti": credential_id,
        "nbf": int(certificate.issued_at.timestamp()),
        "iat": int(certificate.issued_at.timestamp()),
    }


def issuer_profile(issuer: Issuer, keys_url: str) -> dict[str, Any]:
    """The Profile a credential's issuer id resolves to."""
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": issuer.id,
        "type": ["Profile"],
        "name": issuer.name,
        "url": issuer.url,
        "publicKeys": keys_url,
    }


def encoded_status_list(revoked: Iterable[int], bits: int = STATUS_LIST_BITS) -> str:
    """Multibase base64url (no padding) of the GZIP of the bitstring; bit 0 is the
    high bit of the first byte (Bitstring Status List v1.0)."""
    indexes = list(revoked)
    size = max(bits, ((max(indexes, default=0) // 8) + 1) * 8)
    raw = bytearray(size // 8)
    for index in indexes:
        raw[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(raw), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


def status_list_credential(issuer: Issuer, revoked: Iterable[int], now: datetime) -> dict[str, Any]:
    return {
        "@context": [VC_CONTEXT],
        "id": issuer.status_list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": {"id": issuer.id, "name": issuer.name},
        "validFrom": _iso(now),
        "credentialSubject": {
            "id": f"{issuer.status_list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_status_list(revoked),
        },
        "iss": issuer.id,
        "jti": issuer.status_list_url,
        "nbf": int(now.timestamp()),
        "iat": int(now.timestamp()),
    }
