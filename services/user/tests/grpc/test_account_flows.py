"""The account flows over gRPC with the kit's real pipeline, PostgreSQL and Redis:
email verification, password reset and change, TOTP two-factor sign-in, login
throttling, follows, the admin audit query, Firebase sign-in (the real
firebase-admin verification against a local certificate server) and service tokens."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import grpc
import jwt
import pytest
import sqlalchemy as sa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from google.protobuf import timestamp_pb2
from google.rpc import error_details_pb2

from lms.user.v1 import events_pb2, user_pb2, user_pb2_grpc
from lms_kit.clients import ClientCredentialsTokenSource
from lms_kit.db import Database
from lms_kit.events.schema import outbox
from lms_kit.migrations import upgrade
from lms_kit.testing.databases import postgres_database
from lms_kit.testing.harness import TokenMint, error_reason, field_violations, rich_status
from lms_kit.testing.plugin import Served, served
from lms_user.adapters.tables import totp_factors
from lms_user.domain import mfa
from lms_user.migrations import MIGRATIONS_DIR
from lms_user.server import SERVICE

from .support import PASSWORD, bearer, fails, from_ip, user_id, user_settings

NEW_PASSWORD = "saffron glacier kettle 7"
PROJECT = "lms-test-project"
SERVICE_SECRET = "course-secret-" + "x" * 30


class CertificateServer:
    """Serves X.509 certificates as Google does for Firebase ID tokens
    ({kid: PEM}, with Cache-Control), and counts the fetches."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-kid-1"
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "securetoken.test")])
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .sign(self.key, hashes.SHA256())
        )
        body = json.dumps({self.kid: cert.public_bytes(serialization.Encoding.PEM).decode()}).encode()
        self.fetches = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.fetches += 1
                self.send_response(200 if self.path == "/certs" else 404)
                self.send_header("content-type", "application/json")
                self.send_header("cache-control", "public, max-age=300")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/certs"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def id_token(self, uid: str, email: str, *, verified: bool = True, audience: str = PROJECT,
                 expires_in: int = 3600, key: rsa.RSAPrivateKey | None = None) -> str:  # fmt: skip
        now = int(time.time())
        claims = {
            "iss": f"https://securetoken.google.com/{audience}",
            "aud": audience,
            "auth_time": now - 10,
            "user_id": uid,
            "sub": uid,
            "iat": now - 10 if expires_in > 0 else now - 7200,
            "exp": now + expires_in,
            "email": email,
            "email_verified": verified,
            "name": "Grace Hopper",
            "firebase": {"sign_in_provider": "google.com", "identities": {"email": [email]}},
        }
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": self.kid})

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture(scope="module")
def certificates() -> Iterator[CertificateServer]:
    server = CertificateServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
async def own_pg_url() -> AsyncIterator[str]:
    """A database of this module's own: its signing keys are encrypted with its own key."""
    async with postgres_database("lms_user_test") as url:
        await upgrade(url, MIGRATIONS_DIR)
        yield url


@pytest.fixture(scope="module")
async def database(own_pg_url: str) -> AsyncIterator[Database]:
    database = Database(own_pg_url)
    yield database
    await database.dispose()


@pytest.fixture(scope="module")
async def server(own_pg_url: str, token_mint: TokenMint, certificates) -> AsyncIterator[Served]:
    settings = user_settings(
        redis_url="redis://127.0.0.1:6379/0",
        throttle_key_prefix=f"test:{uuid.uuid4().hex}:",  # counters never leak between runs
        password_reset_min_duration_s=0.05,
        firebase_project_id=PROJECT,
        firebase_cert_url=certificates.url,
        service_clients=f"course={SERVICE_SECRET}",
        log_email_links=False,
    )
    async with served(SERVICE, token_mint, database_url=own_pg_url, **settings) as running:
        yield running


@pytest.fixture
def stub(server: Served) -> user_pb2_grpc.UserServiceStub:
    return user_pb2_grpc.UserServiceStub(server.channel)


@pytest.fixture
def mint(token_mint: TokenMint) -> TokenMint:
    return token_mint


async def register(stub) -> tuple[user_pb2.User, str]:
    address = f"u{uuid.uuid4().hex[:12]}@example.com"
    response = await stub.Register(
        user_pb2.RegisterRequest(email=address, password=PASSWORD, display_name="Ada")
    )
    return response.user, address


