"""The assessment service through the real Envoy, over REST as the apps call it: a teacher
builds a bank, a question and quizzes; an enrolled learner starts, autosaves and submits.
Right answers stay hidden until the quiz's review options allow them; another learner
cannot read the attempt; a teacher of another course cannot grade it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import httpx
import pytest

from .test_course_through_gateway import course_with_a_lecture, dev_bearer, ok

if TYPE_CHECKING:
    from conftest import RunningMesh

pytestmark = pytest.mark.e2e

CHOICES = [
    {"id": "a", "text": "Paris", "fraction": 1, "feedback": "Yes"},
    {"id": "b", "text": "Lyon", "fraction": 0, "feedback": "No"},
]


def learner(mesh: RunningMesh, rest: httpx.Client, course: str) -> dict[str, str]:
    headers = dev_bearer(mesh, f"learner-{uuid.uuid4().hex[:8]}", "student")
    ok(rest.post(f"/v1/{course}:enroll", json={}, headers=headers))
    return headers


def quiz(rest: httpx.Client, course: str, teacher: dict, question: str, correct_answers: str) -> str:
    close = (datetime.now(UTC) + timedelta(days=7)).isoformat().replace("+00:00", "Z")
    created = ok(
        rest.post(
            "/v1/quizzes",
            json={
                "course": course,
                "title": "Capitals",
                "sections": [{"title": "One", "slots": [{"question": question, "points": 2}]}],
                "closeTime": close,
                "passPercent": 50,
                "review": {
                    "marks": "REVIEW_TIME_IMMEDIATELY",
                    "feedback": "REVIEW_TIME_IMMEDIATELY",
                    "correctAnswers": correct_answers,
                },
            },
            headers=teacher,
        )
    )
    return ok(rest.post(f"/v1/{created['name']}:publish", json={}, headers=teacher))["name"]


def test_a_learner_attempts_over_rest_and_sees_right_answers_only_when_the_review_allows(
    devmesh: RunningMesh, rest: httpx.Client
) -> None:
    course, teacher = course_with_a_lecture(devmesh, rest, publish=True)
    bank = ok(rest.post("/v1/banks", json={"course": course, "title": "Geography"}, headers=teacher))
    category = ok(
        rest.post(f"/v1/{bank['name']}/categories", json={"displayName": "Europe"}, headers=teacher)
    )
    question = ok(
        rest.post(
            f"/v1/{bank['name']}/questions",
            json={
                "category": category["name"],
                "title": "Capital of France",
                "text": "Which city?",
                "points": 1,
                "body": {"singleChoice": {"choices": CHOICES, "shuffle": True}},
            },
            headers=teacher,
        )
    )
    hidden_quiz = quiz(rest, course, teacher, question["name"], "REVIEW_TIME_AFTER_CLOSE")
    open_quiz = quiz(rest, course, teacher, question["name"], "REVIEW_TIME_IMMEDIATELY")
    me = learner(devmesh, rest, course)

    attempt = ok(rest.post(f"/v1/{hidden_quiz}:startAttempt", json={"sessionId": "web"}, headers=me))
    assert attempt["state"] == "ATTEMPT_STATE_IN_PROGRESS"
    assert "correct" not in attempt["questions"][0] and "fraction" not in str(attempt)
    saved = ok(
        rest.post(
            f"/v1/{attempt['name']}:saveAnswers",
            json={
                "sequence": "1",
                "sessionId": "web",
                "answers": [{"slot": 1, "answer": {"choices": ["b"]}}],
            },
            headers=me,
        )
    )
    assert saved["saved"] is True
    submitted = ok(rest.post(f"/v1/{attempt['name']}:submit", json={"sessionId": "web"}, headers=me))
    assert (submitted["state"], submitted["score"], submitted["maxScore"]) == ("ATTEMPT_STATE_GRADED", 0, 2)
    again = ok(rest.get(f"/v1/{attempt['name']}", headers=me))
    assert again["questions"][0]["feedback"] == ["No"]
    assert "correct" not in again["questions"][0] and "fraction" not in str(again)

    shown = ok(rest.post(f"/v1/{open_quiz}:startAttempt", json={"sessionId": "web"}, headers=me))
    assert "correct" not in shown["questions"][0]
    reviewed = ok(
        rest.post(
            f"/v1/{shown['name']}:submit",
            json={"sequence": "1", "answers": [{"slot": 1, "answer": {"choices": ["a"]}}]},
            headers=me,
        )
    )
    assert reviewed["score"] == 2 and reviewed["passed"] is True
    assert reviewed["questions"][0]["correct"]["singleChoice"]["choices"][0]["fraction"] == 1

    stranger = learner(devmesh, rest, course)
    assert rest.get(f"/v1/{attempt['name']}", headers=stranger).status_code == 404
    other_course, other_teacher = course_with_a_lecture(devmesh, rest, publish=True)
    grading = rest.post(
        f"/v1/{attempt['name']}:gradeResponse", json={"slot": 1, "points": 2}, headers=other_teacher
    )
    assert grading.status_code == 403, grading.text
    assert grading.json()["details"][0]["reason"] == "NOT_COURSE_TEACHER"
    assert other_course != course
