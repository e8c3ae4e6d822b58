"""The caller as a use case sees it: who, with which roles, possibly a service."""

from __future__ import annotations

from dataclasses import dataclass, field

ADMIN, TEACHER, STUDENT = "admin", "teacher", "student"


@dataclass(frozen=True, slots=True)
class Actor:
    """`user_id` is the end user (empty for anonymous callers and for a service acting
    for itself); `service` names a calling service; `roles` are role names;
    `email_verified` is the access token's claim (False for tokens minted before the
    user verified their address)."""

    user_id: str = ""
    roles: frozenset[str] = field(default_factory=frozenset)
    service: str = ""
    email_verified: bool = False

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.roles

    @property
    def is_teacher(self) -> bool:
        return TEACHER in self.roles

    @property
    def is_anonymous(self) -> bool:
        return not self.user_id and not self.service

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @classmethod
    def user(cls, user_id: str, *roles: str) -> Actor:
        """A signed-in user (tests and internal calls): `Actor.user("u1", "teacher")`."""
        return cls(user_id, frozenset(roles))
