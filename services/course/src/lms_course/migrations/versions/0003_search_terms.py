"""Search that forgives: the vocabulary of published courses (`search_terms`: each word
of a published course's title, subtitle, description and tags, with how many published
courses use it), kept by a trigger on `courses` in the same transaction as every write,
with a trigram index for typo candidates (pg_trgm) and fuzzystrmatch's levenshtein for
the edit distance.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

WORDS = """
CREATE FUNCTION course_search_words(title text, subtitle text, description text, tags text)
RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(array_agg(DISTINCT w ORDER BY w), '{}')
    FROM regexp_split_to_table(
        lower(coalesce(title, '') || ' ' || coalesce(subtitle, '') || ' '
              || coalesce(description, '') || ' ' || coalesce(tags, '')),
        '[^[:alpha:]]+'
    ) AS w
    WHERE length(w) BETWEEN 3 AND 40
$$
"""

# Deltas go in word order, so concurrent publishes lock shared words in one order.
SYNC = """
CREATE FUNCTION courses_search_terms_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_words text[] := '{}';
    new_words text[] := '{}';
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.state = 'published' THEN
        old_words := course_search_words(OLD.title, OLD.subtitle, OLD.description, OLD.tags_text);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.state = 'published' THEN
        new_words := course_search_words(NEW.title, NEW.subtitle, NEW.description, NEW.tags_text);
    END IF;
    IF old_words = new_words THEN
        RETURN NULL;
    END IF;
    INSERT INTO search_terms AS t (term, courses)
    SELECT d.w, sum(d.delta) FROM (
        SELECT w, 1 AS delta FROM unnest(new_words) AS w WHERE NOT (w = ANY (old_words))
        UNION ALL
        SELECT w, -1 FROM unnest(old_words) AS w WHERE NOT (w = ANY (new_words))
    ) AS d GROUP BY d.w ORDER BY d.w
    ON CONFLICT (term) DO UPDATE SET courses = t.courses + excluded.courses;
    DELETE FROM search_terms WHERE term = ANY (old_words) AND courses <= 0;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE EXTENSION IF NOT EXISTS fuzzystrmatch")
    op.create_table(
        "search_terms",
        sa.Column("term", sa.Text, primary_key=True),
        sa.Column("courses", sa.Integer, nullable=False),
    )
    op.create_index(
        "ix_search_terms_term_trgm",
        "search_terms",
        ["term"],
        postgresql_using="gin",
        postgresql_ops={"term": "gin_trgm_ops"},
    )
    op.execute(WORDS)
    op.execute(SYNC)
    op.execute(
        "CREATE TRIGGER courses_search_terms AFTER INSERT OR DELETE OR UPDATE OF title, subtitle, "
        "description, tags_text, state ON courses FOR EACH ROW EXECUTE FUNCTION courses_search_terms_sync()"
    )
    op.execute(
        "INSERT INTO search_terms (term, courses) SELECT w, count(*) FROM courses, "
        "unnest(course_search_words(title, subtitle, description, tags_text)) AS w "
        "WHERE state = 'published' GROUP BY w"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER courses_search_terms ON courses")
    op.execute("DROP FUNCTION courses_search_terms_sync()")
    op.execute("DROP FUNCTION course_search_words(text, text, text, text)")
    op.drop_table("search_terms")
