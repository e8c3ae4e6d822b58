"""The user service on the embedded default (SQLite): logins keep working after
the key ring's reload interval (a reload inside a login's transaction used to
wait on SQLite's writer lock and fail the call as INTERNAL)."""

from __future__ import annotations

import asyncio

from lms.user.v1 import user_pb2, user_pb2_grpc
from lms_kit.migrations import upgrade
from lms_kit.testing.databases import sqlite_database
from lms_kit.testing.harness import TokenMint, serve_app, settings_for
from lms_user.migrations import MIGRATIONS_DIR
from lms_user.server import build
from lms_user.settings import UserSettings

PASSWORD = "violet rocket tundra 42"


async def test_logins_after_a_key_reload_succeed_on_sqlite(tmp_path):
    mint = TokenMint.create(tmp_path)
    with sqlite_database() as url:
        await upgrade(url, MIGRATIONS_DIR)
        settings = settings_for(
            mint,
            "user",
            UserSettings,
            database_url=url,
            signing_key_publish_ahead_s=0,
            signing_key_reload_s=0.2,
        )
        built = await build(settings)
        async with serve_app(built.app, settings, verifier=built.verifier) as server:
            stub = user_pb2_grpc.UserServiceStub(server.channel)
            await stub.Register(
                user_pb2.RegisterRequest(email="sq@example.com", password=PASSWORD, display_name="Sq")
            )
            for _ in range(3):
                await asyncio.sleep(0.3)  # past the reload interval: the background task reloads
                reply = await stub.Login(user_pb2.LoginRequest(email="sq@example.com", password=PASSWORD))
                assert reply.tokens.access_token
