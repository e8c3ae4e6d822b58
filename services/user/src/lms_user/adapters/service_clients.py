"""Client credentials of services (the secrets as SHA-256)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from lms_kit.uow import SqlRepository
from lms_user.adapters.tables import service_clients


class SqlServiceClients(SqlRepository):
    async def get(self, client_id: str) -> tuple[str, str] | None:
        query = sa.select(service_clients.c.service, service_clients.c.secret_hash).where(
            service_clients.c.client_id == client_id
        )
        row = (await self.session.execute(query)).first()
        return (row[0], row[1]) if row else None

    async def upsert(self, client_id: str, service: str, secret_hash: str, now: datetime) -> None:
        values = {"service": service, "secret_hash": secret_hash, "updated_at": now}
        statement = insert(service_clients).values(client_id=client_id, **values)
        await self.session.execute(statement.on_conflict_do_update(index_elements=["client_id"], set_=values))
