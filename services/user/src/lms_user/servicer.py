"""lms.user.v1.UserService: one short method per RPC (proto -> handler -> proto).

The kit's pipeline has already authenticated the caller, enforced the RPC's access
policy and checked the field rules of the contract before a method runs; domain
errors are turned into rich statuses by `mappers.map_error` (App.map_error).
"""

from __future__ import annotations

from datetime import UTC, datetime

import grpc

from lms.user.v1 import user_pb2, user_pb2_grpc
from lms_kit.auth import current_principal
from lms_kit.paging import decode_page_token, encode_page_token, fingerprint, page_size
from lms_user import mappers
from lms_user.adapters.keys import KeyRing
from lms_user.client_address import ClientAddressResolver
from lms_user.domain.audit import AuditQuery, ClientInfo
from lms_user.domain.errors import NotAllowed
from lms_user.domain.model import PROFILE_FIELDS, ProfileChanges
from lms_user.handlers import Page, UserHandlers

LOCAL_PROXIES = ClientAddressResolver.from_setting("127.0.0.1/32,::1/128")


def client_info(
    context: grpc.aio.ServicerContext, addresses: ClientAddressResolver = LOCAL_PROXIES
) -> ClientInfo:
    """The caller's address (the right-most X-Forwarded-For hop not added by a trusted
    proxy; see client_address.py) and user agent, for throttling and the audit log."""
    metadata = dict(context.invocation_metadata() or ())
    ip = addresses.resolve(context.peer() or "", str(metadata.get("x-forwarded-for", "")))
    return ClientInfo(ip=ip, user_agent=str(metadata.get("user-agent", ""))[:512])


def _signed_in_user() -> str:
    user_id = current_principal().user_id
    if not user_id:
        raise NotAllowed("only an end user can do this")
    return user_id


def _time(message, field: str):  # type: ignore[no-untyped-def]
    return getattr(message, field).ToDatetime(tzinfo=UTC) if message.HasField(field) else None


def _after(request, token: str) -> tuple[datetime, str] | None:  # type: ignore[no-untyped-def]
    key = decode_page_token(token, fingerprint(request))
    if key is None:
        return None
    try:
        return datetime.fromisoformat(key[0]), key[1]
    except (ValueError, IndexError):
        raise mappers.page_token_invalid() from None


def _next_token(request, page: Page) -> str:  # type: ignore[no-untyped-def]
    if page.next_after is None:
        return ""
    moment, key = page.next_after
    return encode_page_token([moment.isoformat(), key], fingerprint(request))


