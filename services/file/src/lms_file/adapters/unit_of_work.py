"""The file service's unit of work: its repository on one transaction; the events of the
files it saw go to the outbox with the rows."""

from __future__ import annotations

from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncSession

from lms_file import mappers
from lms_file.adapters.files import SqlFiles
from lms_file.adapters.video_jobs import SqlMuxEvents, SqlVideoJobs
from lms_kit.uow import SqlUnitOfWork


class SqlFileUnitOfWork(SqlUnitOfWork):
    files: SqlFiles
    video_jobs: SqlVideoJobs
    mux_events: SqlMuxEvents

    def bind(self, session: AsyncSession) -> None:
        self.files = SqlFiles(session, self.track)
        self.video_jobs = SqlVideoJobs(session, self.track)
        self.mux_events = SqlMuxEvents(session, self.track)

    def event_message(self, event: object) -> Message:
        return mappers.event_to_proto(event)
