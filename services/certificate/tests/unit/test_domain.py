"""The certificate and template rules, the Open Badges pieces and the LinkedIn links: plain
Python, no storage."""

from __future__ import annotations

import base64
import gzip
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from lms_certificate.domain.certificate import (
    Certificate,
    CertificateIssued,
    CertificateRevoked,
    CertificateSuperseded,
    CertifiedData,
    State,
    clean_name,
)
from lms_certificate.domain.credential import (
    Issuer,
    encoded_status_list,
    hashed_identity,
    open_badge_credential,
)
from lms_certificate.domain.errors import CertificateNotCurrent, LearnerNameBlank, TemplateInvalid
from lms_certificate.domain.linkedin import add_to_profile_url
from lms_certificate.domain.template import Orientation, PageSize, Placement, default_template

NOW = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
DATA = CertifiedData("Ada Lovelace", "Analytical Engines", NOW, 12.5, "")
ISSUER = Issuer(
    "https://lms.example/issuer",
    "LMS",
    "https://lms.example",
    "https://lms.example/list",
    "https://lms.example/jwks",
    "{id}",
)


def issued() -> Certificate:
    certificate = Certificate.issue("c1", "u1", "k1", DATA, NOW, template_id="", pdf_sha256="ab")
    certificate.pull_events()
    return certificate


def test_issuing_raises_certificate_issued_and_holds_the_learners_current_key():
    certificate = Certificate.issue(
        "c1", "u1", "k1", DATA, NOW, template_id="", pdf_sha256="ab", verification_url="v"
    )
    assert certificate.current_key == "u1:k1" and certificate.state is State.VALID
    assert certificate.pull_events() == [
        CertificateIssued("c1", "u1", "k1", "Ada Lovelace", "Analytical Engines", "", "v", NOW)
    ]


def test_a_superseded_certificate_gives_up_its_key_and_cannot_be_reissued_again():
    certificate = issued()
    assert certificate.corrected("  Ada   King ").learner_name == "Ada King"
    certificate.supersede("c2", NOW)
    assert (certificate.state, certificate.superseded_by, certificate.current_key) == (
        State.SUPERSEDED,
        "c2",
        None,
    )
    assert certificate.pull_events() == [CertificateSuperseded("c1", "u1", "k1", "c2", NOW)]
    with pytest.raises(CertificateNotCurrent):
        certificate.corrected("Ada")
    certificate.revoke("fraud", NOW)  # revoking it later keeps the key given up
    assert certificate.current_key is None


def test_revoking_twice_raises_one_event():
    certificate = issued()
    assert certificate.revoke(" copied work ", NOW) is True
    assert certificate.revoke("again", NOW) is False
    assert certificate.revocation_reason == "copied work"
    assert certificate.pull_events() == [CertificateRevoked("c1", "u1", "k1", "copied work", NOW)]


def test_a_blank_name_is_refused():
    with pytest.raises(LearnerNameBlank):
        clean_name(" \t ")


def test_a_template_reports_every_problem_at_once():
    template = replace(
        default_template(NOW),
        display_name=" ",
        font_family="Papyrus",
        signature_image=b"GIF89a",
        background_image=b"BM",
        placements=[Placement("learner_email", 10, 10), Placement("grade", 500, 10, align="justify", size=0)],
    )
    with pytest.raises(TemplateInvalid) as refused:
        template.check({"Noto Sans"})
    assert {(v.field, v.reason) for v in refused.value.violations} == {
        ("template.display_name", "TEMPLATE_VALUE_INVALID"),
        ("template.font_family", "TEMPLATE_FONT_MISSING"),
        ("template.signature_image", "TEMPLATE_VALUE_INVALID"),
        ("template.background_image", "TEMPLATE_VALUE_INVALID"),
        ("template.fields[0].kind", "TEMPLATE_FIELD_UNKNOWN"),
        ("template.fields[1].x_mm", "TEMPLATE_VALUE_INVALID"),
        ("template.fields[1].align", "TEMPLATE_VALUE_INVALID"),
        ("template.fields[1].size", "TEMPLATE_VALUE_INVALID"),
    }


def test_the_page_turns_with_the_orientation():
    template = default_template(NOW)
    assert template.page_mm == (297.0, 210.0)
    assert replace(template, orientation=Orientation.PORTRAIT, page_size=PageSize.LETTER).page_mm == (
        215.9,
        279.4,
    )
    template.check({"Noto Sans"})  # the built-in layout is valid


def test_the_status_list_sets_the_revoked_bits_high_bit_first():
    encoded = encoded_status_list([0, 9, 131_071])
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert encoded[0] == "u" and len(raw) == 16_384
    assert raw[0] == 0x80 and raw[1] == 0x40 and raw[-1] == 0x01 and sum(raw) == 0x80 + 0x40 + 0x01


def test_the_credential_hides_the_learner_behind_a_salted_hash_per_credential():
    first = open_badge_credential(issued(), ISSUER, salt="s", status_index=7)
    other = replace(issued(), id="c9")
    second = open_badge_credential(other, ISSUER, salt="s", status_index=8)
    identity = first["credentialSubject"]["identifier"][0]
    assert identity["identityHash"] == hashed_identity("u1", identity["salt"])
    assert identity["salt"] != second["credentialSubject"]["identifier"][0]["salt"]
    assert "u1" not in str(first).replace(identity["identityHash"], "")
    assert first["credentialStatus"]["statusListIndex"] == "7" and first["jti"] == "urn:uuid:c1"


def test_the_linkedin_link_prefills_the_certification():
    url = add_to_profile_url(
        certification="Analytical Engines",
        organization="LMS & Co",
        issued_at=NOW,
        certificate_url="https://lms.example/v1/certificates/c1:verify",
        certificate_id="c1",
    )
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert query == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Analytical Engines",
        "organizationName": "LMS & Co",
        "issueYear": "2026",
        "issueMonth": "3",
        "certUrl": "https://lms.example/v1/certificates/c1:verify",
        "certId": "c1",
    }
