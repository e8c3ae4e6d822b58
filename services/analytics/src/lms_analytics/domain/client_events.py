"""Client events (what a browser or app saw the learner do), checked before they are kept:
each kind needs its own fields, and every bad field of a batch is reported at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from lms_analytics.domain.errors import InvalidClientEvents
from lms_analytics.domain.statements import Statement
from lms_kit.domain.errors import FieldViolation


class ClientEventKind(Enum):
    PAGE_VIEWED = "page-viewed"
    LECTURE_VIEWED = "lecture-viewed"
    VIDEO_PLAYED = "video-played"
    VIDEO_PAUSED = "video-paused"
    VIDEO_SEEKED = "video-seeked"
    SEARCH_PERFORMED = "search-performed"


VIDEO_KINDS = {ClientEventKind.VIDEO_PLAYED, ClientEventKind.VIDEO_PAUSED, ClientEventKind.VIDEO_SEEKED}
OBJECT_TYPES = {
    ClientEventKind.PAGE_VIEWED: "page",
    ClientEventKind.LECTURE_VIEWED: "lecture",
    ClientEventKind.VIDEO_PLAYED: "video",
    ClientEventKind.VIDEO_PAUSED: "video",
    ClientEventKind.VIDEO_SEEKED: "video",
    ClientEventKind.SEARCH_PERFORMED: "search",
}

# Late events are welcome (offline apps sync later); events from the future are clock bugs.
MAX_CLOCK_SKEW = timedelta(minutes=5)
MAX_AGE = timedelta(days=30)


@dataclass(frozen=True)
class ClientEvent:
    event_id: str
    kind: ClientEventKind
    object_id: str
    occurred_at: datetime
    course_id: str = ""
    position_s: float | None = None
    seek_from_s: float | None = None
    query: str = ""


def statements_from_client_events(user_id: str, events: list[ClientEvent], now: datetime) -> list[Statement]:
    """The statements of a batch, or InvalidClientEvents naming every bad field
    (`events[2].position_s`)."""
    violations: list[FieldViolation] = []
    for index, event in enumerate(events):
        violations.extend(
            FieldViolation(f"events[{index}].{name}", why, "INVALID") for name, why in _problems(event, now)
        )
    if violations:
        raise InvalidClientEvents(violations)
    return [_statement(user_id, event) for event in events]


def _problems(event: ClientEvent, now: datetime) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if event.occurred_at > now + MAX_CLOCK_SKEW:
        problems.append(("occur_time", "is in the future"))
    elif event.occurred_at < now - MAX_AGE:
        problems.append(("occur_time", f"is older than {MAX_AGE.days} days"))
    if event.kind in VIDEO_KINDS and event.position_s is None:
        problems.append(("position_s", "is required for video events"))
    if event.position_s is not None and event.position_s < 0:
        problems.append(("position_s", "must not be negative"))
    if event.kind is ClientEventKind.VIDEO_SEEKED and event.seek_from_s is None:
        problems.append(("seek_from_s", "is required for a seek"))
    if event.kind is ClientEventKind.SEARCH_PERFORMED and not event.query.strip():
        problems.append(("query", "is required for a search"))
    if event.kind in (ClientEventKind.LECTURE_VIEWED, *VIDEO_KINDS) and not event.course_id:
        problems.append(("course_id", "is required for lecture and video events"))
    return problems


def _statement(user_id: str, event: ClientEvent) -> Statement:
    result: dict[str, object] = {}
    if event.position_s is not None:
        result["position_s"] = event.position_s
    if event.seek_from_s is not None:
        result["seek_from_s"] = event.seek_from_s
    if event.query:
        result["query"] = event.query
    return Statement(
        event_id=event.event_id,
        event_type=f"client.{event.kind.value}",
        actor=user_id,
        verb=event.kind.value,
        object_type=OBJECT_TYPES[event.kind],
        object_id=event.object_id,
        course_id=event.course_id,
        occurred_at=event.occurred_at,
        source="client",
        result=result,
        context={"client": True},
    )
