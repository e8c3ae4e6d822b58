"""The use cases against in-memory storage and a directory of learners and courses."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from lms_certificate.domain.certificate import (
    CertificateIssued,
    CertificateRevoked,
    CertificateSuperseded,
    State,
)
from lms_certificate.domain.credential import Issuer
from lms_certificate.domain.errors import NotCourseTeacher, SubjectNotFound, TemplateInvalid
from lms_certificate.domain.template import default_template
from lms_certificate.handlers import Issuance, Issuing, Queries, TemplateHandlers
from lms_certificate.handlers.ports import CourseFacts
from lms_kit.domain import Actor
from lms_kit.testing.fakes import FakeStore

from .fakes import FakeBadges, FakeDirectory, FakeDocuments, FakeUnitOfWorkOfCertificate, Stored

COMPLETED = datetime(2026, 5, 1, tzinfo=UTC)
TEACHER = Actor.user("t1", "teacher")
OTHER_TEACHER = Actor.user("t2", "teacher")
ADMIN = Actor.user("a1", "admin")
LEARNER = Actor.user("u1", "student")


class Ticking:
    def __init__(self) -> None:
        self.now = datetime(2026, 5, 2, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def store() -> FakeStore[Stored]:
    return FakeStore(Stored())


@pytest.fixture
def directory() -> FakeDirectory:
    return FakeDirectory(
        names={"u1": "Ada Lovelace"}, courses={"k1": CourseFacts("Engines", 3.0, frozenset({"t1"}))}
    )


@pytest.fixture
def issuance(store, directory) -> Issuance:
    uow = lambda: FakeUnitOfWorkOfCertificate(store)  # noqa: E731
    return Issuance(uow, directory, FakeDocuments(), Issuing("LMS", "https://v/{id}"), clock=Ticking())


@pytest.fixture
def queries(store, directory) -> Queries:
    issuer = Issuer(
        "https://i", "LMS", "https://lms", "https://lms/list", "https://lms/jwks", "https://v/{id}"
    )
    uow = lambda: FakeUnitOfWorkOfCertificate(store)  # noqa: E731
    return Queries(uow, directory, FakeDocuments(), FakeBadges(), issuer, identity_salt="s", clock=Ticking())


async def complete(issuance: Issuance, store, user_id: str = "u1", course_id: str = "k1"):
    async with FakeUnitOfWorkOfCertificate(store) as uow:
        certificate = await issuance.on_course_completed(uow, user_id, course_id, COMPLETED)
        await uow.commit()
    return certificate


async def test_a_completion_issues_once_however_often_it_arrives(issuance, store):
    first = await complete(issuance, store)
    again = await complete(issuance, store)
    assert again.id == first.id and len(store.state.certificates) == 1
    assert [type(e) for e in store.events] == [CertificateIssued]
    assert (first.data.learner_name, first.data.course_title, first.data.hours) == (
        "Ada Lovelace",
        "Engines",
        3.0,
    )
    pdf = store.state.pdfs[first.id]
    assert first.pdf_sha256 == hashlib.sha256(pdf).hexdigest() and pdf.endswith(b"|signed")


async def test_an_unknown_learner_gets_nothing(issuance, store):
    with pytest.raises(SubjectNotFound):
        await complete(issuance, store, user_id="ghost")
    assert store.state.certificates == {}


async def test_the_course_template_is_used_over_the_platform_one(issuance, store, directory):
    templates = TemplateHandlers(
        lambda: FakeUnitOfWorkOfCertificate(store),
        directory,
        FakeDocuments(),
        issuer_name="LMS",
        verification_page="https://v/{id}",
        clock=Ticking(),
    )
    base = default_template(COMPLETED)
    await templates.create(ADMIN, base)
    mine = await templates.create(TEACHER, type(base)(**{**base.__dict__, "course_id": "k1"}))
    certificate = await complete(issuance, store)
    assert certificate.template_id == mine.id
    with pytest.raises(NotCourseTeacher):
        await templates.create(TEACHER, base)  # platform-wide: admins only
    with pytest.raises(NotCourseTeacher):
        await templates.create(OTHER_TEACHER, type(base)(**{**base.__dict__, "course_id": "k1"}))
    with pytest.raises(TemplateInvalid):
        await templates.update(TEACHER, mine.id, {"font_family": "Wingdings"})


async def test_a_reissue_supersedes_the_old_certificate_and_keeps_it(issuance, store):
    old = await complete(issuance, store)
    new = await issuance.reissue(TEACHER, old.id, "Ada King")
    kept = store.state.certificates[old.id]
    assert (kept.state, kept.superseded_by, new.supersedes) == (State.SUPERSEDED, new.id, old.id)
    assert new.data.learner_name == "Ada King" and new.current_key == "u1:k1"
    assert [type(e) for e in store.events] == [CertificateIssued, CertificateSuperseded, CertificateIssued]
    with pytest.raises(NotCourseTeacher):
        await issuance.reissue(OTHER_TEACHER, new.id, "Someone")


async def test_revocation_is_for_teachers_once_and_reaches_the_status_list(issuance, queries, store):
    certificate = await complete(issuance, store)
    with pytest.raises(NotCourseTeacher):
        await issuance.revoke(OTHER_TEACHER, certificate.id, "no")
    await issuance.revoke(TEACHER, certificate.id, "fraud")
    await issuance.revoke(ADMIN, certificate.id, "fraud again")
    assert store.events_of(CertificateRevoked) == [
        CertificateRevoked(
            certificate.id, "u1", "k1", "fraud", store.events_of(CertificateRevoked)[0].revoked_at
        )
    ]
    async with FakeUnitOfWorkOfCertificate(store) as uow:
        assert await uow.certificates.revoked_indexes() == [certificate.status_index]


async def test_only_the_learner_teachers_and_admins_read_a_certificate(issuance, queries, store):
    certificate = await complete(issuance, store)
    for reader in (LEARNER, TEACHER, ADMIN):
        assert (await queries.get(reader, certificate.id)).id == certificate.id
    with pytest.raises(Exception, match="not found"):
        await queries.get(OTHER_TEACHER, certificate.id)
    check = await queries.verify_pdf(store.state.pdfs[certificate.id])
    assert check.valid and check.certificate is not None and check.certificate.id == certificate.id
    assert not (await queries.verify_pdf(b"forged|signed")).valid


async def test_an_upload_above_the_limit_is_refused_naming_the_field(queries):
    from lms_certificate.domain.errors import PdfTooLarge
    from lms_certificate.handlers.queries import MAX_UPLOAD_BYTES

    with pytest.raises(PdfTooLarge) as refused:
        await queries.verify_pdf(b"0" * (MAX_UPLOAD_BYTES + 1))
    assert [v.field for v in refused.value.violations] == ["pdf"]
