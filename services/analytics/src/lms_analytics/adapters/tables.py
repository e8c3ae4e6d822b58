"""The analytics service's PostgreSQL tables: only the kit's outbox and inbox (the inbox
dedupes each consumer's deliveries); statements live in the column store."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()
