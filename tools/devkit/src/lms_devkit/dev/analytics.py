"""The analytics service in the embedded default: its chDB store in the runner's data
directory, and one process (chDB is one embedded server per process on its directory)."""

from __future__ import annotations

from lms_devkit.dev import DevContext, DevSetup


def prepare(ctx: DevContext) -> DevSetup:
    store = ctx.data_dir / "chdb"
    store.mkdir(parents=True, exist_ok=True)
    return DevSetup(env={"LMS_WORKERS": "1", "LMS_ANALYTICS_STORE_PATH": str(store)})
