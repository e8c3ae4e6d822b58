"""The SQL unit of work and repositories against real PostgreSQL, and the migrations
against the tables module."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from lms.user.v1 import events_pb2
from lms_kit.events.schema import outbox
from lms_kit.migrations import upgrade
from lms_kit.testing.checks import schema_drift
from lms_user.adapters.keys import fernet_from_keys
from lms_user.adapters.tables import metadata
from lms_user.adapters.unit_of_work import SqlUserUnitOfWork
from lms_user.domain.audit import AuditAction, AuditEntry
from lms_user.domain.errors import EmailAlreadyRegistered
from lms_user.domain.model import Role, User
from lms_user.domain.sessions import RefreshToken, RevokeReason, Session
from lms_user.migrations import MIGRATIONS_DIR

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)
SECRETS = fernet_from_keys([Fernet.generate_key().decode()])


def new_user(email: str | None = None) -> User:
    email = email or f"{uuid.uuid4().hex[:10]}@example.com"
    return User.register(user_id=str(uuid.uuid4()), email=email, display_name="Ada", now=NOW)


async def outbox_rows(database, user_id: str) -> list:
    async with database.session() as session:
        rows = (await session.execute(sa.select(outbox.c.subject, outbox.c.payload))).all()
    found = []
    for subject, payload in rows:
        if subject == "lms.user.v1.UserRegistered":
            event = events_pb2.UserRegistered.FromString(payload)
            if event.user_id == user_id:
                found.append(event)
    return found


async def test_registered_user_row_credential_and_event_commit_together(database):
    user = new_user()
    async with SqlUserUnitOfWork(database, SECRETS) as uow:
        await uow.users.add(user, register_request_id=str(uuid.uuid4()))
        await uow.credentials.set_password_hash(user.id, "hash-1", NOW)
        await uow.commit()
    async with SqlUserUnitOfWork(database, SECRETS) as uow:
        loaded = await uow.users.get_by_email(user.email)
        assert loaded is not None
        assert (loaded.id, loaded.roles, loaded.created_at) == (user.id, {Role.STUDENT}, NOW)
        assert await uow.credentials.get_password_hash(user.id) == "hash-1"
    [event] = await outbox_rows(database, user.id)
    assert (event.email, event.display_name) == (user.email, "Ada")


async def test_nothing_is_written_without_commit(database):
    user = new_user()
    async with SqlUserUnitOfWork(database, SECRETS) as uow:
        await uow.users.add(user)
    async with SqlUserUnitOfWork(database, SECRETS) as uow:
        assert await uow.users.get(user.id) is None
    assert await outbox_rows(database, user.id) == []


async def test_a_second_account_with_the_same_email_is_refused_by_the_database(database):
    first, second = new_user("same@example.com"), new_user("same@example.com")
    async with SqlUserUnitOfWork(database, SECRETS) as uow:
        await uow.users.add(first)
        await uow.commit()
    with pytest.raises(EmailAlreadyRegistered):
        async with SqlUserUnitOfWork(database, SECRETS) as uow:
            await uow.users.add(second)


async def test_roles_and_profile_are_saved(database):
    user = new_user()
    async with SqlUserUnitOfWork(database, SECRETS) as uow:
        await uow.users.add(user)
        await uow.commit()
    async with SqlUserUnitOfWork(database, SECRETS) as uow:
        loaded = await uow.users.get(user.id, lock=True)
        loaded.set_roles([Role.TEACHER, Role.ADMIN], changed_by="admin-1", reason="r", now=NOW)
        loaded.bio = "Hello"
        await uow.users.save(loaded)
        await uow.commit()
    async with SqlUserUnitOfWork(database, SECRETS) as uow:
        again = await uow.users.get(user.id)
        many = await uow.users.get_many([user.id, "missing"])
    assert again.roles == {Role.TEACHER, Role.ADMIN} and again.bio == "Hello"
    assert list(many) == [user.id]
    async with database.session() as session:
        subjects = (await session.execute(sa.select(outbox.c.subject))).scalars().all()
    assert "lms.user.v1.UserRolesChanged" in subjects


async def test_sessions_tokens_and_revoke_all(database):
    user = new_user()
    async with SqlUserUnitOfWork(database, SECRETS) as uow:
        await uow.users.add(user)
        sessions = [Session(str(uuid.uuid4()), user.id, NOW, NOW + timedelta(days=90)) for _ in range(3)]
        for s in sessions:
            await uow.sessions.add(s)
        token = RefreshToken(str(uuid.uuid4()), sessions[0].id, user.id, uuid.uuid4().hex * 2, NOW,
                             NOW + timedelta(days=30))  # fmt: skip
        await uow.sessions.add_token(token)
        await uow.audit.add(AuditEntry(str(uuid.uuid4()), NOW, AuditAction.LOGIN_SUCCEEDED, user.id, user.id))
        await uow.commit()
    async with SqlUserUnitOfWork(database, SECRETS) as uow:
        loaded = await uow.sessions.get_token(token.token_hash, lock=True)
        assert loaded == token
        loaded.used_at = NOW
        await uow.sessions.save_token(loaded)
        first = await uow.sessions.get(sessions[0].id, lock=True)
        first.revoke(RevokeReason.LOGOUT, NOW)
        await uow.sessions.save(first)
        assert await uow.sessions.revoke_all(user.id, RevokeReason.LOGOUT_ALL, NOW) == 2
        await uow.commit()
    async with SqlUserUnitOfWork(database, SECRETS) as uow:
        assert (await uow.sessions.get_token(token.token_hash)).used_at == NOW
        reasons = {(await uow.sessions.get(s.id)).revoke_reason for s in sessions}
    assert reasons == {"logout", "logout_all"}


async def test_migrations_are_idempotent_and_match_the_tables(pg_url):
    await upgrade(pg_url, MIGRATIONS_DIR)  # already at head: a no-op
    assert await schema_drift(pg_url, metadata) == []
