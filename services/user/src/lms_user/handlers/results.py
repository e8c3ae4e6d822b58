"""What the use cases return when it is not an aggregate, and the values their ports
hand them (an issued token, an identity a provider vouches for)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, NamedTuple, TypeVar

from lms_user.domain.model import User

T = TypeVar("T")

# Keyset paging of newest-first lists: the (time, id) of the last item of the previous page.
After = tuple[datetime, str] | None


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class ExternalIdentity:
    """What an identity provider vouches for."""

    provider: str
    subject: str
    email: str
    email_verified: bool
    display_name: str = ""


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: User
    session_id: str
    access_token: str
    access_token_expires_at: datetime
    refresh_token: str
    refresh_token_expires_at: datetime


@dataclass(frozen=True, slots=True)
class MfaRequired:
    """The first factor passed; the second is still owed."""

    challenge_token: str
    expires_at: datetime
    methods: tuple[str, ...] = ("totp", "recovery_code")


@dataclass(frozen=True, slots=True)
class TotpEnrollment:
    secret: str
    otpauth_uri: str


class ProfileWithCounts(NamedTuple):
    """A user's public profile: the user with their follower and following counts."""

    user: User
    followers: int
    following: int


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a newest-first list as read: `rows` were fetched with `size + 1`, so a
    row past the page says another page follows; `key` is an item's (time, id) sort key."""

    rows: list[T]
    size: int
    key: Callable[[T], tuple[datetime, str]] = field(compare=False, repr=False)

    @property
    def items(self) -> list[T]:
        return self.rows[: self.size]

    @property
    def next_after(self) -> After:
        """Where the next page starts (the key of this page's last item); None on the last page."""
        return self.key(self.rows[self.size - 1]) if len(self.rows) > self.size else None

    def cursor(self, item: T) -> tuple[str, str]:
        """An item's sort key as a page token carries it."""
        moment, key = self.key(item)
        return moment.isoformat(), key
