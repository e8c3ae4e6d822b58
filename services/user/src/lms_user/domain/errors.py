"""Domain errors. Each carries a stable `reason` (lms.user.v1.ErrorReason); the
servicer layer maps them to gRPC statuses (mappers.to_rpc_error)."""

from __future__ import annotations

from dataclasses import dataclass


class UserDomainError(Exception):
    reason: str = ""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EmailAlreadyRegistered(UserDomainError):
    reason = "EMAIL_ALREADY_REGISTERED"

    def __init__(self) -> None:
        super().__init__("an account with this email already exists")


@dataclass(frozen=True, slots=True)
class PasswordProblem:
    """Why a password is refused: `code` is a stable PASSWORD_* reason."""

    code: str
    description: str


class PasswordRejected(UserDomainError):
    reason = "PASSWORD_REJECTED"

    def __init__(self, problems: list[PasswordProblem]) -> None:
        super().__init__("the password does not meet the password policy")
        self.problems = problems


class InvalidEmail(UserDomainError):
    reason = "INVALID_FIELDS"

    def __init__(self) -> None:
        super().__init__("must be an email address")


class InvalidProfile(UserDomainError):
    """A profile value breaks a rule: `field` names it."""

    reason = "INVALID_FIELDS"

    def __init__(self, field: str, code: str, description: str) -> None:
        super().__init__(description)
        self.field = field
        self.code = code


class InvalidCredentials(UserDomainError):
    reason = "INVALID_CREDENTIALS"

    def __init__(self) -> None:
        super().__init__("the email or password is wrong")


class RefreshTokenInvalid(UserDomainError):
    reason = "REFRESH_TOKEN_INVALID"

    def __init__(self) -> None:
        super().__init__("the refresh token is invalid, revoked or expired; sign in again")


class RefreshTokenReused(UserDomainError):
    reason = "REFRESH_TOKEN_REUSED"

    def __init__(self) -> None:
        super().__init__("the refresh token was already used; the session is revoked; sign in again")


class UserNotFound(UserDomainError):
    reason = "USER_NOT_FOUND"

    def __init__(self, user_ids: list[str]) -> None:
        super().__init__("user not found")
        self.user_ids = user_ids


class UpdateMaskInvalid(UserDomainError):
    reason = "UPDATE_MASK_INVALID"

    def __init__(self, paths: list[str]) -> None:
        super().__init__(f"these fields cannot be updated: {', '.join(paths)}")
        self.paths = paths


class RequestIdReused(UserDomainError):
    reason = "REQUEST_ID_REUSED"

    def __init__(self) -> None:
        super().__init__("this request_id was already used for another request")


class InvalidRoles(UserDomainError):
    reason = "INVALID_FIELDS"

    def __init__(self, description: str) -> None:
        super().__init__(description)


class CannotRemoveOwnAdminRole(UserDomainError):
    reason = "CANNOT_REMOVE_OWN_ADMIN_ROLE"

    def __init__(self) -> None:
        super().__init__("administrators cannot remove their own admin role")


class NotAllowed(UserDomainError):
    """The caller may not do this (checked by a use case, beyond the contract's policy)."""

    reason = "ACCESS_DENIED"
