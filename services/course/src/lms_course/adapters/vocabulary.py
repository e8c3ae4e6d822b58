"""The vocabulary of published courses (`search_terms`, kept by a trigger): which query
words it knows, trigram candidates within the typo budget (levenshtein), and the words
that complete a prefix, most used first."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from lms_course.adapters.tables import search_terms
from lms_course.domain.search import ALTERNATIVES, typo_budget
from lms_kit.uow import SqlRepository

_CORRECTIONS = sa.text(
    """
    SELECT q.word, c.term
    FROM unnest(CAST(:words AS text[])) AS q(word)
    CROSS JOIN LATERAL (
        SELECT t.term FROM search_terms AS t
        WHERE t.term % q.word
          AND levenshtein(t.term, q.word) <= CASE WHEN length(q.word) >= 9 THEN 2 ELSE 1 END
        ORDER BY levenshtein(t.term, q.word), t.courses DESC, t.term
        LIMIT :per_word
    ) AS c
    """
)


class SqlVocabulary(SqlRepository):
    async def known(self, words: Iterable[str]) -> set[str]:
        wanted = sorted(set(words))
        if not wanted:
            return set()
        query = sa.select(search_terms.c.term).where(search_terms.c.term.in_(wanted))
        return set((await self.session.execute(query)).scalars())

    async def corrections(self, words: Iterable[str]) -> dict[str, list[str]]:
        """Known terms within each word's typo budget, closest (then most used) first."""
        wanted = sorted({w for w in words if typo_budget(w) > 0})
        if not wanted:
            return {}
        found: dict[str, list[str]] = {}
        # Two edits in a 9-letter word leave a trigram similarity near 0.25, under pg_trgm's
        # default 0.3: lower it for this transaction, so the index still finds them.
        await self.session.execute(sa.text("SELECT set_config('pg_trgm.similarity_threshold', '0.2', true)"))
        rows = await self.session.execute(_CORRECTIONS, {"words": wanted, "per_word": ALTERNATIVES})
        for word, term in rows:
            found.setdefault(word, []).append(term)
        return found

    async def completions(self, prefix: str, limit: int) -> list[str]:
        """Terms that start with `prefix` (not the prefix itself), most used first."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = (
            sa.select(search_terms.c.term)
            .where(search_terms.c.term.like(escaped + "%", escape="\\"), search_terms.c.term != prefix)
            .order_by(search_terms.c.courses.desc(), search_terms.c.term)
            .limit(limit)
        )
        return list((await self.session.execute(query)).scalars())
