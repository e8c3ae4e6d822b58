"""Answers the gateway may keep: the `cache-control` header of a REST answer.

The gateway's edge cache (scripts/gen_envoy.py, `(lms.options.v1.edge_cache)`)
stores an anonymous GET answer only when the service marks it `public` with a
max-age; the transcoder passes gRPC initial metadata on as HTTP headers."""

from __future__ import annotations

import random

import grpc

from lms_kit.auth import current_principal

# Each answer's max-age is cut by up to this fraction, at random: entries filled
# together (a deploy, a burst of traffic) then expire spread out, not as one
# stampede of misses that all reach the service at once.
MAX_AGE_JITTER = 0.2


def edge_max_age(max_age_s: int, rng: random.Random | None = None) -> int:
    """`max_age_s` less a random part of up to MAX_AGE_JITTER of it (never below 1)."""
    spread = int(max_age_s * MAX_AGE_JITTER)
    return max(1, max_age_s - (rng or random).randint(0, spread)) if max_age_s > 0 else 0


async def allow_edge_cache(context: grpc.aio.ServicerContext, max_age_s: int) -> None:
    """Say that this answer is the same for every anonymous caller and may be reused
    for up to `max_age_s` seconds (0: never). Signed-in callers get no header: their
    answers are never shared, and their browsers should not keep them either."""
    if max_age_s > 0 and current_principal().is_anonymous:
        await context.send_initial_metadata(
            (("cache-control", f"public, max-age={edge_max_age(max_age_s)}"),)
        )
