"""The pipeline's documented statuses and reasons for every authentication and
authorization outcome (see lms.type.v1.ErrorReason)."""

import time

import grpc
import pytest

from lms.testing.v1 import probe_pb2 as p
from lms_kit.auth.tokens import new_ed25519_signer
from lms_kit.testing.harness import error_metadata, error_reason


async def expect_error(call, code, reason):
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    assert caught.value.code() == code, caught.value.details()
    assert error_reason(caught.value) == reason
    return caught.value


async def test_anonymous_rpc_needs_no_token(probe):
    assert (await probe.stub.Echo(p.EchoRequest(text="hi"))).text == "hi"


async def test_no_token_is_unauthenticated_token_missing(probe):
    await expect_error(probe.stub.WhoAmI(p.WhoAmIRequest()), grpc.StatusCode.UNAUTHENTICATED, "TOKEN_MISSING")


async def test_expired_token_is_token_expired(probe, mint):
    long_ago = time.time() - 3600
    metadata = mint.bearer("u1", now=long_ago, ttl_s=60)
    await expect_error(
        probe.stub.WhoAmI(p.WhoAmIRequest(), metadata=metadata),
        grpc.StatusCode.UNAUTHENTICATED,
        "TOKEN_EXPIRED",
    )


async def test_token_signed_by_unknown_key_is_token_invalid(probe):
    stranger = new_ed25519_signer(kid="not-in-jwks", issuer="lms.user", audience="lms")
    metadata = (("authorization", f"Bearer {stranger.sign('u1')}"),)
    await expect_error(
        probe.stub.WhoAmI(p.WhoAmIRequest(), metadata=metadata),
        grpc.StatusCode.UNAUTHENTICATED,
        "TOKEN_INVALID",
    )


async def test_token_with_known_kid_but_forged_signature_is_token_invalid(probe, mint):
    forger = new_ed25519_signer(kid=mint.signer.kid, issuer="lms.user", audience="lms")
    metadata = (("authorization", f"Bearer {forger.sign('u1', roles=['admin'])}"),)
    await expect_error(
        probe.stub.AdminEcho(p.AdminEchoRequest(), metadata=metadata),
        grpc.StatusCode.UNAUTHENTICATED,
        "TOKEN_INVALID",
    )


async def test_wrong_audience_is_token_wrong_audience(probe, mint):
    metadata = mint.bearer("u1", audience="another-platform")
    await expect_error(
        probe.stub.WhoAmI(p.WhoAmIRequest(), metadata=metadata),
        grpc.StatusCode.UNAUTHENTICATED,
        "TOKEN_WRONG_AUDIENCE",
    )


async def test_garbage_authorization_header_is_token_invalid(probe):
    for value in ("Bearer not-a-jwt", "Basic dXNlcjpwYXNz", "Bearer "):
        await expect_error(
            probe.stub.Echo(p.EchoRequest(), metadata=(("authorization", value),)),
            grpc.StatusCode.UNAUTHENTICATED,
            "TOKEN_INVALID",
        )


async def test_bad_token_is_refused_even_on_anonymous_rpc(probe, mint):
    metadata = mint.bearer("u1", now=time.time() - 3600, ttl_s=60)
    await expect_error(
        probe.stub.Echo(p.EchoRequest(), metadata=metadata), grpc.StatusCode.UNAUTHENTICATED, "TOKEN_EXPIRED"
    )


async def test_wrong_role_is_permission_denied_naming_the_role_wanted_and_held(probe, mint):
    error = await expect_error(
        probe.stub.AdminEcho(p.AdminEchoRequest(text="x"), metadata=mint.bearer("u1", roles=["teacher"])),
        grpc.StatusCode.PERMISSION_DENIED,
        "ACCESS_DENIED",
    )
    assert error_metadata(error) == {"missing": "role", "required_roles": "admin", "token_roles": "teacher"}
    assert "refresh" in error.details()


async def test_right_role_is_let_in(probe, mint):
    reply = await probe.stub.AdminEcho(
        p.AdminEchoRequest(text="x"), metadata=mint.bearer("u1", roles=["admin"])
    )
    assert reply.text == "x"


async def test_verified_identity_reaches_the_handler(probe, mint):
    reply = await probe.stub.WhoAmI(
        p.WhoAmIRequest(), metadata=mint.bearer("u-42", roles=["teacher", "bogus"])
    )
    assert reply.subject == "u-42"
    assert list(reply.roles) == [2]  # ROLE_TEACHER; unknown role names are dropped


