"""The service over gRPC with the kit's real pipeline: manual issue, the PDF (text in every
script, rendered page, PAdES signature), reissue and revocation, public verification and
verify-by-upload, listing and search, and the answers to bad input and wrong callers."""

from __future__ import annotations

import unicodedata
import uuid

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from lms.certificate.v1 import certificate_pb2 as pb
from lms_certificate.servicer import CertificateServicer
from lms_kit.testing.checks import contract_problems, unimplemented_rpcs
from lms_kit.testing.harness import error_reason

from ..support import SCRIPTS, download, first_page_ink, flip_byte, pdf_text

DESCRIPTOR = pb.DESCRIPTOR.services_by_name["CertificateService"]


async def fails(call) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


@pytest.fixture
def course(people):
    directory, _ = people
    course_id, teacher = f"c-{uuid.uuid4()}", f"t-{uuid.uuid4()}"
    directory.course(course_id, "Python für Anfänger", owner=teacher, hours=12.5)
    return course_id, teacher


def learner(people, name: str) -> str:
    directory, _ = people
    user_id = f"u-{uuid.uuid4()}"
    directory.names[user_id] = name
    return user_id


def test_every_rpc_has_a_policy_rest_mapping_and_an_implementation():
    assert contract_problems(DESCRIPTOR) == []
    assert unimplemented_rpcs(CertificateServicer, DESCRIPTOR) == []


async def test_the_service_reports_serving(service):
    health = health_pb2_grpc.HealthStub(service.channel)
    reply = await health.Check(health_pb2.HealthCheckRequest(service=DESCRIPTOR.full_name))
    assert reply.status == health_pb2.HealthCheckResponse.SERVING


