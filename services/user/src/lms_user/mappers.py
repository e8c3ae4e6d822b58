"""proto <-> domain: the only module where both worlds meet."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from google.protobuf import timestamp_pb2

from lms.options.v1 import options_pb2
from lms.user.v1 import events_pb2, user_pb2
from lms_kit import errors as rpc
from lms_user.domain import errors as domain
from lms_user.domain.model import DomainEvent, Role, User, UserRegistered, UserRolesChanged
from lms_user.handlers import SignedIn

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


def public_profile_to_proto(user: User) -> user_pb2.PublicProfile:
    return user_pb2.PublicProfile(
        name=f"{user_name(user.id)}/publicProfile",
        user=user_name(user.id),
        display_name=user.display_name,
        bio=user.bio,
        avatar=user.avatar,
        create_time=timestamp(user.created_at),
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


def event_to_proto(event: DomainEvent) -> events_pb2.UserRegistered | events_pb2.UserRolesChanged:
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
    raise TypeError(f"no proto for {type(event).__name__}")


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
    raise TypeError(f"unmapped domain error {type(error).__name__}")
