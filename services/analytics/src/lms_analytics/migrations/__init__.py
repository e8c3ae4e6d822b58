"""Alembic migrations of the analytics service's database (run by lms_kit.migrations.upgrade)."""

from pathlib import Path

MIGRATIONS_DIR = Path(__file__).resolve().parent
