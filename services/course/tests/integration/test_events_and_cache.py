"""Events through the outbox to real NATS JetStream, and the course detail cache
(Redis, in-process) invalidated by the service's own events."""

from __future__ import annotations

import asyncio
import uuid

import nats
from google.protobuf import field_mask_pb2

from lms.course.v1 import course_pb2, course_pb2_grpc, events_pb2
from lms_course.adapters.cache import CacheInvalidator, InProcessCache, RedisCache
from lms_course.server import SERVICE
from lms_devkit.course import People, add_chapter, add_lecture, new_course, published_course, uid
from lms_kit.testing.databases import nats_url
from lms_kit.testing.harness import TokenMint
from lms_kit.testing.plugin import served


async def test_course_published_reaches_jetstream_and_drops_other_workers_cache(pg_url, tmp_path):
    mint = TokenMint.create(tmp_path)
    nc = await nats.connect(nats_url())
    # Another worker's in-process cache, listening the way server.py wires it.
    other_cache = InProcessCache()
    invalidator = CacheInvalidator(nc, other_cache)
    await invalidator.start()
    try:
        js = nc.jetstream()
        async with served(SERVICE, mint, database_url=pg_url, nats_url=nats_url()) as running:
            stub = course_pb2_grpc.CourseServiceStub(running.channel)
            teacher = People(mint).teacher(uid())
            draft = await new_course(stub, teacher)
            course_id = draft.name.split("/")[1]
            await other_cache.set(course_id, b"stale")
            sub = await js.subscribe("lms.course.v1.CoursePublished", ordered_consumer=True)
            try:
                chapter = await add_chapter(stub, teacher, draft.name)
                await add_lecture(stub, teacher, chapter.name)
                await stub.PublishCourse(course_pb2.PublishCourseRequest(name=draft.name), metadata=teacher)
                event = None
                while event is None or event.course_id != course_id:
                    message = await sub.next_msg(timeout=10)
                    event = events_pb2.CoursePublished.FromString(message.data)
                assert message.headers["lms-event-type"] == "lms.course.v1.CoursePublished"
            finally:
                await sub.unsubscribe()
            for _ in range(100):  # the invalidator hears the event asynchronously
                if await other_cache.get(course_id) is None:
                    break
                await asyncio.sleep(0.05)
            assert await other_cache.get(course_id) is None
    finally:
        await invalidator.stop()
        await nc.drain()


async def test_redis_cache_round_trips_and_invalidates():
    cache = RedisCache("redis://127.0.0.1:6379/0", ttl_s=30)
    key = f"test-{uuid.uuid4()}"
    try:
        assert await cache.get(key) is None
        await cache.set(key, b"detail")
        assert await cache.get(key) == b"detail"
        await cache.invalidate(key)
        assert await cache.get(key) is None
    finally:
        await cache.close()


async def test_an_unreachable_redis_is_a_cache_miss_not_an_error():
    cache = RedisCache("redis://127.0.0.1:1/0")
    try:
        await cache.set("k", b"v")
        assert await cache.get("k") is None
    finally:
        await cache.close()


async def test_get_course_is_served_from_redis_and_a_write_invalidates_it(pg_url, tmp_path):
    mint = TokenMint.create(tmp_path)
    async with served(SERVICE, mint, database_url=pg_url, redis_url="redis://127.0.0.1:6379/0") as running:
        cache = running.exposed["course_cache"]
        assert isinstance(cache, RedisCache)
        stub = course_pb2_grpc.CourseServiceStub(running.channel)
        teacher = People(mint).teacher(uid())
        course, _ = await published_course(stub, teacher, lectures=1)
        course_id = course.name.split("/")[1]
        await stub.GetCourse(course_pb2.GetCourseRequest(name=course.name))
        cached = course_pb2.Course.FromString(await cache.get(course_id))
        assert cached.lecture_count == 1
        await stub.UpdateCourse(
            course_pb2.UpdateCourseRequest(
                course=course_pb2.Course(name=course.name, title="Renamed"),
                update_mask=field_mask_pb2.FieldMask(paths=["title"]),
            ),
            metadata=teacher,
        )
        assert await cache.get(course_id) is None
        assert (await stub.GetCourse(course_pb2.GetCourseRequest(name=course.name))).title == "Renamed"
