"""Account status over gRPC (real pipeline, real PostgreSQL): administrators suspend,
enable and close accounts, other services read the state with GetUserStatus, and the
user service's own pipeline refuses the writes of accounts that may not act, unknown
ids included (this server trusts no made-up ids, as a deployment)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import grpc
import pytest

from lms.user.v1 import account_status_pb2, events_pb2, user_pb2, user_pb2_grpc
from lms_kit.db import Database
from lms_kit.migrations import upgrade
from lms_kit.testing.databases import postgres_database
from lms_kit.testing.harness import TokenMint, error_reason
from lms_kit.testing.plugin import Served, served
from lms_user import operator
from lms_user.migrations import MIGRATIONS_DIR
from lms_user.server import SERVICE

from .support import PASSWORD, bearer, fails, user_settings
from .test_teaching import account, events, tokens

S = account_status_pb2


@pytest.fixture(scope="module")
async def own_pg_url() -> AsyncIterator[str]:
    async with postgres_database("lms_user_account_status") as url:
        await upgrade(url, MIGRATIONS_DIR)
        yield url


@pytest.fixture(scope="module")
async def database(own_pg_url: str) -> AsyncIterator[Database]:
    database = Database(own_pg_url)
    yield database
    await database.dispose()


@pytest.fixture(scope="module")
async def server(own_pg_url: str, token_mint: TokenMint) -> AsyncIterator[Served]:
    settings = user_settings(log_email_links=False, trust_unknown_users=False)
    async with served(SERVICE, token_mint, database_url=own_pg_url, **settings) as running:
        yield running


@pytest.fixture
def stub(server: Served) -> user_pb2_grpc.UserServiceStub:
    return user_pb2_grpc.UserServiceStub(server.channel)


@pytest.fixture
async def admin(stub, database, own_pg_url) -> tuple[tuple[str, str], ...]:
    _, address = await account(stub, database)
    assert await operator.grant_admin(own_pg_url, address, operator="ops", reason="tests") == 0
    return bearer(await tokens(stub, address))


def status_of(stub, token_mint: TokenMint, user: str):
    return stub.GetUserStatus(
        S.GetUserStatusRequest(name=f"users/{user}"), metadata=token_mint.service_bearer("course")
    )


async def test_a_suspended_account_cannot_write_here_and_reads_as_disabled_elsewhere(
    stub, database, admin, token_mint
):
    user, address = await account(stub, database)
    own = bearer(await tokens(stub, address))
    assert (await status_of(stub, token_mint, user)).state == S.USER_STATE_ACTIVE

    disabled = await stub.DisableUser(
        S.DisableUserRequest(name=f"users/{user}", reason="fraud"), metadata=admin
    )
    assert disabled.state == S.USER_STATE_DISABLED
    (event,) = await events(database, events_pb2.UserDisabled, user_id=user)
    assert event.reason == "fraud"
    assert (await status_of(stub, token_mint, user)).state == S.USER_STATE_DISABLED

    edit = user_pb2.UpdateUserRequest(user=user_pb2.User(name=f"users/{user}", bio="still here"))
    edit.update_mask.paths.append("bio")
    refused = await fails(stub.UpdateUser(edit, metadata=own))
    assert refused.code() == grpc.StatusCode.UNAUTHENTICATED and error_reason(refused) == "ACCOUNT_INACTIVE"
    login = await fails(stub.Login(user_pb2.LoginRequest(email=address, password=PASSWORD)))
    assert error_reason(login) == "ACCOUNT_INACTIVE"

    await stub.EnableUser(S.EnableUserRequest(name=f"users/{user}"), metadata=admin)
    again = bearer(await tokens(stub, address))
    assert (await stub.UpdateUser(edit, metadata=again)).bio == "still here"


async def test_a_token_for_an_id_with_no_account_cannot_write(stub, token_mint):
    ghost = str(uuid.uuid4())
    request = user_pb2.FollowUserRequest(name=f"users/{uuid.uuid4()}")
    refused = await fails(stub.FollowUser(request, metadata=token_mint.bearer(ghost)))
    assert error_reason(refused) == "ACCOUNT_INACTIVE"
    missing = await fails(status_of(stub, token_mint, ghost))
    assert missing.code() == grpc.StatusCode.NOT_FOUND


async def test_only_services_read_account_status_and_only_admins_suspend(stub, database, token_mint):
    user, address = await account(stub, database)
    own = bearer(await tokens(stub, address))
    denied = await fails(stub.GetUserStatus(S.GetUserStatusRequest(name=f"users/{user}"), metadata=own))
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED
    other, _ = await account(stub, database)
    refused = await fails(
        stub.DisableUser(S.DisableUserRequest(name=f"users/{other}", reason="x"), metadata=own)
    )
    assert refused.code() == grpc.StatusCode.PERMISSION_DENIED
    closing = await fails(
        stub.DeleteUser(S.DeleteUserRequest(name=f"users/{other}", reason="x"), metadata=own)
    )
    assert closing.code() == grpc.StatusCode.PERMISSION_DENIED


async def test_an_owner_closes_their_account_once(stub, database, admin, token_mint):
    user, address = await account(stub, database)
    own = bearer(await tokens(stub, address))
    closed = await stub.DeleteUser(S.DeleteUserRequest(name=f"users/{user}", password=PASSWORD), metadata=own)
    assert closed.name == f"users/{user}"
    assert (await status_of(stub, token_mint, user)).state == S.USER_STATE_DELETED
    tombstone = await stub.GetUser(user_pb2.GetUserRequest(name=f"users/{user}"), metadata=admin)
    assert tombstone.state == S.USER_STATE_DELETED and address not in tombstone.email
    retried = await stub.DeleteUser(S.DeleteUserRequest(name=f"users/{user}", reason="again"), metadata=admin)
    assert retried.delete_time == closed.delete_time
    assert len(await events(database, events_pb2.UserDeleted, user_id=user)) == 1
    after = await fails(stub.LogoutAll(user_pb2.LogoutAllRequest(), metadata=own))
    assert error_reason(after) == "ACCOUNT_INACTIVE"
