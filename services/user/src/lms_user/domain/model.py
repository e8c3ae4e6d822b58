"""The user aggregate, its roles and the domain events of the service."""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from lms_kit.domain import Aggregate
from lms_user.domain.errors import CannotRemoveOwnAdminRole, InvalidProfile, InvalidRoles

DISPLAY_NAME_MAX = 100
BIO_MAX = 2000
AVATAR_MAX = 134  # "files/" + 128


class Role(enum.StrEnum):
    """Platform roles; the values are the names access tokens carry."""

    STUDENT = "student"
    TEACHER = "teacher"
    ADMIN = "admin"


DEFAULT_ROLES = frozenset({Role.STUDENT})

DELETED_DISPLAY_NAME = "Deleted user"


class AccountStatus(enum.StrEnum):
    """Only active accounts sign in and write; a deleted account never comes back."""

    ACTIVE = "active"
    DISABLED = "disabled"
    DELETED = "deleted"


@dataclass(frozen=True, slots=True)
class UserRegistered:
    user_id: str
    email: str
    display_name: str
    roles: frozenset[Role]
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class UserRolesChanged:
    user_id: str
    previous_roles: frozenset[Role]
    roles: frozenset[Role]
    changed_by: str
    reason: str
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class EmailVerificationRequested:
    user_id: str
    email: str
    display_name: str
    url: str
    token: str
    expires_at: datetime
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class EmailVerified:
    user_id: str
    email: str
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class PasswordResetRequested:
    user_id: str
    email: str
    display_name: str
    url: str
    token: str
    expires_at: datetime
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class RegistrationAttemptedForExistingAccount:
    """Register was called with this account's email; the owner is told, the caller is not."""

    user_id: str
    email: str
    display_name: str
    url: str
    token: str
    expires_at: datetime
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class PasswordChanged:
    user_id: str
    method: str  # "reset" | "change"
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class UserFollowed:
    follower_id: str
    followee_id: str
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class TwoFactorChanged:
    user_id: str
    enabled: bool
    method: str  # "totp"
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class UserDisabled:
    user_id: str
    disabled_by: str
    reason: str
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class UserEnabled:
    user_id: str
    enabled_by: str
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class UserDeleted:
    user_id: str
    deleted_by: str
    occurred_at: datetime


DomainEvent = (
    UserRegistered
    | UserRolesChanged
    | EmailVerificationRequested
    | EmailVerified
    | PasswordResetRequested
    | RegistrationAttemptedForExistingAccount
    | PasswordChanged
    | UserFollowed
    | TwoFactorChanged
    | UserDisabled
    | UserEnabled
    | UserDeleted
)

PROFILE_FIELDS = ("display_name", "bio", "avatar")


@dataclass(frozen=True, slots=True)
class ProfileChanges:
    """New profile values; only the fields named in `fields` are applied."""

    fields: frozenset[str]
    display_name: str = ""
    bio: str = ""
    avatar: str = ""