async def test_a_teacher_issues_once_and_the_pdf_carries_every_script_and_a_signature(
    stub, token_mint, people, course, tmp_path, service
):
    course_id, teacher = course
    auth = token_mint.bearer(teacher, roles=["teacher"])
    documents = service.exposed["documents"]
    for script, name in SCRIPTS.items():
        user_id = learner(people, name)
        request = pb.IssueCertificateRequest(
            user=f"users/{user_id}", course=f"courses/{course_id}", grade="A"
        )
        issued = await stub.IssueCertificate(request, metadata=auth)
        again = await stub.IssueCertificate(request, metadata=auth)
        assert again.name == issued.name
        assert (issued.learner_name, issued.course_title, issued.hours, issued.grade) == (
            name,
            "Python für Anfänger",
            12.5,
            "A",
        )
        pdf = await download(stub, issued.name, auth)
        # Arabic comes out as presentation forms (the shaped glyphs); NFKC maps them back.
        text = unicodedata.normalize("NFKC", pdf_text(pdf, tmp_path))
        assert name in text, script
        assert issued.name.removeprefix("certificates/") in text
        assert first_page_ink(pdf, tmp_path) > 0.01
        assert await documents.signature_intact(pdf)
        assert not await documents.signature_intact(flip_byte(pdf, len(pdf) // 3))


async def test_verify_by_upload_knows_the_issued_bytes_and_nothing_else(stub, token_mint, people, course):
    course_id, teacher = course
    user_id = learner(people, "Grace Hopper")
    auth = token_mint.bearer(teacher, roles=["teacher"])
    issued = await stub.IssueCertificate(
        pb.IssueCertificateRequest(user=f"users/{user_id}", course=f"courses/{course_id}"), metadata=auth
    )
    pdf = await download(stub, issued.name, auth)
    genuine = await stub.VerifyCertificatePdf(pb.VerifyCertificatePdfRequest(pdf={"data": pdf}))
    assert (genuine.valid, genuine.signature_intact, genuine.issued_here) == (True, True, True)
    assert genuine.certificate.learner_name == "Grace Hopper"
    tampered = await stub.VerifyCertificatePdf(
        pb.VerifyCertificatePdfRequest(pdf={"data": flip_byte(pdf, len(pdf) // 2)})
    )
    assert (tampered.valid, tampered.signature_intact, tampered.issued_here) == (False, False, False)
    junk = await stub.VerifyCertificatePdf(pb.VerifyCertificatePdfRequest(pdf={"data": b"%PDF-1.4 nonsense"}))
    assert not junk.valid


async def test_reissue_supersedes_and_revocation_shows_publicly_without_personal_data(
    stub, token_mint, people, course
):
    course_id, teacher = course
    user_id = learner(people, "Jon Smiht")
    auth = token_mint.bearer(teacher, roles=["teacher"])
    first = await stub.IssueCertificate(
        pb.IssueCertificateRequest(user=f"users/{user_id}", course=f"courses/{course_id}"), metadata=auth
    )
    second = await stub.ReissueCertificate(
        pb.ReissueCertificateRequest(name=first.name, learner_name="Jon Smith"), metadata=auth
    )
    assert (second.learner_name, second.supersedes) == ("Jon Smith", first.name)
    old = await stub.VerifyCertificate(pb.VerifyCertificateRequest(name=first.name))
    assert (old.state, old.superseded_by) == (pb.CERTIFICATE_STATE_SUPERSEDED, second.name)
    again = await fails(
        stub.ReissueCertificate(
            pb.ReissueCertificateRequest(name=first.name, learner_name="X"), metadata=auth
        )
    )
    assert error_reason(again) == "CERTIFICATE_NOT_CURRENT"

    revoked = await stub.RevokeCertificate(
        pb.RevokeCertificateRequest(name=second.name, reason="plagiarism"), metadata=auth
    )
    assert revoked.state == pb.CERTIFICATE_STATE_REVOKED
    public = await stub.VerifyCertificate(pb.VerifyCertificateRequest(name=second.name))
    assert (public.state, public.revocation_reason, public.learner_name) == (
        pb.CERTIFICATE_STATE_REVOKED,
        "plagiarism",
        "Jon Smith",
    )
    for shown in (old, public):
        wire = shown.SerializeToString()
        assert user_id.encode() not in wire and b"@example.com" not in wire

    unknown = await fails(
        stub.VerifyCertificate(pb.VerifyCertificateRequest(name=f"certificates/{uuid.uuid4()}"))
    )
    assert (unknown.code(), error_reason(unknown)) == (grpc.StatusCode.NOT_FOUND, "CERTIFICATE_NOT_FOUND")

    mine = await stub.ListMyCertificates(pb.ListMyCertificatesRequest(), metadata=token_mint.bearer(user_id))
    assert [c.name for c in mine.certificates] == [second.name, first.name]
    for_course = await stub.ListCourseCertificates(
        pb.ListCourseCertificatesRequest(course=f"courses/{course_id}", page_size=1), metadata=auth
    )
    assert [c.name for c in for_course.certificates] == [second.name] and for_course.next_page_token
    found = await stub.SearchCertificates(
        pb.SearchCertificatesRequest(query="jon smith", state=pb.CERTIFICATE_STATE_REVOKED),
        metadata=token_mint.bearer("admin-1", roles=["admin"]),
    )
    assert [c.name for c in found.certificates] == [second.name]


async def test_linkedin_links_name_the_certification(stub, token_mint, people, course):
    course_id, teacher = course
    user_id = learner(people, "Ada Lovelace")
    issued = await stub.IssueCertificate(
        pb.IssueCertificateRequest(user=f"users/{user_id}", course=f"courses/{course_id}"),
        metadata=token_mint.bearer(teacher, roles=["teacher"]),
    )
    from urllib.parse import parse_qs, urlsplit

    add = urlsplit(issued.linkedin_add_to_profile_url)
    query = {k: v[0] for k, v in parse_qs(add.query).items()}
    certificate_id = issued.name.removeprefix("certificates/")
    assert (add.netloc, add.path) == ("www.linkedin.com", "/profile/add")
    assert query["startTask"] == "CERTIFICATION_NAME" and query["name"] == "Python für Anfänger"
    assert (query["certId"], query["certUrl"]) == (certificate_id, issued.verification_url)
    assert query["issueYear"] == str(issued.issue_time.ToDatetime().year)
    assert parse_qs(urlsplit(issued.linkedin_share_url).query)["url"] == [issued.verification_url]


async def test_strangers_and_other_teachers_are_kept_out(stub, token_mint, people, course):
    course_id, teacher = course
    user_id = learner(people, "Alan Turing")
    issued = await stub.IssueCertificate(
        pb.IssueCertificateRequest(user=f"users/{user_id}", course=f"courses/{course_id}"),
        metadata=token_mint.bearer(teacher, roles=["teacher"]),
    )
    other_teacher = token_mint.bearer("t-other", roles=["teacher"])
    denied = await fails(
        stub.IssueCertificate(
            pb.IssueCertificateRequest(user=f"users/{user_id}", course=f"courses/{course_id}"),
            metadata=other_teacher,
        )
    )
    assert (denied.code(), error_reason(denied)) == (grpc.StatusCode.PERMISSION_DENIED, "NOT_COURSE_TEACHER")
    hidden = await fails(
        stub.GetCertificate(pb.GetCertificateRequest(name=issued.name), metadata=token_mint.bearer("u-x"))
    )
    assert error_reason(hidden) == "CERTIFICATE_NOT_FOUND"
    assert (
        await stub.GetCertificate(
            pb.GetCertificateRequest(name=issued.name), metadata=token_mint.bearer(user_id)
        )
    ).name
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await download(stub, issued.name)
    anonymous = caught.value
    assert anonymous.code() == grpc.StatusCode.UNAUTHENTICATED
    student = await fails(
        stub.RevokeCertificate(
            pb.RevokeCertificateRequest(name=issued.name, reason="x"), metadata=token_mint.bearer(user_id)
        )
    )
    assert student.code() == grpc.StatusCode.PERMISSION_DENIED
