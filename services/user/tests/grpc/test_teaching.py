"""Becoming a teacher over gRPC (real pipeline, real PostgreSQL): the operator makes the
first administrator, a learner applies, the administrator approves, and the learner's
refreshed token carries the teacher role."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import grpc
import jwt
import pytest
import sqlalchemy as sa

from lms.user.v1 import events_pb2, teaching_pb2, user_pb2, user_pb2_grpc
from lms_kit.db import Database
from lms_kit.events.schema import outbox
from lms_kit.migrations import upgrade
from lms_kit.testing.databases import postgres_database
from lms_kit.testing.harness import TokenMint, error_metadata, error_reason, field_violations
from lms_kit.testing.plugin import Served, served
from lms_user import operator
from lms_user.migrations import MIGRATIONS_DIR
from lms_user.server import SERVICE

from .support import PASSWORD, bearer, fails, from_ip, user_id, user_settings

BIO = "I have taught evening classes in bookkeeping for twelve years."
A = teaching_pb2.DecideTeacherApplicationRequest
APPROVE = teaching_pb2.TEACHER_APPLICATION_DECISION_APPROVE
DECLINE = teaching_pb2.TEACHER_APPLICATION_DECISION_DECLINE


@pytest.fixture(scope="module")
async def own_pg_url() -> AsyncIterator[str]:
    async with postgres_database("lms_user_teaching") as url:
        await upgrade(url, MIGRATIONS_DIR)
        yield url


@pytest.fixture(scope="module")
async def database(own_pg_url: str) -> AsyncIterator[Database]:
    database = Database(own_pg_url)
    yield database
    await database.dispose()


@pytest.fixture(scope="module")
async def server(own_pg_url: str, token_mint: TokenMint) -> AsyncIterator[Served]:
    async with served(
        SERVICE, token_mint, database_url=own_pg_url, **user_settings(log_email_links=False)
    ) as running:
        yield running


@pytest.fixture
def stub(server: Served) -> user_pb2_grpc.UserServiceStub:
    return user_pb2_grpc.UserServiceStub(server.channel)


async def events(database: Database, kind, **match) -> list:
    async with database.session() as session:
        query = sa.select(outbox.c.payload).where(outbox.c.subject == kind.DESCRIPTOR.full_name)
        found = [
            kind.FromString(p) for p in (await session.execute(query.order_by(outbox.c.sequence))).scalars()
        ]
    return [e for e in found if all(getattr(e, k) == v for k, v in match.items())]


async def account(stub, database, *, verified: bool = True) -> tuple[str, str]:
    """A registered account (id, email), its email verified through the mailed token."""
    address = f"t{uuid.uuid4().hex[:12]}@example.com"
    user = (
        await stub.Register(user_pb2.RegisterRequest(email=address, password=PASSWORD, display_name="Tess"))
    ).user
    if verified:
        (requested,) = await events(database, events_pb2.EmailVerificationRequested, user_id=user_id(user))
        await stub.VerifyEmail(user_pb2.VerifyEmailRequest(token=requested.token))
    return user_id(user), address


async def tokens(stub, address: str) -> user_pb2.AuthTokens:
    return (
        await stub.Login(user_pb2.LoginRequest(email=address, password=PASSWORD), metadata=from_ip())
    ).tokens


def roles_of(signed: user_pb2.AuthTokens) -> list[str]:
    return jwt.decode(signed.access_token, options={"verify_signature": False})["roles"]


async def first_admin(stub, database, own_pg_url) -> user_pb2.AuthTokens:
    _, address = await account(stub, database)
    assert await operator.grant_admin(own_pg_url, address, operator="ops", reason="first admin") == 0
    return await tokens(stub, address)


def apply_request(user: str, **overrides) -> teaching_pb2.SubmitTeacherApplicationRequest:
    fields = {"headline": "Bookkeeping for small shops", "bio": BIO, "topics": ["Accounting"]}
    return teaching_pb2.SubmitTeacherApplicationRequest(parent=f"users/{user}", **(fields | overrides))


async def test_the_operator_makes_the_first_admin_audited_and_published(stub, database, own_pg_url):
    admin_id, address = await account(stub, database)
    assert await operator.grant_admin(own_pg_url, address.upper(), operator="ops", reason="day one") == 0
    assert "admin" in roles_of(await tokens(stub, address))
    (changed,) = await events(database, events_pb2.UserRolesChanged, user_id=admin_id)
    assert changed.changed_by_user_id == "operator:ops" and changed.reason == "day one"
    # Again: nothing new, and an unverified or unknown account is refused.
    assert await operator.grant_admin(own_pg_url, address, operator="ops", reason="again") == 0
    assert len(await events(database, events_pb2.UserRolesChanged, user_id=admin_id)) == 1
    _, unverified = await account(stub, database, verified=False)
    assert await operator.grant_admin(own_pg_url, unverified, operator="ops", reason="") == 1
    assert await operator.grant_admin(own_pg_url, "nobody@example.com", operator="ops", reason="") == 1


async def test_apply_approve_and_the_refreshed_token_carries_the_teacher_role(stub, database, own_pg_url):
    admin = await first_admin(stub, database, own_pg_url)
    learner_id, address = await account(stub, database)
    learner = await tokens(stub, address)
    application = await stub.SubmitTeacherApplication(apply_request(learner_id), metadata=bearer(learner))
    assert application.state == teaching_pb2.TEACHER_APPLICATION_STATE_PENDING
    assert list(application.topics) == ["accounting"]
    retried = await stub.SubmitTeacherApplication(apply_request(learner_id), metadata=bearer(learner))
    assert retried.name == application.name

    queue = await stub.ListTeacherApplications(
        teaching_pb2.ListTeacherApplicationsRequest(
            parent="users/-", state=teaching_pb2.TEACHER_APPLICATION_STATE_PENDING, page_size=200
        ),
        metadata=bearer(admin),
    )
    assert application.name in [a.name for a in queue.teacher_applications]

    decided = await stub.DecideTeacherApplication(
        A(name=application.name, decision=APPROVE), metadata=bearer(admin)
    )
    assert decided.state == teaching_pb2.TEACHER_APPLICATION_STATE_APPROVED
    assert decided.decided_by.startswith("users/")
    refreshed = await stub.RefreshToken(user_pb2.RefreshTokenRequest(refresh_token=learner.refresh_token))
    assert "teacher" in roles_of(refreshed.tokens)
    (published,) = await events(database, events_pb2.TeacherApplicationDecided, user_id=learner_id)
    assert published.approved and published.application == application.name
    own = await stub.GetTeacherApplication(
        teaching_pb2.GetTeacherApplicationRequest(name=application.name), metadata=bearer(refreshed.tokens)
    )
    assert own.state == teaching_pb2.TEACHER_APPLICATION_STATE_APPROVED


async def test_bad_applications_name_every_bad_field(stub, database):
    learner_id, address = await account(stub, database)
    learner = await tokens(stub, address)
    error = await fails(
        stub.SubmitTeacherApplication(
            apply_request(
                learner_id, headline="", bio="short", sample_url="ftp://x", topics=["t" * 41] + ["a"] * 10
            ),
            metadata=bearer(learner),
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert {"headline", "bio", "sample_url", "topics", "topics[0]"} <= set(field_violations(error))


async def test_unverified_learners_cannot_apply(stub, database):
    learner_id, address = await account(stub, database, verified=False)
    error = await fails(
        stub.SubmitTeacherApplication(apply_request(learner_id), metadata=bearer(await tokens(stub, address)))
    )
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert error_reason(error) == "EMAIL_NOT_VERIFIED"


async def test_others_cannot_read_or_decide_and_the_denial_says_what_is_missing(stub, database, own_pg_url):
    learner_id, address = await account(stub, database)
    application = await stub.SubmitTeacherApplication(
        apply_request(learner_id), metadata=bearer(await tokens(stub, address))
    )
    _, other_address = await account(stub, database)
    other = await tokens(stub, other_address)
    error = await fails(
        stub.GetTeacherApplication(
            teaching_pb2.GetTeacherApplicationRequest(name=application.name), metadata=bearer(other)
        )
    )
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert error_metadata(error)["missing"] == "role,ownership"
    error = await fails(
        stub.DecideTeacherApplication(A(name=application.name, decision=APPROVE), metadata=bearer(other))
    )
    assert error_metadata(error) == {"missing": "role", "required_roles": "admin", "token_roles": "student"}
    error = await fails(
        stub.ListTeacherApplications(
            teaching_pb2.ListTeacherApplicationsRequest(parent="users/-"), metadata=bearer(other)
        )
    )
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_a_decline_needs_a_note_and_cannot_be_turned_into_an_approval(stub, database, own_pg_url):
    admin = await first_admin(stub, database, own_pg_url)
    learner_id, address = await account(stub, database)
    application = await stub.SubmitTeacherApplication(
        apply_request(learner_id), metadata=bearer(await tokens(stub, address))
    )
    error = await fails(
        stub.DecideTeacherApplication(A(name=application.name, decision=DECLINE), metadata=bearer(admin))
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "note" in field_violations(error)
    declined = await stub.DecideTeacherApplication(
        A(name=application.name, decision=DECLINE, note="Please add a sample lesson"), metadata=bearer(admin)
    )
    assert declined.decision_note == "Please add a sample lesson"
    error = await fails(
        stub.DecideTeacherApplication(A(name=application.name, decision=APPROVE), metadata=bearer(admin))
    )
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert error_reason(error) == "TEACHER_APPLICATION_DECIDED"
    missing = application.name.rsplit("/", 1)[0] + "/" + str(uuid.uuid4())
    error = await fails(
        stub.DecideTeacherApplication(A(name=missing, decision=APPROVE), metadata=bearer(admin))
    )
    assert error.code() == grpc.StatusCode.NOT_FOUND
