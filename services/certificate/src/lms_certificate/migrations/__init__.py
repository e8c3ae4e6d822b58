"""Alembic migrations of the certificate service's database (run by lms_kit.migrations.upgrade)."""

from pathlib import Path

MIGRATIONS_DIR = Path(__file__).resolve().parent
