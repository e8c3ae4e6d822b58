"""The identity service's errors: kit categories (lms_kit.domain.errors) with this
service's stable reasons (lms.user.v1.ErrorReason). The kit maps each category to its
gRPC status; the details a caller needs (the bad fields, the retry delay, the missing
users) are set here, where the rule is."""

from __future__ import annotations

from dataclasses import dataclass

from lms_kit.domain import (
    Conflict,
    Denied,
    DomainError,
    Exhausted,
    FieldViolation,
    Invalid,
    NotFound,
    Precondition,
    Unauthenticated,
    Unavailable,
)


class EmailAlreadyRegistered(Conflict):
    def __init__(self) -> None:
        super().__init__("EMAIL_ALREADY_REGISTERED", "an account with this email already exists")


@dataclass(frozen=True, slots=True)
class PasswordProblem:
    """Why a password is refused: `code` is a stable PASSWORD_* reason."""

    code: str
    description: str


class PasswordRejected(Invalid):
    """One violation on `field` (the request's password field) per broken rule."""

    def __init__(self, problems: list[PasswordProblem], *, field: str = "password") -> None:
        super().__init__(
            [FieldViolation(field, p.description, p.code) for p in problems],
            "the password does not meet the password policy",
            reason="PASSWORD_REJECTED",
        )
        self.problems = problems


class InvalidEmail(Invalid):
    def __init__(self) -> None:
        super().__init__(
            [FieldViolation("email", "must be an email address", "EMAIL")], "must be an email address"
        )


class InvalidProfile(Invalid):
    """A profile value breaks a rule: `field` names it (a member of the request's `user`)."""

    def __init__(self, field: str, code: str, description: str) -> None:
        super().__init__([FieldViolation(f"user.{field}", description, code)], description)


class InvalidRoles(Invalid):
    def __init__(self, description: str) -> None:
        super().__init__([FieldViolation("roles", description, "INVALID")], description)


class UpdateMaskInvalid(Invalid):
    def __init__(self, paths: list[str]) -> None:
        super().__init__(
            [FieldViolation("update_mask", f"cannot update {p!r}", "UNKNOWN_FIELD") for p in paths],
            f"these fields cannot be updated: {', '.join(paths)}",
            reason="UPDATE_MASK_INVALID",
        )
        self.paths = paths


class RequestIdReused(Invalid):
    def __init__(self) -> None:
        message = "this request_id was already used for another request"
        super().__init__(
            [FieldViolation("request_id", message, "REUSED")], message, reason="REQUEST_ID_REUSED"
        )


class InvalidCredentials(Unauthenticated):
    def __init__(self) -> None:
        super().__init__("INVALID_CREDENTIALS", "the email or password is wrong")


class RefreshTokenInvalid(Unauthenticated):
    def __init__(self) -> None:
        super().__init__(
            "REFRESH_TOKEN_INVALID", "the refresh token is invalid, revoked or expired; sign in again"
        )


class RefreshTokenReused(Unauthenticated):
    def __init__(self) -> None:
        super().__init__(
            "REFRESH_TOKEN_REUSED",
            "the refresh token was already used; the session is revoked; sign in again",
        )


class UserNotFound(NotFound):
    """Every missing user at once: metadata `names` lists them (comma-separated)."""

    def __init__(self, user_ids: list[str]) -> None:
        names = ",".join(f"users/{i}" for i in user_ids)
        super().__init__("USER_NOT_FOUND", "user not found", metadata={"names": names})
        self.user_ids = user_ids


class CannotRemoveOwnAdminRole(Precondition):
    def __init__(self) -> None:
        super().__init__("CANNOT_REMOVE_OWN_ADMIN_ROLE", "administrators cannot remove their own admin role")


class CannotDisableSelf(Precondition):
    def __init__(self) -> None:
        super().__init__(
            "CANNOT_DISABLE_SELF",
            "administrators cannot suspend or close their own account this way "
            "(close it as its owner, with the password)",
        )


class NotAllowed(Denied):
    """The caller may not do this (checked by a use case, beyond the contract's policy)."""

    def __init__(self, message: str) -> None:
        super().__init__("ACCESS_DENIED", message)


class EmailVerificationTokenInvalid(Invalid):
    def __init__(self) -> None:
        message = "the verification link is invalid, used or expired; ask for a new one"
        reason = "EMAIL_VERIFICATION_TOKEN_INVALID"
        super().__init__([FieldViolation("token", message, reason)], message, reason=reason)


class VerificationEmailTooSoon(Exhausted):
    def __init__(self, retry_after_s: float) -> None:
        super().__init__(
            "VERIFICATION_EMAIL_TOO_SOON",
            "a verification email was sent moments ago; try again later",
            retry_after_s=retry_after_s,
        )


class EmailAlreadyVerified(Precondition):
    def __init__(self) -> None:
        super().__init__("EMAIL_ALREADY_VERIFIED", "the email is already verified")


