"""JetStream streams: one per domain, plus the dead-letter stream.

Stream `LMS_<DOMAIN>` holds subjects `lms.<domain>.v1.>`; `LMS_DLQ` holds `lms.dlq.>`.
Both are created or updated idempotently at start-up by whoever publishes into them.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig, StreamInfo
from nats.js.errors import NotFoundError

log = logging.getLogger(__name__)

DLQ_STREAM = "LMS_DLQ"
DLQ_PREFIX = "lms.dlq"

# JetStream de-duplicates on Nats-Msg-Id only within this window. A relay that published but
# crashed before marking the row publishes it again when it (or a peer) next runs: the window
# must outlast a restart (Kubernetes crash-loop back-off caps at 5 min) and a short database
# or NATS outage, many times over. Older duplicates are still caught by consumers' inboxes.
# The server keeps one small entry per message id for the window; one hour of an LMS
# domain's events is cheap.
DEFAULT_DUPLICATE_WINDOW = timedelta(hours=1)
DEFAULT_MAX_AGE = timedelta(days=7)
DEFAULT_DLQ_MAX_AGE = timedelta(days=30)

_DOMAIN = re.compile(r"^[a-z][a-z0-9_]*$")


def stream_name(domain: str) -> str:
    """`LMS_COURSE` for domain `course`."""
    if not _DOMAIN.match(domain):
        raise ValueError(f"bad domain name {domain!r}: lower-case letters, digits, underscores")
    return f"LMS_{domain.upper()}"


def domain_subjects(domain: str) -> str:
    return f"lms.{domain}.v1.>"


async def ensure_stream(
    js: JetStreamContext,
    domain: str,
    *,
    duplicate_window: timedelta = DEFAULT_DUPLICATE_WINDOW,
    max_age: timedelta = DEFAULT_MAX_AGE,
    replicas: int = 1,
) -> StreamInfo:
    """Create or update the domain's stream `LMS_<DOMAIN>` for `lms.<domain>.v1.>`."""
    return await _ensure(
        js,
        StreamConfig(
            name=stream_name(domain),
            subjects=[domain_subjects(domain)],
            retention=RetentionPolicy.LIMITS,  # many consumers read one stream independently
            storage=StorageType.FILE,
            discard=DiscardPolicy.OLD,
            max_age=max_age.total_seconds(),
            duplicate_window=duplicate_window.total_seconds(),
            num_replicas=replicas,
        ),
    )


async def ensure_dead_letter_stream(
    js: JetStreamContext, *, max_age: timedelta = DEFAULT_DLQ_MAX_AGE, replicas: int = 1
) -> StreamInfo:
    """Create or update `LMS_DLQ` for `lms.dlq.>` (subject `lms.dlq.<consumer>`)."""
    return await _ensure(
        js,
        StreamConfig(
            name=DLQ_STREAM,
            subjects=[f"{DLQ_PREFIX}.>"],
            retention=RetentionPolicy.LIMITS,
            storage=StorageType.FILE,
            discard=DiscardPolicy.OLD,
            max_age=max_age.total_seconds(),
            duplicate_window=DEFAULT_DUPLICATE_WINDOW.total_seconds(),
            num_replicas=replicas,
        ),
    )


async def _ensure(js: JetStreamContext, config: StreamConfig) -> StreamInfo:
    assert config.name is not None
    try:
        await js.stream_info(config.name)
    except NotFoundError:
        # add_stream is idempotent for an identical config, so a racing peer is harmless.
        info = await js.add_stream(config)
        log.info("stream_created stream=%s subjects=%s", config.name, config.subjects)
        return info
    return await js.update_stream(config)
