"""Notifications in the embedded default: without an SMTP relay in the runner's environment,
mail is written as readable .eml files into <data>/notification/outbox; unsubscribe links
point at the dev gateway."""

from __future__ import annotations

import os

from lms_devkit.dev import DevContext, DevSetup


def prepare(ctx: DevContext) -> DevSetup:
    env = {"LMS_PUBLIC_URL": ctx.rest_url}
    if not os.environ.get("LMS_SMTP_HOST"):
        outbox = ctx.data_dir / "outbox"
        outbox.mkdir(parents=True, exist_ok=True)
        env["LMS_MAIL_OUTBOX_DIR"] = str(outbox)
        (ctx.data_dir / "outbox.txt").write_text(f"Mail is written to {outbox} (one .eml file per message)\n")
    return DevSetup(env=env)
