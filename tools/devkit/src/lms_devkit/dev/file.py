"""The file service in the embedded default: a SeaweedFS of its own (a real S3 API, so that
presigned upload and download URLs work as in production), unless the runner's
environment names an S3 endpoint (LMS_S3_ENDPOINT_URL: AWS S3, MinIO, a shared SeaweedFS)."""

from __future__ import annotations

import os

from lms_devkit.dev import DevChild, DevContext, DevSetup
from lms_devkit.standins.seaweed import SeaweedConfig


def prepare(ctx: DevContext) -> DevSetup:
    if os.environ.get("LMS_S3_ENDPOINT_URL"):
        return DevSetup()
    config = SeaweedConfig.fresh(ctx.data_dir / "s3", ctx.free_port)
    (config.data_dir / "data").mkdir(parents=True, exist_ok=True)
    child = DevChild(name="seaweedfs", argv=config.argv(), ready=config.answers)
    (ctx.data_dir / "s3.txt").write_text(
        f"SeaweedFS S3: {config.endpoint} (bucket lms-files; keys in {config.data_dir / 's3-identities.json'})\n"
    )
    return DevSetup(
        env={
            "LMS_S3_ENDPOINT_URL": config.endpoint,
            "LMS_S3_ACCESS_KEY_ID": config.access_key,
            "LMS_S3_SECRET_ACCESS_KEY": config.secret_key,
        },
        children=[child],
    )