class PasswordResetTokenInvalid(Invalid):
    def __init__(self) -> None:
        message = "the reset link is invalid, used or expired; ask for a new one"
        reason = "PASSWORD_RESET_TOKEN_INVALID"
        super().__init__([FieldViolation("token", message, reason)], message, reason=reason)


class MfaAlreadyEnabled(Precondition):
    def __init__(self) -> None:
        super().__init__("MFA_ALREADY_ENABLED", "two-factor sign-in is already on")


class MfaNotEnrolling(Precondition):
    def __init__(self) -> None:
        super().__init__("MFA_NOT_ENROLLING", "no TOTP enrolment was started")


MFA_CODE_INVALID = "MFA_CODE_INVALID"
MFA_CODE_MESSAGE = "the code is wrong or was already used"


class MfaCodeInvalid(DomainError):
    """A wrong (or reused) TOTP or recovery code; raised as one of the two below, whose
    category depends on the step: signing in or enrolling."""


class MfaSignInCodeInvalid(MfaCodeInvalid, Unauthenticated):
    """At sign-in (CompleteMfaChallenge): UNAUTHENTICATED."""

    def __init__(self) -> None:
        Unauthenticated.__init__(self, MFA_CODE_INVALID, MFA_CODE_MESSAGE)


class MfaEnrollmentCodeInvalid(MfaCodeInvalid, Invalid):
    """When confirming an enrolment: INVALID_ARGUMENT with a violation on `code`."""

    def __init__(self) -> None:
        Invalid.__init__(
            self,
            [FieldViolation("code", MFA_CODE_MESSAGE, MFA_CODE_INVALID)],
            MFA_CODE_MESSAGE,
            reason=MFA_CODE_INVALID,
        )


class MfaProofMissing(Invalid):
    def __init__(self) -> None:
        super().__init__([FieldViolation("totp_code", "give a TOTP code or a recovery code", "REQUIRED")])


class MfaChallengeInvalid(Unauthenticated):
    def __init__(self) -> None:
        super().__init__(
            "MFA_CHALLENGE_INVALID", "the sign-in challenge is invalid, used or expired; sign in again"
        )


class LoginThrottled(Exhausted):
    """Sign-in is locked for the account (a password reset lifts it at once: the way out for
    the owner) or for the caller's address. Worded the same whether or not the account exists."""

    def __init__(self, retry_after_s: float, *, account_locked: bool = True) -> None:
        if account_locked:
            message = (
                "too many failed sign-in attempts for this account; try again later, "
                "or reset the password: the reset mail lifts the lock at once"
            )
            metadata = {"scope": "account", "recovery": "password_reset"}
        else:
            message = "too many failed sign-in attempts from this address; try again later"
            metadata = {"scope": "address"}
        super().__init__("LOGIN_THROTTLED", message, retry_after_s=retry_after_s, metadata=metadata)


class CannotFollowSelf(Invalid):
    def __init__(self) -> None:
        message = "a user cannot follow themselves"
        reason = "CANNOT_FOLLOW_SELF"
        super().__init__([FieldViolation("name", message, reason)], message, reason=reason)


class SocialTokenInvalid(Unauthenticated):
    def __init__(self) -> None:
        super().__init__("SOCIAL_TOKEN_INVALID", "the identity provider token is invalid or expired")


class SocialEmailNotVerified(Precondition):
    def __init__(self) -> None:
        super().__init__("SOCIAL_EMAIL_NOT_VERIFIED", "the identity provider has not verified this email")


class SocialLoginDisabled(Precondition):
    def __init__(self) -> None:
        super().__init__("SOCIAL_LOGIN_DISABLED", "social sign-in is not configured")


class SocialProviderUnavailable(Unavailable):
    def __init__(self) -> None:
        super().__init__("SOCIAL_PROVIDER_UNAVAILABLE", "the identity provider cannot be reached")


class ClientCredentialsInvalid(Unauthenticated):
    def __init__(self) -> None:
        super().__init__("CLIENT_CREDENTIALS_INVALID", "the client id or secret is wrong")


class TeacherApplicationNotFound(NotFound):
    def __init__(self, name: str) -> None:
        super().__init__("TEACHER_APPLICATION_NOT_FOUND", f"{name} not found", metadata={"name": name})


class TeacherApplicationPending(Conflict):
    def __init__(self, name: str) -> None:
        super().__init__(
            "TEACHER_APPLICATION_PENDING",
            "an application is pending already: wait for its decision",
            metadata={"name": name},
        )


class TeacherApplicationDecided(Precondition):
    def __init__(self, name: str, state: str) -> None:
        super().__init__(
            "TEACHER_APPLICATION_DECIDED",
            f"the application was {state} already",
            metadata={"name": name, "state": state},
        )


class AlreadyTeacher(Precondition):
    def __init__(self) -> None:
        super().__init__("ALREADY_TEACHER", "the account holds the teacher role already")


class DeclineNeedsNote(Invalid):
    def __init__(self) -> None:
        super().__init__(
            [FieldViolation("note", "say why the application is declined", "REQUIRED")],
            "a decline needs a note to the applicant",
        )