class UserServicer(user_pb2_grpc.UserServiceServicer):
    def __init__(
        self, handlers: UserHandlers, keyring: KeyRing, addresses: ClientAddressResolver = LOCAL_PROXIES
    ) -> None:
        self._handlers = handlers
        self._keyring = keyring
        self._addresses = addresses

    def _client(self, context: grpc.aio.ServicerContext) -> ClientInfo:
        return client_info(context, self._addresses)

    async def Register(self, request, context):
        user = await self._handlers.register(
            email=request.email,
            password=request.password,
            display_name=request.display_name,
            request_id=request.request_id,
            client=self._client(context),
        )
        return user_pb2.RegisterResponse(user=mappers.user_to_proto(user))

    async def Login(self, request, context):
        result = await self._handlers.login(
            email=request.email, password=request.password, client=self._client(context)
        )
        return mappers.login_to_proto(result)

    async def RefreshToken(self, request, context):
        signed_in = await self._handlers.refresh(request.refresh_token, client=self._client(context))
        return user_pb2.RefreshTokenResponse(tokens=mappers.tokens_to_proto(signed_in))

    async def Logout(self, request, context):
        await self._handlers.logout(request.refresh_token, client=self._client(context))
        return user_pb2.LogoutResponse()

    async def LogoutAll(self, request, context):
        user_id = current_principal().user_id
        if not user_id:
            raise NotAllowed("only an end user can sign out everywhere")
        count = await self._handlers.logout_all(user_id, client=self._client(context))
        return user_pb2.LogoutAllResponse(revoked_session_count=count)

    async def GetJwks(self, request, context):
        return mappers.jwks_to_proto(await self._keyring.jwks())

    async def GetUser(self, request, context):
        user = await self._handlers.get_user(mappers.user_id_from_name(request.name))
        return mappers.user_to_proto(user)

    async def UpdateUser(self, request, context):
        user = request.user
        if request.HasField("update_mask"):
            paths = set(request.update_mask.paths)
            if "*" in paths:
                paths = (paths - {"*"}) | set(PROFILE_FIELDS)
        else:  # AIP-134: no mask means the fields that are set
            paths = {f for f in PROFILE_FIELDS if getattr(user, f)}
        changes = ProfileChanges(
            frozenset(paths), display_name=user.display_name, bio=user.bio, avatar=user.avatar
        )
        updated = await self._handlers.update_profile(
            mappers.user_id_from_name(user.name),
            changes,
            actor_id=current_principal().user_id or current_principal().subject,
            client=self._client(context),
        )
        return mappers.user_to_proto(updated)

    async def GetPublicProfile(self, request, context):
        user_id = mappers.user_id_from_name(request.name, suffix="/publicProfile")
        user, followers, following = await self._handlers.public_profile(user_id)
        return mappers.public_profile_to_proto(user, followers, following)

    async def SetUserRoles(self, request, context):
        user = await self._handlers.set_roles(
            mappers.user_id_from_name(request.name),
            mappers.roles_from_proto(request.roles),
            actor_id=current_principal().user_id,
            reason=request.reason,
            client=self._client(context),
        )
        return mappers.user_to_proto(user)

    async def GetUserInternal(self, request, context):
        return mappers.user_to_proto(await self._handlers.get_user(mappers.user_id_from_name(request.name)))

    async def BatchGetUsers(self, request, context):
        users = await self._handlers.batch_get_users([mappers.user_id_from_name(n) for n in request.names])
        return user_pb2.BatchGetUsersResponse(users=[mappers.user_to_proto(u) for u in users])

    # -- email and passwords --

    async def VerifyEmail(self, request, context):
        user = await self._handlers.verify_email(request.token, client=self._client(context))
        return user_pb2.VerifyEmailResponse(user=mappers.user_to_proto(user))

    async def ResendVerificationEmail(self, request, context):
        await self._handlers.resend_verification(_signed_in_user(), client=self._client(context))
        return user_pb2.ResendVerificationEmailResponse()

    async def RequestPasswordReset(self, request, context):
        await self._handlers.request_password_reset(request.email, client=self._client(context))
        return user_pb2.RequestPasswordResetResponse()

    async def ResetPassword(self, request, context):
        await self._handlers.reset_password(request.token, request.new_password, client=self._client(context))
        return user_pb2.ResetPasswordResponse()

    async def ChangePassword(self, request, context):
        count = await self._handlers.change_password(
            _signed_in_user(), request.current_password, request.new_password, client=self._client(context)
        )
        return user_pb2.ChangePasswordResponse(revoked_session_count=count)

    # -- two-factor --

    async def StartTotpEnrollment(self, request, context):
        enrollment = await self._handlers.start_totp_enrollment(
            _signed_in_user(), client=self._client(context)
        )
        return user_pb2.StartTotpEnrollmentResponse(
            secret=enrollment.secret,
            otpauth_uri=enrollment.otpauth_uri,
            qr_code_png=mappers.qr_code_png(enrollment.otpauth_uri),
        )

    async def ConfirmTotpEnrollment(self, request, context):
        codes = await self._handlers.confirm_totp_enrollment(
            _signed_in_user(), request.code, client=self._client(context)
        )
        return user_pb2.ConfirmTotpEnrollmentResponse(recovery_codes=codes)

    async def DisableTotp(self, request, context):
        await self._handlers.disable_totp(_signed_in_user(), request.password, client=self._client(context))
        return user_pb2.DisableTotpResponse()

    async def CompleteMfaChallenge(self, request, context):
        if request.WhichOneof("proof") is None:
            raise mappers.proof_missing()
        signed_in = await self._handlers.complete_mfa_challenge(
            request.challenge_token,
            totp_code=request.totp_code,
            recovery_code=request.recovery_code,
            client=self._client(context),
        )
        return user_pb2.CompleteMfaChallengeResponse(tokens=mappers.tokens_to_proto(signed_in))

    async def SignInWithFirebase(self, request, context):
        result = await self._handlers.sign_in_with_social(request.id_token, client=self._client(context))
        return mappers.login_to_proto(result)

    # -- follows --

    async def FollowUser(self, request, context):
        await self._handlers.follow(_signed_in_user(), mappers.user_id_from_name(request.name))
        return user_pb2.FollowUserResponse()

    async def UnfollowUser(self, request, context):
        await self._handlers.unfollow(_signed_in_user(), mappers.user_id_from_name(request.name))
        return user_pb2.UnfollowUserResponse()

    async def ListFollowers(self, request, context):
        page = await self._handlers.list_follows(
            mappers.user_id_from_name(request.parent),
            followers=True,
            after=_after(request, request.page_token),
            limit=page_size(request.page_size, default=50, maximum=200),
        )
        return user_pb2.ListFollowersResponse(
            follows=[mappers.follow_to_proto(f) for f in page.items],
            next_page_token=_next_token(request, page),
        )

    async def ListFollowing(self, request, context):
        page = await self._handlers.list_follows(
            mappers.user_id_from_name(request.parent),
            followers=False,
            after=_after(request, request.page_token),
            limit=page_size(request.page_size, default=50, maximum=200),
        )
        return user_pb2.ListFollowingResponse(
            follows=[mappers.follow_to_proto(f) for f in page.items],
            next_page_token=_next_token(request, page),
        )

    # -- audit, service tokens --

    async def ListAuditLogEntries(self, request, context):
        query = AuditQuery(
            user_id=mappers.user_id_from_name(request.user) if request.user else "",
            action=request.action,
            start=_time(request, "start_time"),
            end=_time(request, "end_time"),
        )
        page = await self._handlers.list_audit(
            query,
            after=_after(request, request.page_token),
            limit=page_size(request.page_size, default=50, maximum=500),
        )
        return user_pb2.ListAuditLogEntriesResponse(
            audit_log_entries=[mappers.audit_entry_to_proto(e) for e in page.items],
            next_page_token=_next_token(request, page),
        )

    async def IssueServiceToken(self, request, context):
        issued = await self._handlers.issue_service_token(
            request.client_id, request.client_secret, client=self._client(context)
        )
        return mappers.service_token_to_proto(issued)
