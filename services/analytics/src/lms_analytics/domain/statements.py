"""xAPI-shaped statements (actor, verb, object, result, context, timestamp) and the mapping
of any platform domain event to one. The mapping is generic: a new event type becomes a
statement without a code change; the verbs of the events dashboards count are named."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Event type -> (verb, object type). Everything else gets a verb derived from its name.
KNOWN_VERBS: Mapping[str, tuple[str, str]] = {
    "lms.user.v1.UserRegistered": ("registered", "platform"),
    "lms.course.v1.EnrollmentCreated": ("enrolled", "course"),
    "lms.course.v1.EnrollmentEnded": ("unenrolled", "course"),
    "lms.course.v1.LectureCompleted": ("completed", "lecture"),
    "lms.course.v1.CourseCompleted": ("completed", "course"),
    "lms.course.v1.CoursePublished": ("published", "course"),
    "lms.payment.v1.OrderPaid": ("purchased", "order"),
    "lms.payment.v1.OrderRefunded": ("refunded", "order"),
    "lms.assessment.v1.AttemptGraded": ("scored", "attempt"),
    "lms.certificate.v1.CertificateIssued": ("earned", "certificate"),
}

# Payload fields that name the person doing the thing, in order of preference.
ACTOR_FIELDS = ("user_id", "learner_id", "owner_id", "teacher_id", "recipient_id", "uploader_id")
SYSTEM_ACTOR = "system"

XAPI_VERB_BASE = "https://lms.example/xapi/verbs/"


@dataclass(frozen=True)
class Statement:
    """One stored learning record; `event_id` makes it unique."""

    event_id: str
    event_type: str
    actor: str
    verb: str
    object_type: str
    object_id: str
    course_id: str
    occurred_at: datetime
    source: str  # "domain" (NATS) or "client" (TrackEvents)
    result: Mapping[str, Any] = field(default_factory=dict)
    context: Mapping[str, Any] = field(default_factory=dict)

    @property
    def verb_iri(self) -> str:
        return XAPI_VERB_BASE + self.verb


def verb_for(event_type: str) -> tuple[str, str]:
    """(verb, object type) of an event type: named for known events, else derived from the
    message name (`QuizPublished` -> verb `quiz-published`, object `quiz`)."""
    known = KNOWN_VERBS.get(event_type)
    if known is not None:
        return known
    name = event_type.rsplit(".", 1)[-1]
    words = [w.lower() for w in re.findall(r"[A-Z][a-z0-9]*", name)] or [name.lower()]
    return "-".join(words), words[0]


def statement_from_event(
    event_id: str, event_type: str, payload: Mapping[str, Any], occurred_at: datetime
) -> Statement:
    """Map a decoded domain event (payload as proto-JSON with field names) to a statement."""
    verb, object_type = verb_for(event_type)
    actor = next((str(payload[f]) for f in ACTOR_FIELDS if payload.get(f)), SYSTEM_ACTOR)
    course_id = str(payload.get("course_id", ""))
    object_id = _object_id(object_type, payload, course_id)
    result = _result(event_type, payload)
    context = {"domain": event_type.split(".")[1], "payload": dict(payload)}
    return Statement(
        event_id=event_id,
        event_type=event_type,
        actor=actor,
        verb=verb,
        object_type=object_type,
        object_id=object_id,
        course_id=course_id,
        occurred_at=occurred_at,
        source="domain",
        result=result,
        context=context,
    )


def _object_id(object_type: str, payload: Mapping[str, Any], course_id: str) -> str:
    own = payload.get(f"{object_type}_id")
    if own:
        return str(own)
    if object_type == "course" and course_id:
        return course_id
    for key, value in payload.items():  # first other id that is not the actor
        if key.endswith("_id") and key not in ACTOR_FIELDS and value:
            return str(value)
    return course_id


def _result(event_type: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    if event_type == "lms.payment.v1.OrderPaid":
        return {"amount": _money(payload.get("amount")), "provider": payload.get("provider", "")}
    if event_type == "lms.payment.v1.OrderRefunded":
        return {"amount": _money(payload.get("amount")), "full": bool(payload.get("full", False))}
    if event_type == "lms.assessment.v1.AttemptGraded":
        return {
            "score": {"raw": float(payload.get("score", 0.0)), "max": float(payload.get("max_score", 0.0))},
            "success": bool(payload.get("passed", False)),
        }
    if event_type in ("lms.course.v1.CourseCompleted", "lms.course.v1.LectureCompleted"):
        return {"completion": True}
    return {}


def _money(value: Any) -> dict[str, Any]:
    value = value or {}
    return {
        "currency": str(value.get("currency_code", "")),
        "amount_minor": int(value.get("amount_minor", 0)),
    }
