"""An attempt at a quiz, held by the server: its clock, saved answers, submission, grades."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum

from lms_assessment.domain.errors import (
    AttemptClosed,
    GradeInvalid,
    NavigationRefused,
    NotAwaitingGrade,
    SessionSuperseded,
    SlotUnknown,
)
from lms_assessment.domain.events import AttemptFlagged, AttemptGraded, AttemptSubmitted
from lms_assessment.domain.integrity import IntegrityKind, flag_reasons
from lms_assessment.domain.questions.base import PRECISION, Answer, Body, Variant
from lms_assessment.domain.questions.catalogue import grade
from lms_assessment.domain.questions.manual import Description
from lms_assessment.domain.quiz import ExpiryAction, IntegrityRules, Navigation
from lms_kit.domain import Aggregate

# A resume within this long of the other session's last save means two devices at once.
CONCURRENT_SESSION_WINDOW = timedelta(seconds=30)


class AttemptState(Enum):
    IN_PROGRESS = "in_progress"
    AWAITING_GRADE = "awaiting_grade"  # submitted; essays or files wait for a teacher
    GRADED = "graded"
    ABANDONED = "abandoned"  # time ran out with the discard setting: never graded


@dataclass(frozen=True)
class AttemptQuestion:
    """A question as this attempt was shown it: the version is kept, so editing the
    question later does not change the attempt (until a teacher regrades)."""

    slot: int
    question_id: str
    version: int
    points: float
    body: Body
    variant: Variant
    title: str = ""
    text: str = ""
    bank_id: str = ""

    @property
    def graded(self) -> bool:
        return not isinstance(self.body, Description)


@dataclass(frozen=True)
class Response:
    """The graded answer in one slot. `fraction` is None while a teacher must grade it."""

    fraction: float | None
    feedback: tuple[str, ...] = ()
    comment: str = ""
    graded_by: str = ""


@dataclass(frozen=True)
class RegradeChange:
    attempt_id: str
    slot: int
    question_id: str
    from_version: int
    to_version: int
    old_points: float | None
    new_points: float | None
    changed_at: datetime


@dataclass(eq=True)
class Attempt(Aggregate):
    id: str
    quiz_id: str
    course_id: str
    lecture_id: str
    user_id: str
    number: int
    seed: int
    started_at: datetime
    deadline: datetime | None
    expiry: ExpiryAction
    grace_s: int
    navigation: Navigation
    pass_percent: float
    questions: tuple[AttemptQuestion, ...]
    session_id: str
    ip: str
    state: AttemptState = AttemptState.IN_PROGRESS
    answers: dict[int, Answer] = field(default_factory=dict)
    saved_seq: int = 0
    reached_slot: int = 1
    last_activity_at: datetime | None = None
    submitted_at: datetime | None = None
    graded_at: datetime | None = None
    responses: dict[int, Response] = field(default_factory=dict)
    integrity_counts: dict[str, int] = field(default_factory=dict)
    flags: tuple[str, ...] = ()

    # -- the clock ---------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        return self.state is not AttemptState.IN_PROGRESS

    def accepting_answers(self, now: datetime) -> bool:
        return not self.finished and (self.deadline is None or now <= self.deadline)

    def remaining_s(self, now: datetime) -> float | None:
        """Seconds until the deadline (0 when past); None without a deadline."""
        if self.deadline is None:
            return None
        return max(0.0, (self.deadline - now).total_seconds())

    def expire_if_due(self, now: datetime) -> bool:
        """Apply the expiry setting once the deadline has passed: auto-submit grades the saved
        answers as of the deadline; discard abandons; grace waits out the grace period and
        then abandons. True when the attempt changed."""
        if self.finished or self.deadline is None or now <= self.deadline:
            return False
        match self.expiry:
            case ExpiryAction.AUTO_SUBMIT:
                self._finish(self.deadline, late=False)
            case ExpiryAction.GRACE if now <= self.deadline + timedelta(seconds=self.grace_s):
                return False
            case _:
                self.state, self.submitted_at = AttemptState.ABANDONED, now
        return True

    # -- answers -------------------------------------------------------------------------

    def check_session(self, session_id: str) -> None:
        if session_id and session_id != self.session_id:
            raise SessionSuperseded()

    def save(self, answers: dict[int, Answer], seq: int, now: datetime, session_id: str = "") -> bool:
        """Merge `answers` (by slot) if `seq` is newer than the last save; an older or
        repeated sequence number changes nothing (False). Refused once time is up."""
        if not self.accepting_answers(now):
            raise AttemptClosed("out of time" if not self.finished else self.state.value)
        self.check_session(session_id)
        known = {q.slot for q in self.questions}
        unknown = sorted(set(answers) - known)
        if unknown:
            raise SlotUnknown(unknown[0])
        self.last_activity_at = now
        if seq <= self.saved_seq:
            return False
        if self.navigation is Navigation.SEQUENTIAL:
            for slot in answers:
                if slot < self.reached_slot:
                    raise NavigationRefused(slot)
            self.reached_slot = max([self.reached_slot, *answers])
        self.answers = {**self.answers, **answers}
        self.saved_seq = seq
        return True

    def resume(self, session_id: str, now: datetime) -> bool:
        """Hand the attempt to a new session (another device after a disconnect). True when the
        other session was still active, i.e. two devices at once."""
        concurrent = (
            session_id != self.session_id
            and self.last_activity_at is not None
            and now - self.last_activity_at < CONCURRENT_SESSION_WINDOW
        )
        self.session_id = session_id
        self.last_activity_at = now
        return concurrent

    def submit(self, now: datetime, answers: dict[int, Answer], seq: int, session_id: str = "") -> bool:
        """Finish the attempt. In time, `answers` are saved first. Late, nothing the client
        sends is taken: auto-submit grades what was saved by the deadline, a grace period
        accepts the submit of the saved answers, discard (or a grace period that ran out)
        abandons the attempt. Submitting a finished attempt changes nothing (False)."""
        if self.finished:
            return False
        if self.accepting_answers(now):
            if answers:
                self.save(answers, seq, now, session_id)
            self._finish(now, late=False)
            return True
        if self.expire_if_due(now):
            return True
        # Still open: only a grace period keeps it so after the deadline.
        self._finish(now, late=True)
        return True

    # -- grading -------------------------------------------------------------------------

    def _finish(self, at: datetime, *, late: bool) -> None:
        self.submitted_at = at
        self.responses = {}
        for question in self.questions:
            if not question.graded:
                continue
            outcome = grade(question.body, self.answers.get(question.slot, Answer()), question.variant)
            fraction = None if outcome.needs_manual else outcome.fraction
            self.responses[question.slot] = Response(fraction, outcome.feedback)
        self.raise_event(AttemptSubmitted(self.id, self.quiz_id, self.course_id, self.user_id, at, late))
        self.state = AttemptState.AWAITING_GRADE
        self._graded_if_complete(at, regraded=False)

    def _graded_if_complete(self, now: datetime, *, regraded: bool) -> None:
        if any(r.fraction is None for r in self.responses.values()):
            return
        self.state, self.graded_at = AttemptState.GRADED, now
        self.raise_event(
            AttemptGraded(
                self.id, self.quiz_id, self.course_id, self.lecture_id, self.user_id,
                self.score, self.max_score, self.passed, now, regraded,
            )
        )  # fmt: skip

    @property
    def max_score(self) -> float:
        return round(sum(q.points for q in self.questions if q.graded), PRECISION)

    @property
    def score(self) -> float:
        points = {q.slot: q.points for q in self.questions}
        earned = sum((r.fraction or 0.0) * points[slot] for slot, r in self.responses.items())
        return min(self.max_score, round(earned, PRECISION))

    @property
    def percent(self) -> float:
        return round(100.0 * self.score / self.max_score, PRECISION) if self.max_score else 0.0

    @property
    def passed(self) -> bool:
        return self.state is AttemptState.GRADED and self.percent >= self.pass_percent

    def awaiting(self) -> list[int]:
        """The slots a teacher still has to grade."""
        return sorted(slot for slot, r in self.responses.items() if r.fraction is None)

    def question(self, slot: int) -> AttemptQuestion:
        for question in self.questions:
            if question.slot == slot:
                return question
        raise SlotUnknown(slot)

    def grade_manually(self, slot: int, points: float, comment: str, grader: str, now: datetime) -> None:
        """A teacher's grade (points out of the slot's points) for an essay or file answer;
        the attempt is graded once no answer waits any more. Re-marking is allowed."""
        question = self.question(slot)
        if self.state not in (AttemptState.AWAITING_GRADE, AttemptState.GRADED) or question.body.auto_graded:
            raise NotAwaitingGrade()
        if not 0 <= points <= question.points:
            raise GradeInvalid("points", f"between 0 and {question.points:g}")
        was_graded = self.state is AttemptState.GRADED
        fraction = round(points / question.points, PRECISION) if question.points else 0.0
        self.responses[slot] = replace(
            self.responses[slot], fraction=fraction, comment=comment, graded_by=grader
        )
        if was_graded:
            self.graded_at = now
            self.raise_event(
                AttemptGraded(
                    self.id, self.quiz_id, self.course_id, self.lecture_id, self.user_id,
                    self.score, self.max_score, self.passed, now, True,
                )
            )  # fmt: skip
        else:
            self._graded_if_complete(now, regraded=False)

    def regrade(self, question_id: str, version: int, body: Body, now: datetime) -> list[RegradeChange]:
        """Grade the saved answers again with a fixed version of a question. Only slots showing
        that question change; the change is returned (to be recorded) when the points moved."""
        if self.state not in (AttemptState.AWAITING_GRADE, AttemptState.GRADED):
            return []
        changes = []
        questions = list(self.questions)
        for index, question in enumerate(questions):
            if question.question_id != question_id or not body.auto_graded or not question.graded:
                continue
            old = self.responses.get(question.slot)
            outcome = grade(body, self.answers.get(question.slot, Answer()), question.variant)
            new = Response(outcome.fraction, outcome.feedback)
            questions[index] = replace(question, version=version, body=body)
            old_points = (
                None if old is None or old.fraction is None else round(old.fraction * question.points, 6)
            )
            new_points = round(outcome.fraction * question.points, PRECISION)
            self.responses[question.slot] = new
            if old_points != new_points:
                changes.append(
                    RegradeChange(
                        self.id,
                        question.slot,
                        question_id,
                        question.version,
                        version,
                        old_points,
                        new_points,
                        now,
                    )
                )
        self.questions = tuple(questions)
        if changes and self.state is AttemptState.GRADED:
            self.graded_at = now
            self.raise_event(
                AttemptGraded(
                    self.id, self.quiz_id, self.course_id, self.lecture_id, self.user_id,
                    self.score, self.max_score, self.passed, now, True,
                )
            )  # fmt: skip
        return changes

    # -- integrity -----------------------------------------------------------------------

    def record_integrity(self, kind: IntegrityKind, rules: IntegrityRules, now: datetime) -> tuple[str, ...]:
        """Count an integrity event; returns the flag reasons it newly raised."""
        self.integrity_counts = {
            **self.integrity_counts,
            kind.value: self.integrity_counts.get(kind.value, 0) + 1,
        }
        new = tuple(r for r in flag_reasons(self.integrity_counts, rules) if r not in self.flags)
        if new:
            self.flags = (*self.flags, *new)
            self.raise_event(AttemptFlagged(self.id, self.quiz_id, self.course_id, self.user_id, new, now))
        return new
