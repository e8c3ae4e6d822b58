"""Attempts: start, autosave, submit, resume, the clock, integrity events. The server's
clock decides; each change of an attempt runs under its row lock, so retries and concurrent
calls give one outcome."""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from lms_assessment.domain.attempt import Attempt, AttemptQuestion
from lms_assessment.domain.errors import (
    AccessRefused,
    AttemptClosed,
    AttemptTooSoon,
    NoAttemptsLeft,
    QuizNotOpen,
    ResourceNotFound,
)
from lms_assessment.domain.integrity import CLIENT_KINDS, IntegrityEvent, IntegrityKind
from lms_assessment.domain.questions.base import Answer
from lms_assessment.domain.questions.catalogue import draw_variant
from lms_assessment.domain.quiz import Override, Quiz, QuizState, compose, quiz_grade
from lms_assessment.domain.review import Visibility, visibility
from lms_assessment.handlers.access import CourseGate
from lms_assessment.handlers.ports import AssessmentUnitOfWork
from lms_kit.domain import Actor, Clock, FieldViolation, Invalid, utc_now


@dataclass(frozen=True)
class AttemptForViewer:
    attempt: Attempt
    visible: Visibility


@dataclass(frozen=True)
class ClockTick:
    attempt: Attempt
    now: datetime
    forced: bool


@dataclass(frozen=True)
class SaveResult:
    saved: bool
    attempt: Attempt


@dataclass(frozen=True)
class ClientIntegrityEvent:
    kind: IntegrityKind
    client_time: datetime | None
    detail: str


def _slot_seed(seed: int, slot: int) -> int:
    return (seed * 1_000_003 + slot) % (2**63)


