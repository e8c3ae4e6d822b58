"""lms.user.v1.UserService: one short method per RPC (proto -> handler -> proto).

The kit's pipeline has already authenticated the caller, enforced the RPC's access
policy, checked the field rules of the contract and resolved the client's address
before a method runs; it maps the domain errors the use cases raise to rich statuses.
"""

from __future__ import annotations

from lms.user.v1 import teaching_pb2, user_pb2, user_pb2_grpc
from lms_kit.caller import actor, origin
from lms_kit.paging import Pager
from lms_kit.proto import update_mask
from lms_user import mappers
from lms_user.domain.audit import ClientInfo
from lms_user.domain.model import PROFILE_FIELDS, ProfileChanges
from lms_user.handlers import UserUseCases


def client() -> ClientInfo:
    """Where the call came from (the kit's trusted-proxy rule), for throttles and the audit log."""
    here = origin()
    return ClientInfo(ip=here.address, user_agent=here.user_agent)


class UserServicer(user_pb2_grpc.UserServiceServicer):
    def __init__(self, use_cases: UserUseCases) -> None:
        self._accounts = use_cases.accounts
        self._passwords = use_cases.passwords
        self._sessions = use_cases.sessions
        self._mfa = use_cases.mfa
        self._social = use_cases.social
        self._follows = use_cases.follows
        self._admin = use_cases.admin
        self._account_status = use_cases.account_status
        self._service_clients = use_cases.service_clients
        self._keys = use_cases.keys
        self._teaching = use_cases.teaching

    # -- accounts --

    async def Register(self, request, context):
        user = await self._accounts.register(
            email=request.email,
            password=request.password,
            display_name=request.display_name,
            request_id=request.request_id,
            client=client(),
        )
        return user_pb2.RegisterResponse(user=mappers.user_to_proto(user))

    async def GetUser(self, request, context):
        user = await self._accounts.get_user(mappers.user_id_from_name(request.name))
        return mappers.user_to_proto(user)

    async def UpdateUser(self, request, context):
        user = request.user
        changes = ProfileChanges(
            frozenset(update_mask(request, user, PROFILE_FIELDS)),
            display_name=user.display_name,
            bio=user.bio,
            avatar=user.avatar,
        )
        updated = await self._accounts.update_profile(
            actor(), mappers.user_id_from_name(user.name, "user.name"), changes, client=client()
        )
        return mappers.user_to_proto(updated)

    async def GetUserInternal(self, request, context):
        user = await self._accounts.get_user(mappers.user_id_from_name(request.name))
        return mappers.user_to_proto(user)

    async def BatchGetUsers(self, request, context):
        users = await self._accounts.batch_get_users(
            [mappers.user_id_from_name(n, "names") for n in request.names]
        )
        return user_pb2.BatchGetUsersResponse(users=[mappers.user_to_proto(u) for u in users])

    async def VerifyEmail(self, request, context):
        user = await self._accounts.verify_email(request.token, client=client())
        return user_pb2.VerifyEmailResponse(user=mappers.user_to_proto(user))

    async def ResendVerificationEmail(self, request, context):
        await self._accounts.resend_verification(actor(), client=client())
        return user_pb2.ResendVerificationEmailResponse()

    # -- passwords --

    async def RequestPasswordReset(self, request, context):
        await self._passwords.request_password_reset(request.email, client=client())
        return user_pb2.RequestPasswordResetResponse()

    async def ResetPassword(self, request, context):
        await self._passwords.reset_password(request.token, request.new_password, client=client())
        return user_pb2.ResetPasswordResponse()

    async def ChangePassword(self, request, context):
        count = await self._passwords.change_password(
            actor(), request.current_password, request.new_password, client=client()
        )
        return user_pb2.ChangePasswordResponse(revoked_session_count=count)

    # -- sessions and keys --

    async def Login(self, request, context):
        result = await self._sessions.login(email=request.email, password=request.password, client=client())
        return mappers.login_to_proto(result)

    async def RefreshToken(self, request, context):
        signed_in = await self._sessions.refresh(request.refresh_token, client=client())
        return user_pb2.RefreshTokenResponse(tokens=mappers.tokens_to_proto(signed_in))

    async def Logout(self, request, context):
        await self._sessions.logout(request.refresh_token, client=client())
        return user_pb2.LogoutResponse()

    async def LogoutAll(self, request, context):
        count = await self._sessions.logout_all(actor(), client=client())
        return user_pb2.LogoutAllResponse(revoked_session_count=count)

    async def GetJwks(self, request, context):
        return mappers.jwks_to_proto(await self._keys.jwks())

    # -- two-factor and social sign-in --

    async def StartTotpEnrollment(self, request, context):
        enrollment = await self._mfa.start_totp_enrollment(actor(), client=client())
        return mappers.totp_enrollment_to_proto(enrollment)

    async def ConfirmTotpEnrollment(self, request, context):
        codes = await self._mfa.confirm_totp_enrollment(actor(), request.code, client=client())
        return user_pb2.ConfirmTotpEnrollmentResponse(recovery_codes=codes)

    async def DisableTotp(self, request, context):
        await self._mfa.disable_totp(actor(), request.password, client=client())
        return user_pb2.DisableTotpResponse()

    async def CompleteMfaChallenge(self, request, context):
        signed_in = await self._mfa.complete_mfa_challenge(
            request.challenge_token,
            totp_code=request.totp_code,
            recovery_code=request.recovery_code,
            client=client(),
        )
        return user_pb2.CompleteMfaChallengeResponse(tokens=mappers.tokens_to_proto(signed_in))

    async def SignInWithFirebase(self, request, context):
        result = await self._social.sign_in_with_social(request.id_token, client=client())
        return mappers.login_to_proto(result)

    # -- follows --

    async def GetPublicProfile(self, request, context):
        profile = await self._follows.public_profile(mappers.user_id_from_profile_name(request.name))
        return mappers.public_profile_to_proto(profile)

    async def FollowUser(self, request, context):
        await self._follows.follow(actor(), mappers.user_id_from_name(request.name))
        return user_pb2.FollowUserResponse()

    async def UnfollowUser(self, request, context):
        await self._follows.unfollow(actor(), mappers.user_id_from_name(request.name))
        return user_pb2.UnfollowUserResponse()

    async def ListFollowers(self, request, context):
        pager = Pager(request, default=50, maximum=200)
        page = await self._follows.list_follows(
            mappers.user_id_from_name(request.parent, "parent"),
            followers=True,
            after=pager.after_time(),
            size=pager.size,
        )
        return user_pb2.ListFollowersResponse(
            follows=[mappers.follow_to_proto(f) for f in page.items],
            next_page_token=pager.next_token(page.rows, page.cursor),
        )

    async def ListFollowing(self, request, context):
        pager = Pager(request, default=50, maximum=200)
        page = await self._follows.list_follows(
            mappers.user_id_from_name(request.parent, "parent"),
            followers=False,
            after=pager.after_time(),
            size=pager.size,
        )
        return user_pb2.ListFollowingResponse(
            follows=[mappers.follow_to_proto(f) for f in page.items],
            next_page_token=pager.next_token(page.rows, page.cursor),
        )

    # -- administration and service tokens --

    async def SetUserRoles(self, request, context):
        user = await self._admin.set_roles(
            actor(),
            mappers.user_id_from_name(request.name),
            mappers.roles_from_proto(request.roles),
            reason=request.reason,
            client=client(),
        )
        return mappers.user_to_proto(user)

    async def DisableUser(self, request, context):
        user = await self._account_status.disable(
            actor(), mappers.user_id_from_name(request.name), reason=request.reason, client=client()
        )
        return mappers.user_to_proto(user)

    async def EnableUser(self, request, context):
        user = await self._account_status.enable(
            actor(), mappers.user_id_from_name(request.name), reason=request.reason, client=client()
        )
        return mappers.user_to_proto(user)

    async def DeleteUser(self, request, context):
        closure = await self._account_status.delete(
            actor(),
            mappers.user_id_from_name(request.name),
            password=request.password,
            reason=request.reason,
            client=client(),
        )
        return mappers.closure_to_proto(closure)

    async def GetUserStatus(self, request, context):
        standing = await self._account_status.standing(mappers.user_id_from_name(request.name))
        return mappers.standing_to_proto(standing)

    async def ListAuditLogEntries(self, request, context):
        pager = Pager(request, default=50, maximum=500)
        page = await self._admin.list_audit(
            mappers.audit_query(request), after=pager.after_time(), size=pager.size
        )
        return user_pb2.ListAuditLogEntriesResponse(
            audit_log_entries=[mappers.audit_entry_to_proto(e) for e in page.items],
            next_page_token=pager.next_token(page.rows, page.cursor),
        )

    async def SubmitTeacherApplication(self, request, context):
        application = await self._teaching.apply(
            actor(),
            mappers.user_id_from_name(request.parent, "parent"),
            mappers.teaching_profile(request),
            client=client(),
        )
        return mappers.teacher_application_to_proto(application)

    async def GetTeacherApplication(self, request, context):
        application = await self._teaching.get(*mappers.application_ids(request.name))
        return mappers.teacher_application_to_proto(application)

    async def ListTeacherApplications(self, request, context):
        pager = Pager(request, default=50, maximum=200)
        page = await self._teaching.list(
            mappers.applicant_filter(request.parent),
            mappers.APPLICATION_STATE_FROM_PROTO.get(request.state),
            after=pager.after_time(),
            size=pager.size,
        )
        return teaching_pb2.ListTeacherApplicationsResponse(
            teacher_applications=[mappers.teacher_application_to_proto(a) for a in page.items],
            next_page_token=pager.next_token(page.rows, page.cursor),
        )

    async def DecideTeacherApplication(self, request, context):
        user_id, application_id = mappers.application_ids(request.name)
        application = await self._teaching.decide(
            actor(),
            user_id,
            application_id,
            approve=request.decision == teaching_pb2.TEACHER_APPLICATION_DECISION_APPROVE,
            note=request.note,
            client=client(),
        )
        return mappers.teacher_application_to_proto(application)

    async def IssueServiceToken(self, request, context):
        issued = await self._service_clients.issue_service_token(
            request.client_id, request.client_secret, client=client()
        )
        return mappers.service_token_to_proto(issued)
