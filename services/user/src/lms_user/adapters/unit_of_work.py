"""The user service's unit of work: its repositories on one PostgreSQL transaction; the
events of the users they saw, and those emitted by the use cases, go to the outbox with
the rows."""

from __future__ import annotations

from cryptography.fernet import MultiFernet
from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncSession

from lms_kit.db import Database
from lms_kit.uow import SqlUnitOfWork
from lms_user import mappers
from lms_user.adapters.audit import SqlAuditLog
from lms_user.adapters.follows import SqlFollows
from lms_user.adapters.identities import SqlIdentities
from lms_user.adapters.mfa import SqlFactors
from lms_user.adapters.one_time_tokens import SqlOneTimeTokens
from lms_user.adapters.service_clients import SqlServiceClients
from lms_user.adapters.sessions import SqlSessions
from lms_user.adapters.teaching import SqlTeacherApplications
from lms_user.adapters.users import SqlCredentials, SqlUsers


class SqlUserUnitOfWork(SqlUnitOfWork):
    users: SqlUsers
    credentials: SqlCredentials
    sessions: SqlSessions
    audit: SqlAuditLog
    tokens: SqlOneTimeTokens
    mfa: SqlFactors
    follows: SqlFollows
    identities: SqlIdentities
    service_clients: SqlServiceClients
    applications: SqlTeacherApplications

    def __init__(self, database: Database, secrets: MultiFernet) -> None:
        """`secrets` encrypt the TOTP secrets at rest."""
        super().__init__(database)
        self._secrets = secrets

    def bind(self, session: AsyncSession) -> None:
        self.users = SqlUsers(session, self.track)
        self.credentials = SqlCredentials(session, self.track)
        self.sessions = SqlSessions(session, self.track)
        self.audit = SqlAuditLog(session, self.track)
        self.tokens = SqlOneTimeTokens(session, self.track)
        self.mfa = SqlFactors(session, self.track, self._secrets)
        self.follows = SqlFollows(session, self.track)
        self.identities = SqlIdentities(session, self.track)
        self.service_clients = SqlServiceClients(session, self.track)
        self.applications = SqlTeacherApplications(session, self.track)

    def event_message(self, event: object) -> Message:
        return mappers.event_to_proto(event)
