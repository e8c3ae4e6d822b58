"""Who is calling, and from where, as a servicer reads it.

    async def Enroll(self, request, context):
        enrollment = await self._handlers.enroll(actor(), course_id)

`actor()` turns the pipeline's verified principal into the domain's `Actor`;
`origin()` is the client's address (the trusted-proxy rule of lms_kit.net, applied to
the call's peer and X-Forwarded-For) and user agent, for throttles and audit logs.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field

from lms_kit.auth.principal import ROLE_NAME, Principal, current_principal
from lms_kit.domain.actor import Actor
from lms_kit.net import ClientAddressResolver

USER_AGENT_LIMIT = 512


def actor_of(principal: Principal) -> Actor:
    """The domain's view of a principal: the end user behind the call, their roles (a
    service acting for a user carries the user's roles), and the calling service."""
    person = principal.on_behalf_of if principal.is_service and principal.on_behalf_of else principal
    roles = frozenset(ROLE_NAME[r] for r in person.roles if r in ROLE_NAME)
    return Actor(principal.user_id, roles, principal.service, email_verified=person.email_verified)


def actor() -> Actor:
    """The caller of the RPC being handled."""
    return actor_of(current_principal())


@dataclass(slots=True)
class Origin:
    """Where a call came from. `forwarded_for` is only kept for calls the gateway vouched
    for (lms_kit.net); `address` is resolved on first use (most calls never ask)."""

    peer: str
    forwarded_for: str = ""
    user_agent: str = ""
    resolver: ClientAddressResolver | None = None
    _address: str | None = field(default=None, repr=False)

    @property
    def address(self) -> str:
        if self._address is None:
            resolver = self.resolver or _DEFAULT_RESOLVER
            self._address = resolver.resolve(self.peer, self.forwarded_for)
        return self._address


_DEFAULT_RESOLVER = ClientAddressResolver([])
_NO_ORIGIN = Origin(peer="")
_origin: ContextVar[Origin] = ContextVar("lms_origin", default=_NO_ORIGIN)


def origin() -> Origin:
    """The origin of the RPC being handled (an empty one outside an RPC)."""
    return _origin.get()


def set_origin(value: Origin) -> object:
    return _origin.set(value)


def reset_origin(token: object) -> None:
    _origin.reset(token)  # type: ignore[arg-type]
