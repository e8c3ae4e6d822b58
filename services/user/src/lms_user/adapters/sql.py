"""Query pieces the repositories share."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from lms_user.handlers.results import After


def before(time_column: Any, id_column: Any, after: After) -> Any:
    """The keyset condition of a newest-first order on (time, id): rows after `after`."""
    assert after is not None
    moment, key = after
    return sa.or_(time_column < moment, sa.and_(time_column == moment, id_column < key))
