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


class EmailVerificationTokenInvalid(UserDomainError):
    reason = "EMAIL_VERIFICATION_TOKEN_INVALID"

    def __init__(self) -> None:
        super().__init__("the verification link is invalid, used or expired; ask for a new one")


class VerificationEmailTooSoon(UserDomainError):
    reason = "VERIFICATION_EMAIL_TOO_SOON"

    def __init__(self, retry_after_s: float) -> None:
        super().__init__("a verification email was sent moments ago; try again later")
        self.retry_after_s = retry_after_s


class EmailAlreadyVerified(UserDomainError):
    reason = "EMAIL_ALREADY_VERIFIED"

    def __init__(self) -> None:
        super().__init__("the email is already verified")


class PasswordResetTokenInvalid(UserDomainError):
    reason = "PASSWORD_RESET_TOKEN_INVALID"

    def __init__(self) -> None:
        super().__init__("the reset link is invalid, used or expired; ask for a new one")


class MfaAlreadyEnabled(UserDomainError):
    reason = "MFA_ALREADY_ENABLED"

    def __init__(self) -> None:
        super().__init__("two-factor sign-in is already on")


class MfaNotEnrolling(UserDomainError):
    reason = "MFA_NOT_ENROLLING"

    def __init__(self) -> None:
        super().__init__("no TOTP enrolment was started")


class MfaCodeInvalid(UserDomainError):
    """A wrong (or reused) TOTP or recovery code. `at_sign_in` picks the status:
    UNAUTHENTICATED when signing in, INVALID_ARGUMENT when enrolling."""

    reason = "MFA_CODE_INVALID"

    def __init__(self, *, at_sign_in: bool) -> None:
        super().__init__("the code is wrong or was already used")
        self.at_sign_in = at_sign_in


class MfaChallengeInvalid(UserDomainError):
    reason = "MFA_CHALLENGE_INVALID"

    def __init__(self) -> None:
        super().__init__("the sign-in challenge is invalid, used or expired; sign in again")


class LoginThrottled(UserDomainError):
    reason = "LOGIN_THROTTLED"

    def __init__(self, retry_after_s: float) -> None:
        super().__init__("too many failed sign-in attempts; try again later")
        self.retry_after_s = retry_after_s


class CannotFollowSelf(UserDomainError):
    reason = "CANNOT_FOLLOW_SELF"

    def __init__(self) -> None:
        super().__init__("a user cannot follow themselves")


class SocialTokenInvalid(UserDomainError):
    reason = "SOCIAL_TOKEN_INVALID"

    def __init__(self) -> None:
        super().__init__("the identity provider token is invalid or expired")


class SocialEmailNotVerified(UserDomainError):
    reason = "SOCIAL_EMAIL_NOT_VERIFIED"

    def __init__(self) -> None:
        super().__init__("the identity provider has not verified this email")


class SocialLoginDisabled(UserDomainError):
    reason = "SOCIAL_LOGIN_DISABLED"

    def __init__(self) -> None:
        super().__init__("social sign-in is not configured")


class ClientCredentialsInvalid(UserDomainError):
    reason = "CLIENT_CREDENTIALS_INVALID"

    def __init__(self) -> None:
        super().__init__("the client id or secret is wrong")