async def login(stub, address: str, password: str = PASSWORD, metadata=None) -> user_pb2.LoginResponse:
    return await stub.Login(
        user_pb2.LoginRequest(email=address, password=password), metadata=metadata or from_ip()
    )


async def events(database, kind, **match) -> list:
    name = kind.DESCRIPTOR.full_name
    async with database.session() as session:
        query = sa.select(outbox.c.payload).where(outbox.c.subject == name).order_by(outbox.c.sequence)
        rows = (await session.execute(query)).scalars()
        found = [kind.FromString(payload) for payload in rows]
    return [e for e in found if all(getattr(e, k) == v for k, v in match.items())]


# -- email verification ---------------------------------------------------------------


async def test_registering_a_taken_email_mails_its_owner_a_way_back_in(stub, database):
    user, address = await register(stub)
    stand_in = (
        await stub.Register(user_pb2.RegisterRequest(email=address, password=PASSWORD, display_name="Eve"))
    ).user
    assert stand_in.name != user.name
    [notice] = await events(
        database, events_pb2.RegistrationAttemptedForExistingAccount, user_id=user_id(user)
    )
    assert (notice.email, notice.display_name) == (address, "Ada")  # the owner's name, not the caller's
    # The mailed link is a working reset link: the owner gets back in with a new password.
    await stub.ResetPassword(
        user_pb2.ResetPasswordRequest(token=notice.token, new_password="a brand new passphrase")
    )
    assert (await login(stub, address, password="a brand new passphrase")).tokens.user == user.name
    await stub.Register(user_pb2.RegisterRequest(email=address, password=PASSWORD, display_name="Eve"))
    assert [
        e.user_id
        for e in await events(
            database, events_pb2.RegistrationAttemptedForExistingAccount, user_id=user_id(user)
        )
    ] == [user_id(user)]  # one notice per reset cooldown


async def test_register_publishes_a_link_that_verifies_the_email_once(stub, database):
    user, address = await register(stub)
    [requested] = await events(database, events_pb2.EmailVerificationRequested, user_id=user_id(user))
    assert requested.email == address and requested.verification_url.endswith(requested.token)
    tampered = requested.token[:-2] + ("AA" if not requested.token.endswith("AA") else "BB")
    error = await fails(stub.VerifyEmail(user_pb2.VerifyEmailRequest(token=tampered)))
    assert (error.code(), error_reason(error)) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "EMAIL_VERIFICATION_TOKEN_INVALID",
    )
    verified = await stub.VerifyEmail(user_pb2.VerifyEmailRequest(token=requested.token))
    assert verified.user.email_verified
    assert await events(database, events_pb2.EmailVerified, user_id=user_id(user))
    error = await fails(stub.VerifyEmail(user_pb2.VerifyEmailRequest(token=requested.token)))
    assert error_reason(error) == "EMAIL_VERIFICATION_TOKEN_INVALID"


async def test_resend_right_away_is_resource_exhausted_with_retry_info(stub):
    _, address = await register(stub)
    tokens = (await login(stub, address)).tokens
    error = await fails(
        stub.ResendVerificationEmail(user_pb2.ResendVerificationEmailRequest(), metadata=bearer(tokens))
    )
    assert (error.code(), error_reason(error)) == (
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        "VERIFICATION_EMAIL_TOO_SOON",
    )
    [retry] = [d for d in rich_status(error).details if d.Is(error_details_pb2.RetryInfo.DESCRIPTOR)]
    info = error_details_pb2.RetryInfo()
    retry.Unpack(info)
    assert 0 < info.retry_delay.seconds <= 60
    assert dict(error.trailing_metadata())["retry-after"]


# -- passwords -------------------------------------------------------------------------


