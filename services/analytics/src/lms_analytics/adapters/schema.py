"""One ClickHouse schema for chDB (embedded) and a ClickHouse server: raw statements,
deduplicated by event id, and aggregates that materialized views keep as rows arrive, so a
dashboard reads days, never the history of statements."""

from __future__ import annotations

DATABASE = "lms_analytics"

SCHEMA: tuple[str, ...] = (
    f"CREATE DATABASE IF NOT EXISTS {DATABASE}",
    # Raw statements. A crash can land between this insert and the views' inserts it
    # triggers (ClickHouse commits them one after the other), so the writer marks an event
    # id as held only after all of them (`event_ids`, written last), a redelivery writes
    # the event again, and every aggregate below is idempotent: distinct sets of learners,
    # attempts and payments, never plain sums. ReplacingMergeTree (read with FINAL) keeps
    # one raw row per event id.
    f"""CREATE TABLE IF NOT EXISTS {DATABASE}.statements (
        event_id String,
        event_type LowCardinality(String),
        actor String,
        verb LowCardinality(String),
        object_type LowCardinality(String),
        object_id String,
        course_id String,
        result String,
        context String,
        source LowCardinality(String),
        occurred_at DateTime64(6, 'UTC'),
        ingested_at DateTime64(6, 'UTC'),
        INDEX actor_index actor TYPE bloom_filter GRANULARITY 4
    ) ENGINE = ReplacingMergeTree(ingested_at)
    ORDER BY event_id""",
    f"""CREATE TABLE IF NOT EXISTS {DATABASE}.event_ids (
        event_id String
    ) ENGINE = ReplacingMergeTree ORDER BY event_id""",
    # Per course and day: distinct learners who enrolled, completed, were active.
    f"""CREATE TABLE IF NOT EXISTS {DATABASE}.course_daily (
        course_id String,
        day Date,
        enrolled AggregateFunction(uniqExact, String),
        completed AggregateFunction(uniqExact, String),
        active AggregateFunction(uniqExact, String),
        attempts AggregateFunction(uniqExact, String),
        passed AggregateFunction(uniqExact, String),
        score_shares AggregateFunction(groupUniqArray, Tuple(String, Float64))
    ) ENGINE = AggregatingMergeTree ORDER BY (course_id, day)""",
    f"""CREATE MATERIALIZED VIEW IF NOT EXISTS {DATABASE}.course_daily_mv TO {DATABASE}.course_daily AS
    SELECT
        course_id,
        toDate(occurred_at) AS day,
        uniqExactStateIf(actor, verb = 'enrolled') AS enrolled,
        uniqExactStateIf(actor, verb = 'completed' AND object_type = 'course') AS completed,
        uniqExactStateIf(actor, actor != 'system' AND verb != 'published') AS active,
        uniqExactStateIf(object_id, verb = 'scored') AS attempts,
        uniqExactStateIf(object_id, verb = 'scored' AND JSONExtractBool(result, 'success')) AS passed,
        groupUniqArrayStateIf(
            (event_id, JSONExtractFloat(result, 'score', 'raw') / JSONExtractFloat(result, 'score', 'max')),
            verb = 'scored' AND JSONExtractFloat(result, 'score', 'max') > 0
        ) AS score_shares
    FROM {DATABASE}.statements
    WHERE course_id != ''
    GROUP BY course_id, day""",
    # Platform-wide daily active users.
    f"""CREATE TABLE IF NOT EXISTS {DATABASE}.platform_daily (
        day Date,
        active AggregateFunction(uniqExact, String)
    ) ENGINE = AggregatingMergeTree ORDER BY day""",
    f"""CREATE MATERIALIZED VIEW IF NOT EXISTS {DATABASE}.platform_daily_mv TO {DATABASE}.platform_daily AS
    SELECT toDate(occurred_at) AS day, uniqExactState(actor) AS active
    FROM {DATABASE}.statements WHERE actor != 'system' GROUP BY day""",
    # Money per day, course and currency, in minor units: the set of (event id, amount) of
    # payments and of refunds, so a re-inserted event adds nothing; a day's set is as large
    # as that day's payments, and a dashboard reads only the days of its range.
    f"""CREATE TABLE IF NOT EXISTS {DATABASE}.revenue_daily (
        day Date,
        course_id String,
        currency LowCardinality(String),
        payments AggregateFunction(groupUniqArray, Tuple(String, Int64)),
        refunds AggregateFunction(groupUniqArray, Tuple(String, Int64))
    ) ENGINE = AggregatingMergeTree ORDER BY (day, course_id, currency)""",
    f"""CREATE MATERIALIZED VIEW IF NOT EXISTS {DATABASE}.revenue_daily_mv TO {DATABASE}.revenue_daily AS
    SELECT
        toDate(occurred_at) AS day,
        course_id,
        JSONExtractString(result, 'amount', 'currency') AS currency,
        groupUniqArrayStateIf(
            (event_id, JSONExtractInt(result, 'amount', 'amount_minor')), verb = 'purchased'
        ) AS payments,
        groupUniqArrayStateIf(
            (event_id, JSONExtractInt(result, 'amount', 'amount_minor')), verb = 'refunded'
        ) AS refunds
    FROM {DATABASE}.statements
    WHERE verb IN ('purchased', 'refunded')
    GROUP BY day, course_id, currency""",
)
