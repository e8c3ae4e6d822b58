"""Quiz definitions and attempt documents as JSON (the JSONB columns) and back."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from lms_assessment.domain.attempt import Attempt, AttemptQuestion, AttemptState, Response
from lms_assessment.domain.questions.codec import (
    answer_from_dict,
    answer_to_dict,
    body_from_dict,
    body_to_dict,
    variant_from_dict,
    variant_to_dict,
)
from lms_assessment.domain.quiz import (
    ExpiryAction,
    GradingMethod,
    IntegrityRules,
    Navigation,
    QuizSettings,
    ReviewOptions,
    ReviewTime,
    Section,
    Slot,
)


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def definition_to_json(sections: tuple[Section, ...], settings: QuizSettings) -> dict[str, Any]:
    return {
        "sections": [
            {"title": s.title, "shuffle": s.shuffle, "slots": [asdict(slot) for slot in s.slots]}
            for s in sections
        ],
        "settings": {
            "open_at": _time(settings.open_at),
            "close_at": _time(settings.close_at),
            "time_limit_s": settings.time_limit_s,
            "expiry": settings.expiry.value,
            "grace_s": settings.grace_s,
            "attempts_allowed": settings.attempts_allowed,
            "delay_between_attempts_s": settings.delay_between_attempts_s,
            "grading_method": settings.grading_method.value,
            "pass_percent": settings.pass_percent,
            "navigation": settings.navigation.value,
            "review": {k: v.value for k, v in asdict(settings.review).items()},
            "lecture_id": settings.lecture_id,
            "password": settings.password,
            "ip_ranges": list(settings.ip_ranges),
            "integrity": asdict(settings.integrity),
        },
    }


def definition_from_json(data: dict[str, Any]) -> tuple[tuple[Section, ...], QuizSettings]:
    sections = tuple(
        Section(s["title"], tuple(Slot(**slot) for slot in s["slots"]), s["shuffle"])
        for s in data["sections"]
    )
    raw = data["settings"]
    settings = QuizSettings(
        open_at=_parse_time(raw["open_at"]),
        close_at=_parse_time(raw["close_at"]),
        time_limit_s=raw["time_limit_s"],
        expiry=ExpiryAction(raw["expiry"]),
        grace_s=raw["grace_s"],
        attempts_allowed=raw["attempts_allowed"],
        delay_between_attempts_s=raw["delay_between_attempts_s"],
        grading_method=GradingMethod(raw["grading_method"]),
        pass_percent=raw["pass_percent"],
        navigation=Navigation(raw["navigation"]),
        review=ReviewOptions(**{k: ReviewTime(v) for k, v in raw["review"].items()}),
        lecture_id=raw["lecture_id"],
        password=raw["password"],
        ip_ranges=tuple(raw["ip_ranges"]),
        integrity=IntegrityRules(**raw["integrity"]),
    )
    return sections, settings


def attempt_document(attempt: Attempt) -> dict[str, Any]:
    return {
        "lecture_id": attempt.lecture_id,
        "seed": attempt.seed,
        "expiry": attempt.expiry.value,
        "grace_s": attempt.grace_s,
        "navigation": attempt.navigation.value,
        "pass_percent": attempt.pass_percent,
        "session_id": attempt.session_id,
        "ip": attempt.ip,
        "reached_slot": attempt.reached_slot,
        "last_activity_at": _time(attempt.last_activity_at),
        "questions": [
            {
                "slot": q.slot,
                "question_id": q.question_id,
                "version": q.version,
                "points": q.points,
                "body": body_to_dict(q.body),
                "variant": variant_to_dict(q.variant),
                "title": q.title,
                "text": q.text,
                "bank_id": q.bank_id,
            }
            for q in attempt.questions
        ],
        "answers": {str(slot): answer_to_dict(a) for slot, a in attempt.answers.items()},
        "responses": {
            str(slot): {
                "fraction": r.fraction,
                "feedback": list(r.feedback),
                "comment": r.comment,
                "by": r.graded_by,
            }
            for slot, r in attempt.responses.items()
        },
        "integrity_counts": attempt.integrity_counts,
        "flags": list(attempt.flags),
    }


def attempt_from_row(row: Any) -> Attempt:
    doc = row.document
    questions = tuple(
        AttemptQuestion(
            slot=q["slot"],
            question_id=q["question_id"],
            version=q["version"],
            points=q["points"],
            body=body_from_dict(q["body"]),
            variant=variant_from_dict(q["variant"]),
            title=q["title"],
            text=q["text"],
            bank_id=q.get("bank_id", ""),
        )
        for q in doc["questions"]
    )
    return Attempt(
        id=row.id,
        quiz_id=row.quiz_id,
        course_id=row.course_id,
        lecture_id=doc["lecture_id"],
        user_id=row.user_id,
        number=row.number,
        seed=doc["seed"],
        started_at=row.started_at,
        deadline=row.deadline,
        expiry=ExpiryAction(doc["expiry"]),
        grace_s=doc["grace_s"],
        navigation=Navigation(doc["navigation"]),
        pass_percent=doc["pass_percent"],
        questions=questions,
        session_id=doc["session_id"],
        ip=doc["ip"],
        state=AttemptState(row.state),
        answers={int(k): answer_from_dict(v) for k, v in doc["answers"].items()},
        saved_seq=row.saved_seq,
        reached_slot=doc["reached_slot"],
        last_activity_at=_parse_time(doc["last_activity_at"]),
        submitted_at=row.submitted_at,
        graded_at=row.graded_at,
        responses={
            int(k): Response(v["fraction"], tuple(v["feedback"]), v["comment"], v["by"])
            for k, v in doc["responses"].items()
        },
        integrity_counts=dict(doc["integrity_counts"]),
        flags=tuple(doc["flags"]),
    )
