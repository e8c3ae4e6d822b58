"""proto <-> domain: the only module where both worlds meet."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

import segno
from google.protobuf import json_format, struct_pb2
from google.protobuf.message import Message

from lms.options.v1 import options_pb2
from lms.user.v1 import account_status_pb2, events_pb2, teaching_pb2, user_pb2
from lms_kit.domain import Invalid
from lms_kit.proto import ResourceName, from_timestamp, timestamp
from lms_user.domain.audit import AuditEntry, AuditQuery
from lms_user.domain.follows import FollowView
from lms_user.domain.model import (
    AccountStatus,
    EmailVerificationRequested,
    EmailVerified,
    PasswordChanged,
    PasswordResetRequested,
    RegistrationAttemptedForExistingAccount,
    Role,
    TwoFactorChanged,
    User,
    UserDeleted,
    UserDisabled,
    UserEnabled,
    UserFollowed,
    UserRegistered,
    UserRolesChanged,
)
from lms_user.domain.teaching import (
    ApplicationState,
    TeacherApplication,
    TeacherApplicationSubmitted,
    TeacherApplicationWasDecided,
    TeachingProfile,
    application_name,
)
from lms_user.handlers.account_status import AccountClosure, AccountStanding
from lms_user.handlers.results import IssuedToken, MfaRequired, ProfileWithCounts, SignedIn, TotpEnrollment

USER = ResourceName("users/{user}")
PUBLIC_PROFILE = ResourceName("users/{user}/publicProfile")
TEACHER_APPLICATION = ResourceName("users/{user}/teacherApplications/{application}")

ROLE_TO_PROTO = {
    Role.STUDENT: options_pb2.ROLE_STUDENT,
    Role.TEACHER: options_pb2.ROLE_TEACHER,
    Role.ADMIN: options_pb2.ROLE_ADMIN,
}
ROLE_FROM_PROTO = {value: role for role, value in ROLE_TO_PROTO.items()}


def roles_to_proto(roles: Iterable[Role]) -> list[int]:
    return sorted(ROLE_TO_PROTO[r] for r in roles)


def roles_from_proto(values: Iterable[int]) -> list[Role]:
    """Domain roles; Invalid for ROLE_UNSPECIFIED (or a value this version does not know)."""
    roles = []
    for value in values:
        role = ROLE_FROM_PROTO.get(value)
        if role is None:
            raise Invalid.field("roles", "UNDEFINED_ENUM", "must be a defined, non-zero role")
        roles.append(role)
    return roles


def user_name(user_id: str) -> str:
    return USER.format(user=user_id)


def user_id_from_name(name: str, field: str = "name") -> str:
    """`{user}` of `users/{user}`."""
    return USER.ids(name, field)[0]


def user_id_from_profile_name(name: str) -> str:
    """`{user}` of `users/{user}/publicProfile`."""
    return PUBLIC_PROFILE.ids(name)[0]


def audit_query(request: user_pb2.ListAuditLogEntriesRequest) -> AuditQuery:
    return AuditQuery(
        user_id=user_id_from_name(request.user, "user") if request.user else "",
        action=request.action,
        start=from_timestamp(request, "start_time"),
        end=from_timestamp(request, "end_time"),
    )


def user_to_proto(user: User) -> user_pb2.User:
    return user_pb2.User(
        name=user_name(user.id),
        email=user.email,
        email_verified=user.email_verified,
        display_name=user.display_name,
        bio=user.bio,
        avatar=user.avatar,
        roles=roles_to_proto(user.roles),
        create_time=timestamp(user.created_at),
        update_time=timestamp(user.updated_at),
        state=STATUS_TO_PROTO[user.status],
    )


STATUS_TO_PROTO = {
    AccountStatus.ACTIVE: account_status_pb2.USER_STATE_ACTIVE,
    AccountStatus.DISABLED: account_status_pb2.USER_STATE_DISABLED,
    AccountStatus.DELETED: account_status_pb2.USER_STATE_DELETED,
}


def closure_to_proto(closure: AccountClosure) -> account_status_pb2.DeleteUserResponse:
    return account_status_pb2.DeleteUserResponse(
        name=user_name(closure.user_id), delete_time=timestamp(closure.deleted_at)
    )


def standing_to_proto(standing: AccountStanding) -> account_status_pb2.UserStatus:
    return account_status_pb2.UserStatus(
        name=user_name(standing.user_id),
        state=STATUS_TO_PROTO[standing.status],
        state_change_time=timestamp(standing.changed_at),
    )


def public_profile_to_proto(profile: ProfileWithCounts) -> user_pb2.PublicProfile:
    user, followers, following = profile
    return user_pb2.PublicProfile(
        name=PUBLIC_PROFILE.format(user=user.id),
        user=user_name(user.id),
        display_name=user.display_name,
        bio=user.bio,
        avatar=user.avatar,
        create_time=timestamp(user.created_at),
        follower_count=followers,
        following_count=following,
    )


def login_to_proto(result: SignedIn | MfaRequired) -> user_pb2.LoginResponse:
    if isinstance(result, MfaRequired):
        return user_pb2.LoginResponse(
            mfa_challenge=user_pb2.MfaChallenge(
                challenge_token=result.challenge_token,
                expire_time=timestamp(result.expires_at),
                methods=list(result.methods),
            )
        )
    return user_pb2.LoginResponse(tokens=tokens_to_proto(result))


def qr_code_png(text: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=5, border=4)
    return buffer.getvalue()


def follow_to_proto(follow: FollowView) -> user_pb2.Follow:
    return user_pb2.Follow(
        follower=user_name(follow.follower_id),
        followee=user_name(follow.followee_id),
        follower_display_name=follow.follower_display_name,
        followee_display_name=follow.followee_display_name,
        create_time=timestamp(follow.created_at),
    )


def audit_entry_to_proto(entry: AuditEntry) -> user_pb2.AuditLogEntry:
    details = struct_pb2.Struct()
    json_format.ParseDict(entry.details, details)
    actor = entry.actor_id or ""
    return user_pb2.AuditLogEntry(
        name=f"auditLogEntries/{entry.id}",
        action=str(entry.action),
        user=user_name(entry.user_id) if entry.user_id else "",
        actor=actor if not actor or actor.startswith("service:") else user_name(actor),
        ip_address=entry.client.ip,
        user_agent=entry.client.user_agent,
        details=details,
        occur_time=timestamp(entry.occurred_at),
    )


def service_token_to_proto(issued: IssuedToken) -> user_pb2.IssueServiceTokenResponse:
    return user_pb2.IssueServiceTokenResponse(
        access_token=issued.token, expire_time=timestamp(issued.expires_at)
    )


def tokens_to_proto(signed_in: SignedIn) -> user_pb2.AuthTokens:
    return user_pb2.AuthTokens(
        user=user_name(signed_in.user.id),
        access_token=signed_in.access_token,
        token_type="Bearer",
        access_token_expire_time=timestamp(signed_in.access_token_expires_at),
        refresh_token=signed_in.refresh_token,
        refresh_token_expire_time=timestamp(signed_in.refresh_token_expires_at),
    )


JWK_FIELDS = ("kty", "kid", "use", "alg", "crv", "x", "y")


def jwks_to_proto(document: dict[str, Any]) -> user_pb2.GetJwksResponse:
    return user_pb2.GetJwksResponse(
        keys=[
            user_pb2.JsonWebKey(**{f: str(key[f]) for f in JWK_FIELDS if f in key})
            for key in document.get("keys", [])
        ]
    )


def event_to_proto(event: object) -> Message:
    """The proto message of a domain event (lms.user.v1 events)."""
    if isinstance(event, UserRegistered):
        return events_pb2.UserRegistered(
            user_id=event.user_id,
            email=event.email,
            display_name=event.display_name,
            roles=roles_to_proto(event.roles),
            register_time=timestamp(event.occurred_at),
        )
    if isinstance(event, UserRolesChanged):
        return events_pb2.UserRolesChanged(
            user_id=event.user_id,
            previous_roles=roles_to_proto(event.previous_roles),
            roles=roles_to_proto(event.roles),
            changed_by_user_id=event.changed_by,
            reason=event.reason,
            change_time=timestamp(event.occurred_at),
        )
    if isinstance(event, EmailVerificationRequested):
        return events_pb2.EmailVerificationRequested(
            user_id=event.user_id,
            email=event.email,
            display_name=event.display_name,
            verification_url=event.url,
            token=event.token,
            expire_time=timestamp(event.expires_at),
        )
    if isinstance(event, EmailVerified):
        return events_pb2.EmailVerified(
            user_id=event.user_id, email=event.email, verify_time=timestamp(event.occurred_at)
        )
    if isinstance(event, PasswordResetRequested):
        return events_pb2.PasswordResetRequested(
            user_id=event.user_id,
            email=event.email,
            display_name=event.display_name,
            reset_url=event.url,
            token=event.token,
            expire_time=timestamp(event.expires_at),
        )
    if isinstance(event, RegistrationAttemptedForExistingAccount):
        return events_pb2.RegistrationAttemptedForExistingAccount(
            user_id=event.user_id,
            email=event.email,
            display_name=event.display_name,
            reset_url=event.url,
            token=event.token,
            expire_time=timestamp(event.expires_at),
            attempt_time=timestamp(event.occurred_at),
        )
    if isinstance(event, PasswordChanged):
        return events_pb2.PasswordChanged(
            user_id=event.user_id, method=event.method, change_time=timestamp(event.occurred_at)
        )
    if isinstance(event, UserFollowed):
        return events_pb2.UserFollowed(
            follower_user_id=event.follower_id,
            followee_user_id=event.followee_id,
            follow_time=timestamp(event.occurred_at),
        )
    if isinstance(event, TwoFactorChanged):
        return events_pb2.TwoFactorChanged(
            user_id=event.user_id,
            enabled=event.enabled,
            method=event.method,
            change_time=timestamp(event.occurred_at),
        )
    if isinstance(event, TeacherApplicationSubmitted):
        return events_pb2.TeacherApplicationSubmitted(
            application=application_name(event.user_id, event.application_id),
            user_id=event.user_id,
            headline=event.headline,
            submit_time=timestamp(event.submitted_at),
        )
    if isinstance(event, TeacherApplicationWasDecided):
        return events_pb2.TeacherApplicationDecided(
            application=application_name(event.user_id, event.application_id),
            user_id=event.user_id,
            approved=event.approved,
            note=event.note,
            decided_by=_actor_name(event.decided_by),
            decide_time=timestamp(event.decided_at),
        )
    if isinstance(event, UserDisabled):
        return events_pb2.UserDisabled(
            user_id=event.user_id,
            disabled_by_user_id=event.disabled_by,
            reason=event.reason,
            disable_time=timestamp(event.occurred_at),
        )
    if isinstance(event, UserEnabled):
        return events_pb2.UserEnabled(
            user_id=event.user_id,
            enabled_by_user_id=event.enabled_by,
            enable_time=timestamp(event.occurred_at),
        )
    if isinstance(event, UserDeleted):
        return events_pb2.UserDeleted(
            user_id=event.user_id,
            deleted_by_user_id=event.deleted_by,
            delete_time=timestamp(event.occurred_at),
        )
    raise TypeError(f"no proto for {type(event).__name__}")


def totp_enrollment_to_proto(enrollment: TotpEnrollment) -> user_pb2.StartTotpEnrollmentResponse:
    return user_pb2.StartTotpEnrollmentResponse(
        secret=enrollment.secret,
        otpauth_uri=enrollment.otpauth_uri,
        qr_code_png=qr_code_png(enrollment.otpauth_uri),
    )


APPLICATION_STATE_TO_PROTO = {
    ApplicationState.PENDING: teaching_pb2.TEACHER_APPLICATION_STATE_PENDING,
    ApplicationState.APPROVED: teaching_pb2.TEACHER_APPLICATION_STATE_APPROVED,
    ApplicationState.DECLINED: teaching_pb2.TEACHER_APPLICATION_STATE_DECLINED,
}
APPLICATION_STATE_FROM_PROTO = {value: state for state, value in APPLICATION_STATE_TO_PROTO.items()}


def application_ids(name: str, field: str = "name") -> tuple[str, str]:
    """(user id, application id) of `users/{user}/teacherApplications/{id}`."""
    user_id, application_id = TEACHER_APPLICATION.ids(name, field)
    return user_id, application_id


def applicant_filter(parent: str) -> str | None:
    """The user id of `users/{user}`, or None for `users/-` (every applicant)."""
    return None if parent == "users/-" else user_id_from_name(parent, "parent")


def teaching_profile(request: teaching_pb2.SubmitTeacherApplicationRequest) -> TeachingProfile:
    return TeachingProfile.cleaned(request.headline, request.bio, tuple(request.topics), request.sample_url)


def _actor_name(actor_id: str) -> str:
    """`users/{id}` for a user; operators and services keep their `kind:name` form."""
    return actor_id if ":" in actor_id or not actor_id else user_name(actor_id)


def teacher_application_to_proto(application: TeacherApplication) -> teaching_pb2.TeacherApplication:
    message = teaching_pb2.TeacherApplication(
        name=application.name,
        applicant_display_name=application.applicant_display_name,
        headline=application.profile.headline,
        bio=application.profile.bio,
        topics=list(application.profile.topics),
        sample_url=application.profile.sample_url,
        state=APPLICATION_STATE_TO_PROTO[application.state],
        create_time=timestamp(application.submitted_at),
        decided_by=_actor_name(application.decided_by),
        decision_note=application.note,
    )
    if application.decided_at is not None:
        message.decide_time.CopyFrom(timestamp(application.decided_at))
    return message
