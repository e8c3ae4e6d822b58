"""Open Badges 3.0: the credential verifies with an independent OB3 library (openbadgeslib)
against the issuer's published key, carries a hashed identity, and fails once revoked
through the published Bitstring Status List."""

from __future__ import annotations

import json
import uuid

import jwt
import pytest
from openbadgeslib.ob3.verifier import OB3VerificationError, OB3Verifier

from lms.certificate.v1 import certificate_pb2 as pb

from ..conftest import PUBLIC


async def test_the_credential_verifies_independently_and_fails_after_revocation(stub, token_mint, people):
    directory, _ = people
    course_id, user_id = f"c-{uuid.uuid4()}", f"u-{uuid.uuid4()}"
    directory.course(course_id, "Cryptography I", owner="t-ob3")
    directory.names[user_id] = "Whitfield Diffie"
    teacher = token_mint.bearer("t-ob3", roles=["teacher"])
    issued = await stub.IssueCertificate(
        pb.IssueCertificateRequest(user=f"users/{user_id}", course=f"courses/{course_id}"), metadata=teacher
    )
    credential = await stub.GetCredential(
        pb.GetCredentialRequest(name=issued.name), metadata=token_mint.bearer(user_id)
    )
    profile = json.loads((await stub.GetIssuerProfile(pb.GetIssuerProfileRequest())).data)
    assert profile["id"] == json.loads(credential.credential_json)["issuer"]["id"]
    assert profile["publicKeys"] == f"{PUBLIC}/v1/certificates/issuer/jwks"
    jwks = json.loads((await stub.GetIssuerKeys(pb.GetIssuerKeysRequest())).data)
    (key,) = jwks["keys"]
    assert jwt.get_unverified_header(credential.vc_jwt)["kid"] == key["kid"]
    public_pem = jwt.PyJWK(key).key.public_bytes_raw()  # the key as the JWKS publishes it
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    verifier = OB3Verifier(Ed25519PublicKey.from_public_bytes(public_pem))
    status_url = f"{PUBLIC}/v1/certificates/status-list"

    async def published_list() -> dict[str, bytes]:
        return {status_url: (await stub.GetStatusList(pb.GetStatusListRequest())).data}

    before = await published_list()
    verified = verifier.verify(credential.vc_jwt, check_status=True, download=before.__getitem__)
    assert verified.achievement.name == "Cryptography I"
    body = json.loads(credential.credential_json)
    identity = body["credentialSubject"]["identifier"][0]
    assert identity["hashed"] is True and identity["identityHash"].startswith("sha256$")
    assert user_id not in credential.credential_json and "example.com" not in credential.credential_json

    await stub.RevokeCertificate(
        pb.RevokeCertificateRequest(name=issued.name, reason="fraud"), metadata=teacher
    )
    after = await published_list()
    with pytest.raises(OB3VerificationError, match="revocation"):
        verifier.verify(credential.vc_jwt, check_status=True, download=after.__getitem__)
    # The signature alone still holds: it is the status list that revokes.
    assert verifier.verify(credential.vc_jwt).id == f"urn:uuid:{issued.name.removeprefix('certificates/')}"


async def test_a_tampered_credential_does_not_verify(stub, token_mint, people):
    directory, _ = people
    course_id, user_id = f"c-{uuid.uuid4()}", f"u-{uuid.uuid4()}"
    directory.course(course_id, "Security", owner="t-ob3b")
    directory.names[user_id] = "Radia Perlman"
    issued = await stub.IssueCertificate(
        pb.IssueCertificateRequest(user=f"users/{user_id}", course=f"courses/{course_id}"),
        metadata=token_mint.bearer("t-ob3b", roles=["teacher"]),
    )
    token = (
        await stub.GetCredential(
            pb.GetCredentialRequest(name=issued.name), metadata=token_mint.bearer(user_id)
        )
    ).vc_jwt
    (key,) = json.loads((await stub.GetIssuerKeys(pb.GetIssuerKeysRequest())).data)["keys"]
    header, payload, signature = token.split(".")
    claims = json.loads(jwt.utils.base64url_decode(payload))
    claims["credentialSubject"]["achievement"]["name"] = "Something else"
    forged = ".".join([header, jwt.utils.base64url_encode(json.dumps(claims).encode()).decode(), signature])
    with pytest.raises(OB3VerificationError, match="signature"):
        OB3Verifier(jwt.PyJWK(key).key).verify(forged)