class AttemptHandlers:
    def __init__(
        self, uow: Callable[[], AssessmentUnitOfWork], gate: CourseGate, *, clock: Clock = utc_now
    ) -> None:
        self._uow = uow
        self._gate = gate
        self._clock = clock

    # -- reading ---------------------------------------------------------------------

    async def _visible(
        self, uow: AssessmentUnitOfWork, actor: Actor, attempt: Attempt | None, name: str
    ) -> Quiz:
        """The attempt's quiz, if the caller is its learner or teaches the course."""
        if attempt is None:
            raise ResourceNotFound("attempt", name)
        if attempt.user_id != actor.user_id and not await self._gate.teaches(actor, attempt.course_id):
            raise ResourceNotFound("attempt", name)
        quiz = await uow.quizzes.get(attempt.quiz_id)
        assert quiz is not None  # attempts reference their quiz
        return quiz

    async def _view(
        self, uow: AssessmentUnitOfWork, actor: Actor, attempt: Attempt, quiz: Quiz
    ) -> AttemptForViewer:
        teacher = attempt.user_id != actor.user_id or await self._gate.teaches(actor, attempt.course_id)
        override = await uow.overrides.get(quiz.id, attempt.user_id)
        shown = visibility(
            attempt, quiz.settings.review, quiz.close_for(override), self._clock(), teacher=teacher
        )
        return AttemptForViewer(attempt, shown)

    async def get(self, actor: Actor, attempt_id: str) -> AttemptForViewer:
        async with self._uow() as uow:
            attempt = await uow.attempts.get(attempt_id, for_update=True)
            quiz = await self._visible(uow, actor, attempt, f"attempts/{attempt_id}")
            assert attempt is not None
            if attempt.expire_if_due(self._clock()):
                await uow.attempts.save(attempt)
                await uow.commit()
            return await self._view(uow, actor, attempt, quiz)

    async def list_for_quiz(self, actor: Actor, quiz_id: str, after: int, limit: int) -> tuple[list[tuple[int, AttemptForViewer]], float | None]:  # fmt: skip
        """A learner's own attempts (with their quiz grade) or, for teachers, all of them."""
        async with self._uow() as uow:
            quiz = await uow.quizzes.get(quiz_id)
            if quiz is None:
                raise ResourceNotFound("quiz", f"quizzes/{quiz_id}")
            if await self._gate.teaches(actor, quiz.course_id):
                page = await uow.attempts.of_quiz(quiz_id, after, limit)
                views = [(key, await self._view(uow, actor, a, quiz)) for key, a in page]
                return views, None
            mine = await uow.attempts.of_learner(quiz_id, actor.user_id)
            views = [(a.number, await self._view(uow, actor, a, quiz)) for a in mine if a.number > after][
                :limit
            ]
        graded = [
            v.attempt.percent for v in (view for _, view in views) if v.attempt.graded_at and v.visible.marks
        ]
        return views, quiz_grade(graded, quiz.settings.grading_method)

    # -- starting ----------------------------------------------------------------------

    async def start(
        self, actor: Actor, quiz_id: str, password: str, session_id: str, ip: str
    ) -> AttemptForViewer:
        now = self._clock()
        async with self._uow() as uow:
            quiz = await uow.quizzes.get(quiz_id)
            if quiz is None or quiz.state is not QuizState.PUBLISHED:
                raise ResourceNotFound("quiz", f"quizzes/{quiz_id}")
            await self._gate.require_learner(actor, quiz.course_id)
            override = await uow.overrides.get(quiz_id, actor.user_id)
            previous = await uow.attempts.of_learner(quiz_id, actor.user_id)
            for open_attempt in (a for a in previous if not a.finished):
                locked = await uow.attempts.get(open_attempt.id, for_update=True)
                assert locked is not None
                if not locked.expire_if_due(now):
                    return await self._view(uow, actor, locked, quiz)
                await uow.attempts.save(locked)
                await uow.commit()
                return await self.start(actor, quiz_id, password, session_id, ip)
            self._check_access(quiz, password, ip)
            self._check_window(quiz, override, now)
            allowed = quiz.attempts_allowed(override)
            if allowed and len(previous) >= allowed:
                raise NoAttemptsLeft(allowed)
            delay = quiz.settings.delay_between_attempts_s
            last = max((a.submitted_at for a in previous if a.submitted_at), default=None)
            if delay and last is not None and now < last + timedelta(seconds=delay):
                raise AttemptTooSoon(int((last + timedelta(seconds=delay) - now).total_seconds()) + 1)
            number = len(previous) + 1
            attempt = await self._compose(uow, actor, quiz, number, session_id, ip, now, override)
            if not await uow.attempts.add(attempt):
                # A concurrent start won the race for this number: its attempt is the answer.
                winner = next(
                    a for a in await uow.attempts.of_learner(quiz_id, actor.user_id) if a.number == number
                )
                return await self._view(uow, actor, winner, quiz)
            await uow.commit()
            return await self._view(uow, actor, attempt, quiz)

    def _check_access(self, quiz: Quiz, password: str, ip: str) -> None:
        expected = quiz.settings.password
        if expected and not hmac.compare_digest(expected.encode(), password.encode()):
            raise AccessRefused("PASSWORD_WRONG", "the quiz's password is needed")
        if quiz.settings.ip_ranges:
            try:
                address = ipaddress.ip_address(ip)
            except ValueError as exc:
                raise AccessRefused("ADDRESS_NOT_ALLOWED", "the client address is unknown") from exc
            if not any(address in ipaddress.ip_network(r, strict=False) for r in quiz.settings.ip_ranges):
                raise AccessRefused("ADDRESS_NOT_ALLOWED", "attempts start only from the allowed addresses")

    def _check_window(self, quiz: Quiz, override: Override | None, now: datetime) -> None:
        if quiz.settings.open_at and now < quiz.settings.open_at:
            raise QuizNotOpen("the quiz has not opened yet")
        close = quiz.close_for(override)
        if close and now >= close:
            raise QuizNotOpen("the quiz has closed")

    async def _compose(
        self, uow: AssessmentUnitOfWork, actor: Actor, quiz: Quiz, number: int, session_id: str, ip: str,
        now: datetime, override: Override | None,
    ) -> Attempt:  # fmt: skip
        candidates: dict[str, list[str]] = {}
        for slot in quiz.slots:
            if slot.category_id and slot.category_id not in candidates:
                ids = (
                    await uow.categories.with_descendants(slot.category_id)
                    if slot.include_subcategories
                    else [slot.category_id]
                )
                candidates[slot.category_id] = await uow.questions.ids_in(ids)
        seed = secrets.randbits(62)
        questions = []
        for number_in_quiz, (slot, question_id) in enumerate(compose(quiz, candidates, seed), start=1):
            question = await uow.questions.get(question_id)
            if question is None:
                raise ResourceNotFound("question", question_id)
            shown = question.current
            questions.append(
                AttemptQuestion(
                    number_in_quiz, question_id, shown.version, slot.points, shown.body,
                    draw_variant(shown.body, _slot_seed(seed, number_in_quiz)), shown.title, shown.text,
                    question.bank_id,
                )
            )  # fmt: skip
        settings = quiz.settings
        return Attempt(
            str(uuid.uuid4()), quiz.id, quiz.course_id, settings.lecture_id, actor.user_id, number, seed, now,
            quiz.deadline(now, override), settings.expiry, settings.grace_s, settings.navigation,
            settings.pass_percent, tuple(questions), session_id, ip, last_activity_at=now,
        )  # fmt: skip

    # -- answering ---------------------------------------------------------------------

    async def _own_locked(
        self, uow: AssessmentUnitOfWork, actor: Actor, attempt_id: str
    ) -> tuple[Attempt, Quiz]:
        attempt = await uow.attempts.get(attempt_id, for_update=True)
        if attempt is None or attempt.user_id != actor.user_id:
            raise ResourceNotFound("attempt", f"attempts/{attempt_id}")
        quiz = await uow.quizzes.get(attempt.quiz_id)
        assert quiz is not None
        return attempt, quiz

    async def save(
        self, actor: Actor, attempt_id: str, seq: int, answers: dict[int, Answer], session_id: str, ip: str
    ) -> SaveResult:
        now = self._clock()
        closed: AttemptClosed | None = None
        async with self._uow() as uow:
            attempt, quiz = await self._own_locked(uow, actor, attempt_id)
            if attempt.expire_if_due(now):
                await uow.attempts.save(attempt)
                await uow.commit()
                closed = AttemptClosed(attempt.state.value)
            else:
                await self._log_ip(uow, attempt, quiz, ip, now)
                saved = attempt.save(answers, seq, now, session_id)
                await uow.attempts.save(attempt)
                await uow.commit()
                return SaveResult(saved, attempt)
        assert closed is not None
        raise closed

    async def _log_ip(
        self, uow: AssessmentUnitOfWork, attempt: Attempt, quiz: Quiz, ip: str, now: datetime
    ) -> None:
        if ip and attempt.ip and ip != attempt.ip:
            await uow.integrity.add(
                IntegrityEvent(attempt.id, IntegrityKind.IP_CHANGE, now, f"{attempt.ip} -> {ip}", "server"),
                None,
            )
            attempt.record_integrity(IntegrityKind.IP_CHANGE, quiz.settings.integrity, now)
            attempt.ip = ip

    async def submit(
        self, actor: Actor, attempt_id: str, seq: int, answers: dict[int, Answer], session_id: str, ip: str
    ) -> AttemptForViewer:
        now = self._clock()
        async with self._uow() as uow:
            attempt, quiz = await self._own_locked(uow, actor, attempt_id)
            if not attempt.finished:
                await self._log_ip(uow, attempt, quiz, ip, now)
            if attempt.submit(now, answers, seq, session_id):
                await uow.attempts.save(attempt)
                await uow.commit()
            return await self._view(uow, actor, attempt, quiz)

    async def resume(self, actor: Actor, attempt_id: str, session_id: str, ip: str) -> AttemptForViewer:
        now = self._clock()
        async with self._uow() as uow:
            attempt, quiz = await self._own_locked(uow, actor, attempt_id)
            if attempt.expire_if_due(now) or attempt.finished:
                await uow.attempts.save(attempt)
                await uow.commit()
                return await self._view(uow, actor, attempt, quiz)
            previous = attempt.session_id
            if attempt.resume(session_id, now):
                await uow.integrity.add(
                    IntegrityEvent(
                        attempt.id, IntegrityKind.SECOND_SESSION, now, f"{previous} -> {session_id}", "server"
                    ),
                    None,
                )
                attempt.record_integrity(IntegrityKind.SECOND_SESSION, quiz.settings.integrity, now)
            await self._log_ip(uow, attempt, quiz, ip, now)
            await uow.attempts.save(attempt)
            await uow.commit()
            return await self._view(uow, actor, attempt, quiz)

    async def tick(self, actor: Actor, attempt_id: str) -> ClockTick:
        """The attempt's clock now; at the deadline the server applies the expiry setting."""
        now = self._clock()
        async with self._uow() as uow:
            attempt, _ = await self._own_locked(uow, actor, attempt_id)
            forced = attempt.expire_if_due(now)
            if forced:
                await uow.attempts.save(attempt)
                await uow.commit()
        return ClockTick(attempt, now, forced)

    async def expire_overdue(self, limit: int = 100) -> int:
        """Apply the expiry setting to attempts past their deadline (the server's sweeper)."""
        now = self._clock()
        async with self._uow() as uow:
            ids = await uow.attempts.overdue(now, limit)
        done = 0
        for attempt_id in ids:
            async with self._uow() as uow:
                attempt = await uow.attempts.get(attempt_id, for_update=True)
                if attempt is not None and attempt.expire_if_due(now):
                    await uow.attempts.save(attempt)
                    await uow.commit()
                    done += 1
        return done

    async def add_proctoring_violation(
        self, attempt_id: str, detail: str, observed_at: datetime | None
    ) -> bool:
        """The proctoring service's finding, added to the attempt's record (any state)."""
        now = self._clock()
        async with self._uow() as uow:
            attempt = await uow.attempts.get(attempt_id, for_update=True)
            if attempt is None:
                raise ResourceNotFound("attempt", f"attempts/{attempt_id}")
            quiz = await uow.quizzes.get(attempt.quiz_id)
            assert quiz is not None
            event = IntegrityEvent(attempt.id, IntegrityKind.PROCTORING, now, detail, "proctoring")
            await uow.integrity.add(event, observed_at)
            attempt.record_integrity(IntegrityKind.PROCTORING, quiz.settings.integrity, now)
            await uow.attempts.save(attempt)
            await uow.commit()
            return bool(attempt.flags)

    async def record_integrity(
        self, actor: Actor, attempt_id: str, events: list[ClientIntegrityEvent]
    ) -> bool:
        bad = [i for i, e in enumerate(events) if e.kind not in CLIENT_KINDS]
        if bad:
            raise Invalid(
                [
                    FieldViolation(
                        f"events[{i}].kind", "the server records this kind itself", "KIND_NOT_CLIENT"
                    )
                    for i in bad
                ]
            )
        now = self._clock()
        async with self._uow() as uow:
            attempt, quiz = await self._own_locked(uow, actor, attempt_id)
            if attempt.finished:
                raise AttemptClosed(attempt.state.value)
            for event in events:
                await uow.integrity.add(
                    IntegrityEvent(attempt.id, event.kind, now, event.detail), event.client_time
                )
                attempt.record_integrity(event.kind, quiz.settings.integrity, now)
            await uow.attempts.save(attempt)
            await uow.commit()
            return bool(attempt.flags)
