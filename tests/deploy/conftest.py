"""Fixtures of the deploy tests (they live in deploy_support, importable by the tests too)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from deploy_support import crd_validator, helm, rendered, rendered_text, specs  # noqa: F401