async def test_owner_may_read_own_resource_and_others_may_not(probe, mint):
    own = await probe.stub.GetNote(p.GetNoteRequest(name="users/u1/notes/n1"), metadata=mint.bearer("u1"))
    assert own.name == "users/u1/notes/n1"
    error = await expect_error(
        probe.stub.GetNote(p.GetNoteRequest(name="users/u2/notes/n1"), metadata=mint.bearer("u1")),
        grpc.StatusCode.PERMISSION_DENIED,
        "ACCESS_DENIED",
    )
    assert error_metadata(error)["missing"] == "role,ownership"
    assert error_metadata(error)["owner_field"] == "name"
    # "users/u1x" must not pass as owned by "u1".
    await expect_error(
        probe.stub.GetNote(p.GetNoteRequest(name="users/u1x/notes/n1"), metadata=mint.bearer("u1")),
        grpc.StatusCode.PERMISSION_DENIED,
        "ACCESS_DENIED",
    )
    admin = await probe.stub.GetNote(
        p.GetNoteRequest(name="users/u2/notes/n1"), metadata=mint.bearer("a1", roles=["admin"])
    )
    assert admin.name == "users/u2/notes/n1"


async def test_internal_rpc_admits_only_named_services(probe, mint):
    reply = await probe.stub.InternalPing(p.InternalPingRequest(), metadata=mint.service_bearer("payment"))
    assert reply.caller == "payment"
    error = await expect_error(
        probe.stub.InternalPing(p.InternalPingRequest(), metadata=mint.service_bearer("course")),
        grpc.StatusCode.PERMISSION_DENIED,
        "ACCESS_DENIED",
    )
    assert error_metadata(error) == {"missing": "service", "services": "payment"}
    await expect_error(
        probe.stub.InternalPing(p.InternalPingRequest(), metadata=mint.bearer("u1", roles=["admin"])),
        grpc.StatusCode.PERMISSION_DENIED,
        "ACCESS_DENIED",
    )


async def test_service_acting_for_a_user_gets_that_users_rights(probe, mint):
    metadata = (
        *mint.service_bearer("course"),
        ("x-lms-user-authorization", f"Bearer {mint.token('u7', roles=['student'])}"),
    )
    reply = await probe.stub.WhoAmI(p.WhoAmIRequest(), metadata=metadata)
    assert (reply.subject, reply.service, reply.on_behalf_of) == ("service:course", "course", "u7")
    await expect_error(
        probe.stub.AdminEcho(p.AdminEchoRequest(), metadata=metadata),
        grpc.StatusCode.PERMISSION_DENIED,
        "ACCESS_DENIED",
    )


async def test_streaming_rpcs_are_guarded_too(probe, mint):
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        async for _ in probe.stub.Ticks(p.TicksRequest(count=2)):
            pass
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED

    async def lines():
        yield p.ChatRequest(text="hi")

    with pytest.raises(grpc.aio.AioRpcError) as caught:
        async for _ in probe.stub.Chat(lines(), metadata=mint.bearer("u1", roles=["student"])):
            pass
    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    replies = [r.text async for r in probe.stub.Chat(lines(), metadata=mint.bearer("u1", roles=["teacher"]))]
    assert replies == ["HI"]


async def test_rotated_key_is_fetched_when_a_token_names_it(probe, mint):
    new = new_ed25519_signer(kid="test-key-2", issuer="lms.user", audience="lms")
    mint.publish([mint.signer, new])
    reply = await probe.stub.WhoAmI(
        p.WhoAmIRequest(), metadata=(("authorization", f"Bearer {new.sign('u9')}"),)
    )
    assert reply.subject == "u9"


async def test_writes_of_inactive_accounts_are_refused_and_reads_are_not_checked(mint):
    from lms.testing.v1 import probe_pb2_grpc
    from lms_kit.auth.user_status import AccountState, UserStatusGuard
    from lms_kit.testing.harness import error_reason, serve_app, settings_for
    from lms_kit.testing.probe import probe_app

    asked: list[str] = []

    async def source(user_id: str) -> AccountState:
        asked.append(user_id)
        return AccountState.ACTIVE if user_id == "alive" else AccountState.DELETED

    app = probe_app()
    app.user_status = UserStatusGuard(source)
    async with serve_app(app, settings_for(mint, "testing")) as server:
        stub = probe_pb2_grpc.ProbeServiceStub(server.channel)
        widget = p.CreateWidgetRequest(widget=p.Widget(title="abc", quantity=1, kind=p.WIDGET_KIND_SMALL))
        await stub.CreateWidget(widget, metadata=mint.bearer("alive"))
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.CreateWidget(widget, metadata=mint.bearer("gone"))
        assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
        assert error_reason(refused.value) == "ACCOUNT_INACTIVE"
        await stub.WhoAmI(p.WhoAmIRequest(), metadata=mint.bearer("gone"))  # NO_SIDE_EFFECTS: a read
        await stub.CreateWidget(widget)  # anonymous: nobody to check
    assert asked == ["alive", "gone"]
