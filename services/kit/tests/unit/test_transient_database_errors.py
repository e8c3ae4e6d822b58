"""Which database errors a retry can cure: those become UNAVAILABLE instead of INTERNAL."""

from __future__ import annotations

import sqlalchemy.exc

from lms_kit.interceptors import is_transient_database_error


class PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def wrapped(orig: Exception, cls=sqlalchemy.exc.OperationalError) -> sqlalchemy.exc.DBAPIError:
    return cls("SELECT 1", {}, orig)


def test_a_lost_connection_a_deadlock_and_a_restart_are_transient():
    assert is_transient_database_error(wrapped(PgError("08006")))  # connection failure
    assert is_transient_database_error(wrapped(PgError("40P01"), sqlalchemy.exc.DBAPIError))  # deadlock
    assert is_transient_database_error(wrapped(PgError("57P01")))  # admin shutdown


def test_bugs_are_not_transient():
    assert not is_transient_database_error(wrapped(PgError("42P01")))  # undefined table
    assert not is_transient_database_error(wrapped(PgError("23505"), sqlalchemy.exc.IntegrityError))
    assert not is_transient_database_error(ValueError("database is locked"))
