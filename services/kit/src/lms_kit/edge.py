"""Answers the gateway may keep: the `cache-control` header of a REST answer.

The gateway's edge cache (scripts/gen_envoy.py, `(lms.options.v1.edge_cache)`)
stores an anonymous GET answer only when the service marks it `public` with a
max-age; the transcoder passes gRPC initial metadata on as HTTP headers."""

from __future__ import annotations

import grpc

from lms_kit.auth import current_principal


async def allow_edge_cache(context: grpc.aio.ServicerContext, max_age_s: int) -> None:
    """Say that this answer is the same for every anonymous caller and may be reused
    for `max_age_s` seconds (0: never). Signed-in callers get no header: their
    answers are never shared, and their browsers should not keep them either."""
    if max_age_s > 0 and current_principal().is_anonymous:
        await context.send_initial_metadata((("cache-control", f"public, max-age={max_age_s}"),))