async def test_password_reset_answers_alike_and_revokes_every_session(stub, database):
    user, address = await register(stub)
    session = (await login(stub, address)).tokens
    unknown = await stub.RequestPasswordReset(
        user_pb2.RequestPasswordResetRequest(email="nobody@example.com")
    )
    known = await stub.RequestPasswordReset(user_pb2.RequestPasswordResetRequest(email=address))
    assert unknown == known == user_pb2.RequestPasswordResetResponse()
    [requested] = await events(database, events_pb2.PasswordResetRequested, user_id=user_id(user))
    weak = await fails(
        stub.ResetPassword(user_pb2.ResetPasswordRequest(token=requested.token, new_password="password1234"))
    )
    assert error_reason(weak) == "PASSWORD_REJECTED"
    assert field_violations(weak) == {"new_password": "PASSWORD_TOO_COMMON"}  # the field the request has
    await stub.ResetPassword(user_pb2.ResetPasswordRequest(token=requested.token, new_password=NEW_PASSWORD))
    assert [e.method for e in await events(database, events_pb2.PasswordChanged, user_id=user_id(user))] == [
        "reset"
    ]
    revoked = await fails(
        stub.RefreshToken(user_pb2.RefreshTokenRequest(refresh_token=session.refresh_token))
    )
    assert error_reason(revoked) == "REFRESH_TOKEN_INVALID"
    assert (await login(stub, address, NEW_PASSWORD)).tokens.access_token
    reused = await fails(
        stub.ResetPassword(user_pb2.ResetPasswordRequest(token=requested.token, new_password=PASSWORD))
    )
    assert (reused.code(), error_reason(reused)) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "PASSWORD_RESET_TOKEN_INVALID",
    )


async def test_change_password_requires_the_current_password(stub):
    _, address = await register(stub)
    tokens = (await login(stub, address)).tokens
    wrong = user_pb2.ChangePasswordRequest(current_password="not the password", new_password=NEW_PASSWORD)
    error = await fails(stub.ChangePassword(wrong, metadata=bearer(tokens)))
    assert (error.code(), error_reason(error)) == (grpc.StatusCode.UNAUTHENTICATED, "INVALID_CREDENTIALS")
    weak = user_pb2.ChangePasswordRequest(current_password=PASSWORD, new_password="password1234")
    error = await fails(stub.ChangePassword(weak, metadata=bearer(tokens)))
    assert field_violations(error) == {"new_password": "PASSWORD_TOO_COMMON"}
    right = user_pb2.ChangePasswordRequest(current_password=PASSWORD, new_password=NEW_PASSWORD)
    assert (await stub.ChangePassword(right, metadata=bearer(tokens))).revoked_session_count == 1
    assert (await login(stub, address, NEW_PASSWORD)).tokens.access_token


# -- TOTP ------------------------------------------------------------------------------


async def test_totp_enrolment_and_mfa_login_refuse_a_reused_code(stub, database):
    user, address = await register(stub)
    tokens = (await login(stub, address)).tokens
    enrollment = await stub.StartTotpEnrollment(
        user_pb2.StartTotpEnrollmentRequest(), metadata=bearer(tokens)
    )
    assert enrollment.qr_code_png.startswith(b"\x89PNG")
    assert (
        enrollment.otpauth_uri.startswith("otpauth://totp/") and enrollment.secret in enrollment.otpauth_uri
    )
    async with database.session() as session:
        stored = (
            await session.execute(
                sa.select(totp_factors.c.secret).where(totp_factors.c.user_id == user_id(user))
            )
        ).scalar_one()
    assert enrollment.secret.encode() not in stored  # encrypted at rest

    step = mfa.time_step(dt.datetime.now(dt.UTC))
    code = mfa.code_at(enrollment.secret, step)
    confirmed = await stub.ConfirmTotpEnrollment(
        user_pb2.ConfirmTotpEnrollmentRequest(code=code), metadata=bearer(tokens)
    )
    assert len(confirmed.recovery_codes) == 10

    challenge = (await login(stub, address)).mfa_challenge
    assert challenge.challenge_token and list(challenge.methods) == ["totp", "recovery_code"]
    reused = await fails(
        stub.CompleteMfaChallenge(
            user_pb2.CompleteMfaChallengeRequest(challenge_token=challenge.challenge_token, totp_code=code)
        )
    )
    assert (reused.code(), error_reason(reused)) == (grpc.StatusCode.UNAUTHENTICATED, "MFA_CODE_INVALID")
    # The next step's code is within the accepted drift and not used yet.
    next_code = mfa.code_at(enrollment.secret, step + 1)
    done = await stub.CompleteMfaChallenge(
        user_pb2.CompleteMfaChallengeRequest(challenge_token=challenge.challenge_token, totp_code=next_code)
    )
    assert done.tokens.access_token

    recovery = (await login(stub, address)).mfa_challenge
    request = user_pb2.CompleteMfaChallengeRequest(
        challenge_token=recovery.challenge_token, recovery_code=confirmed.recovery_codes[0]
    )
    assert (await stub.CompleteMfaChallenge(request)).tokens.access_token

    error = await fails(
        stub.DisableTotp(
            user_pb2.DisableTotpRequest(password="not the password"), metadata=bearer(done.tokens)
        )
    )
    assert error_reason(error) == "INVALID_CREDENTIALS"
    await stub.DisableTotp(user_pb2.DisableTotpRequest(password=PASSWORD), metadata=bearer(done.tokens))
    assert (await login(stub, address)).HasField("tokens")
    changes = await events(database, events_pb2.TwoFactorChanged, user_id=user_id(user))
    assert [(c.enabled, c.method) for c in changes] == [(True, "totp"), (False, "totp")]


