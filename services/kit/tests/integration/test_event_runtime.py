"""EventRuntime: the App hooks that publish a service's outbox and run its consumers."""

from __future__ import annotations

from lms_kit.events import EventConsumer, EventRuntime
from lms_kit.testing.databases import nats_url

from .test_outbox_relay import count, create_widget, stream_messages


async def test_runtime_publishes_the_outbox_and_runs_consumers(database, js, domain, eventually):
    await create_widget(database, domain, title="before start")
    seen: list[str] = []

    async def on_created(event, ctx) -> None:
        seen.append(event.title)

    runtime = EventRuntime(database, nats_url(), domain=domain.name)
    runtime.attach(
        lambda _client, js_: EventConsumer(
            js_, database, durable="runtime-test", handlers={domain.WidgetCreated: on_created}
        )
    )
    await runtime.start()
    try:
        await create_widget(database, domain, title="after start")
        await eventually(lambda: _equal(stream_messages(js, domain.stream), 2))
        await eventually(lambda: _true(len(seen) == 2))
        assert sorted(seen) == ["after start", "before start"]
    finally:
        await runtime.stop()
    assert await count(database, "kit_outbox WHERE published_at IS NULL") == 0


async def test_without_nats_url_start_and_stop_are_no_ops(database, domain):
    runtime = EventRuntime(database, "", domain=domain.name)
    await runtime.start()
    await runtime.stop()
    assert runtime.relay is None


async def _equal(awaitable, expected) -> bool:
    return (await awaitable) == expected


async def _true(value: bool) -> bool:
    return value
