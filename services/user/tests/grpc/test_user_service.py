"""The user service over gRPC with the kit's real pipeline and a real PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import grpc
import jwt
import pytest
import sqlalchemy as sa
from google.protobuf import field_mask_pb2

from lms.options.v1 import options_pb2
from lms.user.v1 import events_pb2, user_pb2, user_pb2_grpc
from lms_kit.db import Database
from lms_kit.events.schema import outbox
from lms_kit.testing.harness import TokenMint, error_reason, field_violations
from lms_kit.testing.plugin import served
from lms_user.server import SERVICE

from .support import PASSWORD, bearer, fails, user_settings


@pytest.fixture(scope="module")
async def stub(pg_url: str, token_mint: TokenMint) -> AsyncIterator[user_pb2_grpc.UserServiceStub]:
    async with served(SERVICE, token_mint, database_url=pg_url, **user_settings()) as running:
        yield user_pb2_grpc.UserServiceStub(running.channel)


@pytest.fixture
def mint(token_mint: TokenMint) -> TokenMint:
    return token_mint


def email() -> str:
    return f"u{uuid.uuid4().hex[:12]}@Example.com"


async def register(stub, address: str | None = None, name: str = "Ada") -> tuple[user_pb2.User, str]:
    address = address or email()
    response = await stub.Register(
        user_pb2.RegisterRequest(email=address, password=PASSWORD, display_name=name)
    )
    return response.user, address


async def verify_email(pg_url: str, stub, user: user_pb2.User) -> None:
    """Spend the verification token the service published for `user` (read from its outbox)."""
    database = Database(pg_url)
    try:
        async with database.session() as session:
            query = sa.select(outbox.c.payload).where(
                outbox.c.subject == events_pb2.EmailVerificationRequested.DESCRIPTOR.full_name
            )
            found = [
                events_pb2.EmailVerificationRequested.FromString(p)
                for p in (await session.execute(query)).scalars()
            ]
    finally:
        await database.dispose()
    [requested] = [e for e in found if e.user_id == user.name.removeprefix("users/")]
    await stub.VerifyEmail(user_pb2.VerifyEmailRequest(token=requested.token))


async def login(stub, address: str, password: str = PASSWORD) -> user_pb2.AuthTokens:
    return (await stub.Login(user_pb2.LoginRequest(email=address, password=password))).tokens


# -- register -------------------------------------------------------------------


async def test_register_with_bad_input_names_every_bad_field(stub):
    error = await fails(stub.Register(user_pb2.RegisterRequest(email="not-an-email", password="short")))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field_violations(error) == {
        "email": "EMAIL",
        "password": "MIN_LENGTH",
        "display_name": "REQUIRED",
    }


async def test_register_names_its_own_display_name_field_when_the_name_is_invisible(stub):
    request = user_pb2.RegisterRequest(email=email(), password=PASSWORD, display_name="Ada\u202e")
    error = await fails(stub.Register(request))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field_violations(error) == {"display_name": "INVISIBLE_CHARACTER"}
    error = await fails(stub.Login(user_pb2.LoginRequest(email=request.email, password=PASSWORD)))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED  # nothing was written


async def test_register_normalises_email_and_refuses_a_duplicate(stub):
    user, address = await register(stub)
    assert user.email == address.lower()
    assert list(user.roles) == [options_pb2.ROLE_STUDENT]
    # The same email again answers as for a new account: nothing tells the caller it is taken.
    again, _ = await register(stub, address.upper())
    assert again.name != user.name and again.email == user.email
    assert not again.email_verified and list(again.roles) == [options_pb2.ROLE_STUDENT]
    tokens = await login(stub, address)  # the first account and its password are untouched
    assert tokens.user == user.name
    error = await fails(login(stub, address, password="another password entirely"))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED


@pytest.mark.parametrize("password", ["Password1234!", "iloveyou2024", "123456789012"])
async def test_register_refuses_a_common_password(stub, password):
    request = user_pb2.RegisterRequest(email=email(), password=password, display_name="Ada")
    error = await fails(stub.Register(request))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_reason(error) == "PASSWORD_REJECTED"
    assert field_violations(error) == {"password": "PASSWORD_TOO_COMMON"}


async def test_register_retry_with_the_same_request_id_returns_the_same_account(stub):
    request = user_pb2.RegisterRequest(
        email=email(), password=PASSWORD, display_name="Ada", request_id=str(uuid.uuid4())
    )
    first = await stub.Register(request)
    second = await stub.Register(request)
    assert first.user.name == second.user.name


# -- login, tokens, JWKS ----------------------------------------------------------


async def test_login_returns_an_access_token_that_verifies_against_the_jwks(stub):
    user, address = await register(stub)
    tokens = await login(stub, address.upper())
    assert tokens.user == user.name and tokens.token_type == "Bearer" and tokens.refresh_token
    jwks = await stub.GetJwks(user_pb2.GetJwksRequest())
    kid = jwt.get_unverified_header(tokens.access_token)["kid"]
    [key] = [k for k in jwks.keys if k.kid == kid]
    assert (key.kty, key.crv, key.alg, key.use) == ("OKP", "Ed25519", "EdDSA", "sig")
    jwk = jwt.PyJWK({"kty": key.kty, "crv": key.crv, "x": key.x, "kid": key.kid})
    claims = jwt.decode(tokens.access_token, jwk, algorithms=["EdDSA"], audience="lms", issuer="lms.user")
    assert claims["sub"] == user.name.removeprefix("users/")
    assert claims["roles"] == ["student"]
    assert claims["exp"] - claims["iat"] == 900
    assert claims["exp"] == tokens.access_token_expire_time.seconds


async def test_login_fails_the_same_way_for_unknown_email_and_wrong_password(stub):
    _, address = await register(stub)
    wrong_password = await fails(login(stub, address, "not the password at all"))
    unknown_email = await fails(login(stub, email()))
    for error in (wrong_password, unknown_email):
        assert error.code() == grpc.StatusCode.UNAUTHENTICATED
        assert error_reason(error) == "INVALID_CREDENTIALS"
    assert wrong_password.details() == unknown_email.details()


async def test_refresh_rotates_and_reuse_revokes_the_whole_family(stub):
    _, address = await register(stub)
    first = await login(stub, address)
    second = (await stub.RefreshToken(user_pb2.RefreshTokenRequest(refresh_token=first.refresh_token))).tokens
    assert second.refresh_token != first.refresh_token
    assert second.access_token != first.access_token
    reused = await fails(stub.RefreshToken(user_pb2.RefreshTokenRequest(refresh_token=first.refresh_token)))
    assert reused.code() == grpc.StatusCode.UNAUTHENTICATED
    assert error_reason(reused) == "REFRESH_TOKEN_REUSED"
    revoked = await fails(stub.RefreshToken(user_pb2.RefreshTokenRequest(refresh_token=second.refresh_token)))
    assert error_reason(revoked) == "REFRESH_TOKEN_INVALID"


async def test_logout_ends_the_session(stub):
    _, address = await register(stub)
    tokens = await login(stub, address)
    await stub.Logout(user_pb2.LogoutRequest(refresh_token=tokens.refresh_token))
    await stub.Logout(user_pb2.LogoutRequest(refresh_token=tokens.refresh_token))  # idempotent
    error = await fails(stub.RefreshToken(user_pb2.RefreshTokenRequest(refresh_token=tokens.refresh_token)))
    assert error_reason(error) == "REFRESH_TOKEN_INVALID"


async def test_logout_all_ends_every_session_of_the_caller_only(stub):
    _, address = await register(stub)
    _, other_address = await register(stub)
    a, b = await login(stub, address), await login(stub, address)
    other = await login(stub, other_address)
    error = await fails(stub.LogoutAll(user_pb2.LogoutAllRequest()))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    response = await stub.LogoutAll(user_pb2.LogoutAllRequest(), metadata=bearer(a))
    assert response.revoked_session_count == 2
    for tokens in (a, b):
        error = await fails(
            stub.RefreshToken(user_pb2.RefreshTokenRequest(refresh_token=tokens.refresh_token))
        )
        assert error_reason(error) == "REFRESH_TOKEN_INVALID"
    await stub.RefreshToken(user_pb2.RefreshTokenRequest(refresh_token=other.refresh_token))


# -- profiles -------------------------------------------------------------------


async def test_owner_updates_profile_fields_named_by_the_mask(stub, pg_url):
    user, address = await register(stub)
    tokens = await login(stub, address)
    request = user_pb2.UpdateUserRequest(
        user=user_pb2.User(name=user.name, display_name="Ignored", bio="Teaches maths", avatar="files/f-1"),
        update_mask=field_mask_pb2.FieldMask(paths=["bio", "avatar"]),
    )
    updated = await stub.UpdateUser(request, metadata=bearer(tokens))
    assert (updated.display_name, updated.bio, updated.avatar) == ("Ada", "Teaches maths", "files/f-1")
    fetched = await stub.GetUser(user_pb2.GetUserRequest(name=user.name), metadata=bearer(tokens))
    assert fetched.bio == "Teaches maths"
    await verify_email(pg_url, stub, user)  # a profile is public once the email is verified
    profile = await stub.GetPublicProfile(user_pb2.GetPublicProfileRequest(name=f"{user.name}/publicProfile"))
    assert (profile.user, profile.bio) == (user.name, "Teaches maths")
    assert not hasattr(profile, "email")

    bad_mask = user_pb2.UpdateUserRequest(
        user=user_pb2.User(name=user.name), update_mask=field_mask_pb2.FieldMask(paths=["email"])
    )
    error = await fails(stub.UpdateUser(bad_mask, metadata=bearer(tokens)))
    assert (error.code(), error_reason(error)) == (grpc.StatusCode.INVALID_ARGUMENT, "UPDATE_MASK_INVALID")


async def test_another_user_may_not_read_or_update_a_profile_but_an_admin_may(stub, mint):
    user, _ = await register(stub)
    _, intruder_address = await register(stub)
    intruder = await login(stub, intruder_address)
    request = user_pb2.UpdateUserRequest(
        user=user_pb2.User(name=user.name, bio="pwned"), update_mask=field_mask_pb2.FieldMask(paths=["bio"])
    )
    error = await fails(stub.UpdateUser(request, metadata=bearer(intruder)))
    assert (error.code(), error_reason(error)) == (grpc.StatusCode.PERMISSION_DENIED, "ACCESS_DENIED")
    error = await fails(stub.GetUser(user_pb2.GetUserRequest(name=user.name), metadata=bearer(intruder)))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    admin = mint.bearer(str(uuid.uuid4()), roles=["admin"])
    assert (await stub.UpdateUser(request, metadata=admin)).bio == "pwned"


async def test_get_unknown_user_is_not_found(stub, mint):
    name = f"users/{uuid.uuid4()}"
    error = await fails(
        stub.GetUser(user_pb2.GetUserRequest(name=name), metadata=mint.bearer("a", roles=["admin"]))
    )
    assert (error.code(), error_reason(error)) == (grpc.StatusCode.NOT_FOUND, "USER_NOT_FOUND")


# -- roles ----------------------------------------------------------------------


async def test_admin_sets_roles_and_the_next_token_carries_them(stub, mint):
    user, address = await register(stub)
    tokens = await login(stub, address)
    request = user_pb2.SetUserRolesRequest(
        name=user.name, roles=[options_pb2.ROLE_TEACHER, options_pb2.ROLE_STUDENT], reason="hired"
    )
    error = await fails(stub.SetUserRoles(request, metadata=bearer(tokens)))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    updated = await stub.SetUserRoles(request, metadata=mint.bearer(str(uuid.uuid4()), roles=["admin"]))
    assert list(updated.roles) == [options_pb2.ROLE_STUDENT, options_pb2.ROLE_TEACHER]
    refreshed = await stub.RefreshToken(user_pb2.RefreshTokenRequest(refresh_token=tokens.refresh_token))
    claims = jwt.decode(refreshed.tokens.access_token, options={"verify_signature": False})
    assert sorted(claims["roles"]) == ["student", "teacher"]


async def test_set_roles_refuses_no_roles_and_unspecified(stub, mint):
    user, _ = await register(stub)
    admin = mint.bearer(str(uuid.uuid4()), roles=["admin"])
    error = await fails(stub.SetUserRoles(user_pb2.SetUserRolesRequest(name=user.name), metadata=admin))
    assert field_violations(error) == {"roles": "MIN_ITEMS"}
    request = user_pb2.SetUserRolesRequest(name=user.name, roles=[options_pb2.ROLE_UNSPECIFIED])
    error = await fails(stub.SetUserRoles(request, metadata=admin))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT


# -- internal -------------------------------------------------------------------


async def test_internal_rpcs_are_for_named_services_only(stub, mint):
    user, address = await register(stub)
    other, _ = await register(stub)
    tokens = await login(stub, address)
    request = user_pb2.GetUserInternalRequest(name=user.name)
    for metadata in (bearer(tokens), mint.bearer(str(uuid.uuid4()), roles=["admin"]),
                     mint.service_bearer("gamification")):  # fmt: skip
        error = await fails(stub.GetUserInternal(request, metadata=metadata))
        assert (error.code(), error_reason(error)) == (grpc.StatusCode.PERMISSION_DENIED, "ACCESS_DENIED")
    error = await fails(stub.GetUserInternal(request))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    found = await stub.GetUserInternal(request, metadata=mint.service_bearer("course"))
    assert found.email == user.email
    batch = await stub.BatchGetUsers(
        user_pb2.BatchGetUsersRequest(names=[other.name, user.name]), metadata=mint.service_bearer("payment")
    )
    assert [u.name for u in batch.users] == [other.name, user.name]
    missing = f"users/{uuid.uuid4()}"
    error = await fails(
        stub.BatchGetUsers(
            user_pb2.BatchGetUsersRequest(names=[user.name, missing]), metadata=mint.service_bearer("payment")
        )
    )
    assert (error.code(), error_reason(error)) == (grpc.StatusCode.NOT_FOUND, "USER_NOT_FOUND")
