"""The verified caller of an RPC."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field

from lms.options.v1 import options_pb2

ROLE_BY_NAME: dict[str, int] = {
    "student": options_pb2.ROLE_STUDENT,
    "teacher": options_pb2.ROLE_TEACHER,
    "admin": options_pb2.ROLE_ADMIN,
}
ROLE_NAME: dict[int, str] = {value: name for name, value in ROLE_BY_NAME.items()}
SERVICE_SUBJECT_PREFIX = "service:"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling. `subject` is a user id, `service:<name>` for a service,
    or empty for an anonymous caller."""

    subject: str = ""
    roles: frozenset[int] = field(default_factory=frozenset)
    service: str = ""
    on_behalf_of: Principal | None = None
    token_id: str = ""
    expires_at: float = 0.0
    # The token's `email_verified` claim: the user service sets it once the address is
    # verified (a token minted before that says False until it is refreshed).
    email_verified: bool = False
    # The bearer token itself, so a service can forward an end user's identity.
    raw_token: str = field(default="", repr=False)

    @property
    def is_anonymous(self) -> bool:
        return not self.subject

    @property
    def is_service(self) -> bool:
        return bool(self.service)

    @property
    def user_id(self) -> str:
        """The end user behind the call: the caller itself, or the user a service acts for."""
        if self.is_service:
            return self.on_behalf_of.subject if self.on_behalf_of else ""
        return self.subject

    def has_role(self, role: int) -> bool:
        return role in self.roles


ANONYMOUS = Principal()

_current: ContextVar[Principal] = ContextVar("lms_principal", default=ANONYMOUS)


def current_principal() -> Principal:
    """The verified caller of the RPC being handled (ANONYMOUS outside an RPC)."""
    return _current.get()


def set_current_principal(principal: Principal) -> object:
    return _current.set(principal)


def reset_current_principal(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]
