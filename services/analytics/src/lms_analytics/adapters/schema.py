"""One ClickHouse schema for chDB (embedded) and a ClickHouse server: raw statements,
deduplicated by event id, and aggregates that materialized views keep as rows arrive, so a
dashboard reads days, never the history of statements."""

from __future__ import annotations

DATABASE = "lms_analytics"

SCHEMA: tuple[str, ...] = (
    f"CREATE DATABASE IF NOT EXISTS {DATABASE}",
    # Keyed by event id: the writer skips ids it holds (a primary-key lookup), so the views,
    # which see inserts and not merges, count each event once; ReplacingMergeTree is the
    # backstop for the raw rows.
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
    # Per course and day: distinct learners who enrolled, completed, were active.
    f"""CREATE TABLE IF NOT EXISTS {DATABASE}.course_daily (
        course_id String,
        day Date,
        enrolled AggregateFunction(uniqExact, String),
        completed AggregateFunction(uniqExact, String),
        active AggregateFunction(uniqExact, String),
        attempts AggregateFunction(uniqExact, String),
        passed AggregateFunction(uniqExact, String),
        score_share AggregateFunction(avg, Float64)
    ) ENGINE = AggregatingMergeTree ORDER BY (course_id, day)""",
    f"""CREATE MATERIALIZED VIEW IF NOT EXISTS {DATABASE}.course_daily_mv TO {DATABASE}.course_daily AS
    SELECT
        course_id,
        toDate(occurred_at) AS day,
        uniqExactStateIf(actor, verb = 'enrolled') AS enrolled,
        uniqExactStateIf(actor, verb = 'completed' AND object_type = 'course') AS completed,
        uniqExactStateIf(actor, actor != 'system') AS active,
        uniqExactStateIf(object_id, verb = 'scored') AS attempts,
        uniqExactStateIf(object_id, verb = 'scored' AND JSONExtractBool(result, 'success')) AS passed,
        avgStateIf(
            JSONExtractFloat(result, 'score', 'raw') / JSONExtractFloat(result, 'score', 'max'),
            verb = 'scored' AND JSONExtractFloat(result, 'score', 'max') > 0
        ) AS score_share
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
    # Money per day, course and currency, in minor units (refunds kept apart, never netted
    # into floats).
    f"""CREATE TABLE IF NOT EXISTS {DATABASE}.revenue_daily (
        day Date,
        course_id String,
        currency LowCardinality(String),
        gross_minor Int64,
        refunded_minor Int64,
        orders UInt64
    ) ENGINE = SummingMergeTree ORDER BY (day, course_id, currency)""",
    f"""CREATE MATERIALIZED VIEW IF NOT EXISTS {DATABASE}.revenue_daily_mv TO {DATABASE}.revenue_daily AS
    SELECT
        toDate(occurred_at) AS day,
        course_id,
        JSONExtractString(result, 'amount', 'currency') AS currency,
        sumIf(JSONExtractInt(result, 'amount', 'amount_minor'), verb = 'purchased') AS gross_minor,
        sumIf(JSONExtractInt(result, 'amount', 'amount_minor'), verb = 'refunded') AS refunded_minor,
        countIf(verb = 'purchased') AS orders
    FROM {DATABASE}.statements
    WHERE verb IN ('purchased', 'refunded')
    GROUP BY day, course_id, currency""",
)
