"""proto <-> domain: the only module where both worlds meet."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime

import segno
from google.protobuf import json_format, struct_pb2, timestamp_pb2
from google.protobuf.message import Message

from lms.options.v1 import options_pb2
from lms.user.v1 import events_pb2, user_pb2
from lms_kit import errors as rpc
from lms_user.domain import errors as domain
from lms_user.domain.audit import AuditEntry
from lms_user.domain.follows import FollowView
from lms_user.domain.model import (
    DomainEvent,
    EmailVerificationRequested,
    EmailVerified,
    PasswordChanged,
    PasswordResetRequested,
    Role,
    TwoFactorChanged,
    User,
    UserFollowed,
    UserRegistered,
    UserRolesChanged,
)
from lms_user.handlers import IssuedToken, MfaRequired, SignedIn

DOMAIN = "user.lms"

ROLE_TO_PROTO = {
    Role.STUDENT: options_pb2.ROLE_STUDENT,
    Role.TEACHER: options_pb2.ROLE_TEACHER,
    Role.ADMIN: options_pb2.ROLE_ADMIN,
}
ROLE_FROM_PROTO = {value: role for role, value in ROLE_TO_PROTO.items()}


def roles_to_proto(roles: Iterable[Role]) -> list[int]:
    return sorted(ROLE_TO_PROTO[r] for r in roles)


def roles_from_proto(values: Iterable[int]) -> list[Role]:
    """Domain roles; raises InvalidArgument for ROLE_UNSPECIFIED."""
    roles = []
    for value in values:
        role = ROLE_FROM_PROTO.get(value)
        if role is None:
            raise rpc.InvalidArgument(
                [rpc.FieldViolation("roles", "must be a defined, non-zero role", "UNDEFINED_ENUM")]
            )
        roles.append(role)
    return roles


def timestamp(moment: datetime) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def user_name(user_id: str) -> str:
    return f"users/{user_id}"


def user_id_from_name(name: str, *, suffix: str = "") -> str:
    """`{id}` of `users/{id}{suffix}`; the contract's pattern already checked the shape."""
    return name.removeprefix("users/").removesuffix(suffix)


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
    )


def public_profile_to_proto(user: User, followers: int = 0, following: int = 0) -> user_pb2.PublicProfile:
    return user_pb2.PublicProfile(
        name=f"{user_name(user.id)}/publicProfile",
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


def jwks_to_proto(document: dict) -> user_pb2.GetJwksResponse:
    return user_pb2.GetJwksResponse(
        keys=[
            user_pb2.JsonWebKey(**{f: str(key[f]) for f in JWK_FIELDS if f in key})
            for key in document.get("keys", [])
        ]
    )


def event_to_proto(event: DomainEvent) -> Message:
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
    raise TypeError(f"no proto for {type(event).__name__}")


def page_token_invalid() -> rpc.InvalidArgument:
    return rpc.InvalidArgument(
        [rpc.FieldViolation("page_token", "is not a valid page token", "PAGE_TOKEN_INVALID")],
        reason="PAGE_TOKEN_INVALID",
    )


def proof_missing() -> rpc.InvalidArgument:
    return rpc.InvalidArgument(
        [rpc.FieldViolation("totp_code", "give a TOTP code or a recovery code", "REQUIRED")]
    )


def map_error(error: Exception) -> rpc.DomainError | None:
    """App.map_error: the kit error for this service's domain errors, None for anything else."""
    return to_rpc_error(error) if isinstance(error, domain.UserDomainError) else None


def to_rpc_error(error: domain.UserDomainError) -> rpc.DomainError:
    """The kit error (and so the google.rpc.Status) for a domain error."""
    match error:
        case domain.PasswordRejected():
            return rpc.InvalidArgument(
                [rpc.FieldViolation("password", p.description, p.code) for p in error.problems],
                error.message,
                reason=error.reason,
                domain=DOMAIN,
            )
        case domain.InvalidEmail():
            return rpc.InvalidArgument([rpc.FieldViolation("email", error.message, "EMAIL")])
        case domain.InvalidProfile():
            return rpc.InvalidArgument([rpc.FieldViolation(f"user.{error.field}", error.message, error.code)])
        case domain.InvalidRoles():
            return rpc.InvalidArgument([rpc.FieldViolation("roles", error.message, "INVALID")])
        case domain.UpdateMaskInvalid():
            return rpc.InvalidArgument(
                [
                    rpc.FieldViolation("update_mask", f"cannot update {p!r}", "UNKNOWN_FIELD")
                    for p in error.paths
                ],
                error.message,
                reason=error.reason,
                domain=DOMAIN,
            )
        case domain.RequestIdReused():
            return rpc.InvalidArgument(
                [rpc.FieldViolation("request_id", error.message, "REUSED")],
                error.message,
                reason=error.reason,
                domain=DOMAIN,
            )
        case domain.EmailAlreadyRegistered():
            return rpc.AlreadyExists(error.reason, error.message, domain=DOMAIN)
        case domain.InvalidCredentials() | domain.RefreshTokenInvalid() | domain.RefreshTokenReused():
            return rpc.Unauthenticated(error.reason, error.message, domain=DOMAIN)
        case domain.UserNotFound():
            names = ",".join(user_name(i) for i in error.user_ids)
            return rpc.NotFound(error.reason, error.message, domain=DOMAIN, metadata={"names": names})
        case domain.CannotRemoveOwnAdminRole():
            return rpc.FailedPrecondition(error.reason, error.message, domain=DOMAIN)
        case domain.NotAllowed():
            return rpc.PermissionDenied(error.reason, error.message)
        case domain.EmailVerificationTokenInvalid() | domain.PasswordResetTokenInvalid():
            return rpc.InvalidArgument(
                [rpc.FieldViolation("token", error.message, error.reason)],
                error.message,
                reason=error.reason,
                domain=DOMAIN,
            )
        case domain.VerificationEmailTooSoon() | domain.LoginThrottled():
            return rpc.ResourceExhausted(
                error.reason, error.message, retry_after_s=error.retry_after_s, domain=DOMAIN
            )
        case domain.CannotFollowSelf():
            return rpc.InvalidArgument(
                [rpc.FieldViolation("name", error.message, error.reason)],
                error.message,
                reason=error.reason,
                domain=DOMAIN,
            )
        case domain.MfaCodeInvalid():
            if error.at_sign_in:
                return rpc.Unauthenticated(error.reason, error.message, domain=DOMAIN)
            return rpc.InvalidArgument(
                [rpc.FieldViolation("code", error.message, error.reason)],
                error.message,
                reason=error.reason,
                domain=DOMAIN,
            )
        case domain.MfaChallengeInvalid() | domain.SocialTokenInvalid() | domain.ClientCredentialsInvalid():
            return rpc.Unauthenticated(error.reason, error.message, domain=DOMAIN)
        case (
            domain.EmailAlreadyVerified()
            | domain.MfaAlreadyEnabled()
            | domain.MfaNotEnrolling()
            | domain.SocialEmailNotVerified()
            | domain.SocialLoginDisabled()
        ):
            return rpc.FailedPrecondition(error.reason, error.message, domain=DOMAIN)
    raise TypeError(f"unmapped domain error {type(error).__name__}")