async def test_wrong_totp_code_and_missing_proof(stub):
    _, address = await register(stub)
    tokens = (await login(stub, address)).tokens
    enrollment = await stub.StartTotpEnrollment(
        user_pb2.StartTotpEnrollmentRequest(), metadata=bearer(tokens)
    )
    step = mfa.time_step(dt.datetime.now(dt.UTC))
    window = {mfa.code_at(enrollment.secret, s) for s in (step - 1, step, step + 1, step + 2)}
    wrong = next(c for c in ("000000", "111111", "222222", "333333", "444444") if c not in window)
    error = await fails(
        stub.ConfirmTotpEnrollment(user_pb2.ConfirmTotpEnrollmentRequest(code=wrong), metadata=bearer(tokens))
    )
    assert (error.code(), error_reason(error)) == (grpc.StatusCode.INVALID_ARGUMENT, "MFA_CODE_INVALID")
    await stub.ConfirmTotpEnrollment(
        user_pb2.ConfirmTotpEnrollmentRequest(code=mfa.code_at(enrollment.secret, step)),
        metadata=bearer(tokens),
    )
    challenge = (await login(stub, address)).mfa_challenge
    error = await fails(
        stub.CompleteMfaChallenge(
            user_pb2.CompleteMfaChallengeRequest(challenge_token=challenge.challenge_token)
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    error = await fails(
        stub.CompleteMfaChallenge(
            user_pb2.CompleteMfaChallengeRequest(challenge_token=challenge.challenge_token, totp_code=wrong)
        )
    )
    assert error_reason(error) == "MFA_CODE_INVALID"
    error = await fails(
        stub.CompleteMfaChallenge(
            user_pb2.CompleteMfaChallengeRequest(challenge_token="made-up", totp_code=wrong)
        )
    )
    assert error_reason(error) == "MFA_CHALLENGE_INVALID"


# -- throttling (Redis) -----------------------------------------------------------------


async def test_failed_logins_lock_the_account_with_retry_after_and_no_enumeration(stub, mint):
    _, address = await register(stub)
    ghost = f"ghost-{uuid.uuid4().hex[:8]}@example.com"
    for target in (address, ghost):
        for _ in range(5):
            error = await fails(login(stub, target, "wrong password!!"))
            assert error_reason(error) == "INVALID_CREDENTIALS"
    locked = await fails(login(stub, address))  # the right password, but locked
    unknown = await fails(login(stub, ghost, "wrong password!!"))
    for error in (locked, unknown):
        assert (error.code(), error_reason(error)) == (grpc.StatusCode.RESOURCE_EXHAUSTED, "LOGIN_THROTTLED")
        assert dict(error.trailing_metadata())["retry-after"] == "5"
    assert locked.details() == unknown.details()
    admin = mint.bearer(str(uuid.uuid4()), roles=["admin"])
    throttled = await stub.ListAuditLogEntries(
        user_pb2.ListAuditLogEntriesRequest(action="login.throttled"), metadata=admin
    )
    assert {e.details["email"] for e in throttled.audit_log_entries} >= {address, ghost}


# -- audit query -----------------------------------------------------------------------------


async def test_admins_page_through_the_audit_log_with_filters(stub, mint):
    user, address = await register(stub)
    for _ in range(3):
        await fails(login(stub, address, "wrong password!!"))
    tokens = (await login(stub, address)).tokens
    error = await fails(
        stub.ListAuditLogEntries(user_pb2.ListAuditLogEntriesRequest(), metadata=bearer(tokens))
    )
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    admin = mint.bearer(str(uuid.uuid4()), roles=["admin"])
    request = user_pb2.ListAuditLogEntriesRequest(user=user.name, action="login.failed", page_size=2)
    first = await stub.ListAuditLogEntries(request, metadata=admin)
    request.page_token = first.next_page_token
    second = await stub.ListAuditLogEntries(request, metadata=admin)
    entries = [*first.audit_log_entries, *second.audit_log_entries]
    assert len(entries) == 3 and not second.next_page_token
    assert {e.user for e in entries} == {user.name} and entries[0].ip_address.startswith("10.")
    assert [e.occur_time.ToDatetime() for e in entries] == sorted(
        (e.occur_time.ToDatetime() for e in entries), reverse=True
    )
    other = user_pb2.ListAuditLogEntriesRequest(user=user.name, page_token=first.next_page_token)
    error = await fails(stub.ListAuditLogEntries(other, metadata=admin))
    assert error_reason(error) == "PAGE_TOKEN_INVALID"
    future = timestamp_pb2.Timestamp(seconds=int(time.time()) + 3600)
    empty = await stub.ListAuditLogEntries(
        user_pb2.ListAuditLogEntriesRequest(user=user.name, start_time=future), metadata=admin
    )
    assert not empty.audit_log_entries


# -- follows -----------------------------------------------------------------------------------


async def test_follow_unfollow_lists_and_counts(stub, database):
    star, _ = await register(stub)
    # A public profile shows once the email is verified.
    error = await fails(
        stub.GetPublicProfile(user_pb2.GetPublicProfileRequest(name=f"{star.name}/publicProfile"))
    )
    assert error.code() == grpc.StatusCode.NOT_FOUND
    [requested] = await events(database, events_pb2.EmailVerificationRequested, user_id=user_id(star))
    await stub.VerifyEmail(user_pb2.VerifyEmailRequest(token=requested.token))
    fans = []
    for _ in range(3):
        _, address = await register(stub)
        fans.append((await login(stub, address)).tokens)
    for fan in fans:
        await stub.FollowUser(user_pb2.FollowUserRequest(name=star.name), metadata=bearer(fan))
    await stub.FollowUser(user_pb2.FollowUserRequest(name=star.name), metadata=bearer(fans[0]))  # no-op
    error = await fails(
        stub.FollowUser(user_pb2.FollowUserRequest(name=fans[0].user), metadata=bearer(fans[0]))
    )
    assert (error.code(), error_reason(error)) == (grpc.StatusCode.INVALID_ARGUMENT, "CANNOT_FOLLOW_SELF")
    profile = await stub.GetPublicProfile(user_pb2.GetPublicProfileRequest(name=f"{star.name}/publicProfile"))
    assert (profile.follower_count, profile.following_count) == (3, 0)
    first = await stub.ListFollowers(user_pb2.ListFollowersRequest(parent=star.name, page_size=2))
    second = await stub.ListFollowers(
        user_pb2.ListFollowersRequest(parent=star.name, page_size=2, page_token=first.next_page_token)
    )
    assert [f.follower for f in [*first.follows, *second.follows]] == [f.user for f in reversed(fans)]
    following = await stub.ListFollowing(user_pb2.ListFollowingRequest(parent=fans[0].user))
    assert [(f.followee, f.followee_display_name) for f in following.follows] == [(star.name, "Ada")]
    await stub.UnfollowUser(user_pb2.UnfollowUserRequest(name=star.name), metadata=bearer(fans[0]))
    await stub.UnfollowUser(user_pb2.UnfollowUserRequest(name=star.name), metadata=bearer(fans[0]))
    profile = await stub.GetPublicProfile(user_pb2.GetPublicProfileRequest(name=f"{star.name}/publicProfile"))
    assert profile.follower_count == 2
    assert len(await events(database, events_pb2.UserFollowed, followee_user_id=user_id(star))) == 3


# -- Firebase ------------------------------------------------------------------------------------


async def test_firebase_sign_in_runs_the_real_verification(stub, certificates):
    email = f"fb-{uuid.uuid4().hex[:8]}@example.com"
    uid = uuid.uuid4().hex
    first = await stub.SignInWithFirebase(
        user_pb2.SignInWithFirebaseRequest(id_token=certificates.id_token(uid, email))
    )
    again = await stub.SignInWithFirebase(
        user_pb2.SignInWithFirebaseRequest(id_token=certificates.id_token(uid, email))
    )
    assert first.tokens.user == again.tokens.user
    profile = await stub.GetUser(
        user_pb2.GetUserRequest(name=first.tokens.user), metadata=bearer(first.tokens)
    )
    assert profile.email == email and profile.email_verified and profile.display_name == "Grace Hopper"
    assert certificates.fetches >= 1

    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    bad_tokens = [
        certificates.id_token(uid, email, expires_in=-3600),  # expired
        certificates.id_token(uid, email, audience="another-project"),  # wrong project
        certificates.id_token(uid, email, key=other_key),  # not signed by the published key
        certificates.id_token(uid, email)[:-4] + "AAAA",  # tampered signature
    ]
    for token in bad_tokens:
        error = await fails(stub.SignInWithFirebase(user_pb2.SignInWithFirebaseRequest(id_token=token)))
        assert (error.code(), error_reason(error)) == (
            grpc.StatusCode.UNAUTHENTICATED,
            "SOCIAL_TOKEN_INVALID",
        )
    unverified = certificates.id_token(uuid.uuid4().hex, f"x{email}", verified=False)
    error = await fails(stub.SignInWithFirebase(user_pb2.SignInWithFirebaseRequest(id_token=unverified)))
    assert error_reason(error) == "SOCIAL_EMAIL_NOT_VERIFIED"


async def test_firebase_links_to_the_account_with_the_same_verified_email(stub, database, certificates):
    user, address = await register(stub)
    [requested] = await events(database, events_pb2.EmailVerificationRequested, user_id=user_id(user))
    await stub.VerifyEmail(user_pb2.VerifyEmailRequest(token=requested.token))
    signed_in = await stub.SignInWithFirebase(
        user_pb2.SignInWithFirebaseRequest(id_token=certificates.id_token(uuid.uuid4().hex, address))
    )
    assert signed_in.tokens.user == user.name
    assert (await login(stub, address)).tokens.access_token  # the password still works


# -- service tokens ----------------------------------------------------------------------------------


async def test_a_service_trades_client_credentials_for_a_token_that_the_mesh_accepts(stub):
    issued = await stub.IssueServiceToken(
        user_pb2.IssueServiceTokenRequest(client_id="course", client_secret=SERVICE_SECRET)
    )
    claims = jwt.decode(issued.access_token, options={"verify_signature": False})
    assert (claims["sub"], claims["svc"], claims["exp"] - claims["iat"]) == ("service:course", "course", 300)
    user, _ = await register(stub)
    found = await stub.GetUserInternal(
        user_pb2.GetUserInternalRequest(name=user.name),
        metadata=(("authorization", f"Bearer {issued.access_token}"),),
    )
    assert found.name == user.name
    for client_id, secret in (("course", "wrong" * 8), ("payment", SERVICE_SECRET)):
        error = await fails(
            stub.IssueServiceToken(
                user_pb2.IssueServiceTokenRequest(client_id=client_id, client_secret=secret)
            )
        )
        assert (error.code(), error_reason(error)) == (
            grpc.StatusCode.UNAUTHENTICATED,
            "CLIENT_CREDENTIALS_INVALID",
        )


async def test_the_kits_client_credentials_source_gets_and_reuses_a_service_token(server, stub):
    source = ClientCredentialsTokenSource(server.server.target, "course", SERVICE_SECRET)
    first, second = await source.token(), await source.token()
    assert first == second  # reused, not fetched per call
    user, _ = await register(stub)
    found = await stub.GetUserInternal(
        user_pb2.GetUserInternalRequest(name=user.name), metadata=(("authorization", f"Bearer {first}"),)
    )
    assert found.name == user.name
    wrong = ClientCredentialsTokenSource(server.server.target, "course", "wrong" * 8)
    error = await fails(wrong.token())
    assert error_reason(error) == "CLIENT_CREDENTIALS_INVALID"
