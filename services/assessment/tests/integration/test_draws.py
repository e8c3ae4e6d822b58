"""Random questions drawn from a category are fixed per attempt and reproducible from its
seed; the tables match the migrations."""

from __future__ import annotations

from lms_assessment.adapters.tables import metadata
from lms_assessment.adapters.unit_of_work import SqlAssessmentUnitOfWork
from lms_assessment.domain.quiz import Slot, compose
from lms_kit.testing.checks import schema_drift

from .support import CAPITAL, add_question, bank, quiz_of, world


async def test_the_tables_match_the_migrations(pg_url):
    assert await schema_drift(pg_url, metadata) == []


async def test_random_draws_are_reproducible_from_the_attempt_seed(database):
    w = world(database, learners=6)
    b, category = await bank(w)
    pool = [await add_question(w, b.id, category.id, CAPITAL, title=f"Q{i}") for i in range(8)]
    slots = (Slot(category_id=category.id, bank_id=b.id), Slot(category_id=category.id, bank_id=b.id))
    quiz = await quiz_of(w, slots)
    candidates = {category.id: sorted(q.id for q in pool)}
    drawn = set()
    for learner in w.learners:
        attempt = (await w.attempts.start(learner, quiz.id, "", "s", "")).attempt
        ids = [q.question_id for q in attempt.questions]
        assert ids == [qid for _, qid in compose(quiz, candidates, attempt.seed)]
        assert len(set(ids)) == 2
        async with SqlAssessmentUnitOfWork(database) as uow:
            stored = await uow.attempts.get(attempt.id)
        assert stored is not None and [q.question_id for q in stored.questions] == ids
        assert [q.variant for q in stored.questions] == [q.variant for q in attempt.questions]
        drawn.add(tuple(ids))
    assert len(drawn) > 1