@dataclass
class User(Aggregate):
    """An account. Invariants: a non-empty display name, at least one role. The events
    it raises reach the outbox when the unit of work that saw it commits."""

    id: str
    email: str
    display_name: str
    roles: frozenset[Role]
    created_at: datetime
    updated_at: datetime
    bio: str = ""
    avatar: str = ""
    email_verified: bool = False
    status: AccountStatus = AccountStatus.ACTIVE
    status_changed_at: datetime | None = None
    version: int = 1

    @property
    def is_active(self) -> bool:
        return self.status is AccountStatus.ACTIVE

    @property
    def is_deleted(self) -> bool:
        return self.status is AccountStatus.DELETED

    @classmethod
    def register(cls, *, user_id: str, email: str, display_name: str, now: datetime) -> User:
        """A new student account; raises UserRegistered."""
        name = _clean_display_name(display_name)
        user = cls(
            id=user_id,
            email=email,
            display_name=name,
            roles=DEFAULT_ROLES,
            created_at=now,
            updated_at=now,
        )
        user.raise_event(UserRegistered(user_id, email, name, user.roles, now))
        return user

    def update_profile(self, changes: ProfileChanges, now: datetime) -> None:
        """Apply the named profile fields, checking each one."""
        if "display_name" in changes.fields:
            self.display_name = _clean_display_name(changes.display_name)
        if "bio" in changes.fields:
            if len(changes.bio) > BIO_MAX:
                raise InvalidProfile("bio", "MAX_LENGTH", f"must be at most {BIO_MAX} characters")
            self.bio = changes.bio
        if "avatar" in changes.fields:
            avatar = changes.avatar.strip()
            if avatar and (not avatar.startswith("files/") or len(avatar) > AVATAR_MAX or "/" in avatar[6:]):
                raise InvalidProfile("avatar", "PATTERN", "must be a file reference files/{file}")
            self.avatar = avatar
        if changes.fields:
            self.updated_at = now

    def set_roles(self, roles: Iterable[Role], *, changed_by: str, reason: str, now: datetime) -> bool:
        """Replace the roles; raises UserRolesChanged. Returns False (and raises no
        event) when the roles are already these."""
        new = frozenset(roles)
        if not new:
            raise InvalidRoles("a user needs at least one role")
        if changed_by == self.id and Role.ADMIN in self.roles and Role.ADMIN not in new:
            raise CannotRemoveOwnAdminRole()
        if new == self.roles:
            return False
        previous, self.roles = self.roles, new
        self.updated_at = now
        self.raise_event(UserRolesChanged(self.id, previous, new, changed_by, reason, now))
        return True

    def disable(self, *, by: str, reason: str, now: datetime) -> bool:
        """Suspend the account; raises UserDisabled. False if it already was. A deleted
        account is never changed again (the caller treats it as gone)."""
        if self.status is not AccountStatus.ACTIVE:
            return False
        self._set_status(AccountStatus.DISABLED, now)
        self.raise_event(UserDisabled(self.id, by, reason, now))
        return True

    def enable(self, *, by: str, now: datetime) -> bool:
        """Lift a suspension; raises UserEnabled. False if the account was not disabled."""
        if self.status is not AccountStatus.DISABLED:
            return False
        self._set_status(AccountStatus.ACTIVE, now)
        self.raise_event(UserEnabled(self.id, by, now))
        return True

    def delete(self, *, by: str, now: datetime) -> bool:
        """Close the account for good: personal data erased, the id kept as a tombstone
        (the email becomes a placeholder no one can own); raises UserDeleted. False if it
        was deleted already."""
        if self.status is AccountStatus.DELETED:
            return False
        self.email = f"deleted-{self.id}@deleted.invalid"
        self.email_verified = False
        self.display_name = DELETED_DISPLAY_NAME
        self.bio = ""
        self.avatar = ""
        self.roles = DEFAULT_ROLES
        self._set_status(AccountStatus.DELETED, now)
        self.raise_event(UserDeleted(self.id, by, now))
        return True

    def _set_status(self, status: AccountStatus, now: datetime) -> None:
        self.status = status
        self.status_changed_at = now
        self.updated_at = now

    def verify_email(self, now: datetime) -> bool:
        """Mark the email verified; raises EmailVerified. False if it already was."""
        if self.email_verified:
            return False
        self.email_verified = True
        self.updated_at = now
        self.raise_event(EmailVerified(self.id, self.email, now))
        return True


def _clean_display_name(value: str) -> str:
    name = " ".join(value.split())  # collapse whitespace, including control line breaks
    if not name:
        raise InvalidProfile("display_name", "REQUIRED", "is required")
    if len(name) > DISPLAY_NAME_MAX:
        raise InvalidProfile("display_name", "MAX_LENGTH", f"must be at most {DISPLAY_NAME_MAX} characters")
    if any(_invisible(c) for c in name):
        raise InvalidProfile(
            "display_name",
            "INVISIBLE_CHARACTER",
            "must not contain control, bidirectional-override or other invisible characters",
        )
    return name


# Joiners that scripts (Persian, Indic) and emoji sequences need: format characters, but kept.
_JOINERS = frozenset("\u200c\u200d")
# Control, format (bidi overrides and marks, zero-width space, BOM), surrogate, private
# use and unassigned: characters that hide or reorder what a reader sees.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def _invisible(char: str) -> bool:
    return char not in _JOINERS and unicodedata.category(char) in _HIDDEN_CATEGORIES
