"""Access policies, read from the `(lms.options.v1.access)` method option.

Every RPC of a service must carry a policy; `load_policies` refuses a service
with one missing, so a policy-less RPC can never be served.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from google.protobuf import descriptor as pb_descriptor
from google.protobuf import descriptor_pb2 as pb_descriptor_pb2

from lms.options.v1 import options_pb2
from lms_kit.auth.principal import ROLE_NAME, Principal
from lms_kit.errors import Denied, Unauthenticated


class ContractError(Exception):
    """A contract that the kit refuses to serve (missing policy, bad field rule)."""


@dataclass(frozen=True, slots=True)
class MethodPolicy:
    anonymous: bool
    authenticated: bool
    roles: frozenset[int]
    owner_field: tuple[str, ...]
    services: frozenset[str]
    # The contract marks the RPC NO_SIDE_EFFECTS: a read (no account-status check).
    read_only: bool = False

    def authorize(self, principal: Principal, request: object | None) -> None:
        """Raise Unauthenticated / PermissionDenied unless `principal` may call."""
        if self.anonymous:
            return
        if principal.is_anonymous:
            raise Unauthenticated("TOKEN_MISSING", "this call needs a signed-in caller")
        if principal.is_service:
            if principal.service in self.services:
                return
            # A service acting for a user gets exactly that user's rights.
            if principal.on_behalf_of is not None and self._user_allowed(principal.on_behalf_of, request):
                return
        elif self._user_allowed(principal, request):
            return
        raise self._denial(principal)

    def _denial(self, principal: Principal) -> Denied:
        """ACCESS_DENIED naming what would have let the caller in: `missing` lists the
        grants ("role", "ownership", "service"), `required_roles` the roles and
        `token_roles` what the token carries. A token minted before a role change
        carries the old roles, so the message tells the client to refresh it."""
        user = principal.on_behalf_of if principal.is_service else principal
        missing, hints = [], []
        metadata: dict[str, str] = {}
        if self.roles:
            missing.append("role")
            required = sorted(ROLE_NAME.get(r, str(r)) for r in self.roles)
            held = sorted(ROLE_NAME.get(r, str(r)) for r in user.roles) if user is not None else []
            metadata["required_roles"] = ",".join(required)
            metadata["token_roles"] = ",".join(held)
            hints.append(f"one of the roles {', '.join(required)}")
        if self.owner_field:
            missing.append("ownership")
            metadata["owner_field"] = ".".join(self.owner_field)
            hints.append(f"to own the resource named by {'.'.join(self.owner_field)}")
        if self.services:
            missing.append("service")
            metadata["services"] = ",".join(sorted(self.services))
            hints.append(f"to be one of the services {', '.join(sorted(self.services))}")
        metadata["missing"] = ",".join(missing)
        message = "the caller may not call this method"
        if hints:
            message += ": it needs " + " or ".join(hints)
        if self.roles:
            message += " (roles come from the access token: refresh it after a role change)"
        return Denied("ACCESS_DENIED", message, metadata=metadata)

    def _user_allowed(self, user: Principal, request: object | None) -> bool:
        if self.authenticated:
            return True
        if self.roles & user.roles:
            return True
        if self.owner_field and request is not None:
            return _owned_by(_field_value(request, self.owner_field), user.subject)
        return False


def _field_value(message: object, path: tuple[str, ...]) -> str:
    for name in path:
        message = getattr(message, name)
    return message if isinstance(message, str) else ""


def _owned_by(value: str, user_id: str) -> bool:
    """True if `value` is the user id or a resource name `users/{id}[/...]`."""
    if not value or not user_id:
        return False
    if value == user_id:
        return True
    prefix = f"users/{user_id}"
    return value == prefix or value.startswith(prefix + "/")


def policy_for(method: pb_descriptor.MethodDescriptor) -> MethodPolicy:
    options = method.GetOptions()
    if not options.HasExtension(options_pb2.access):
        raise ContractError(f"{method.full_name} has no (lms.options.v1.access) policy")
    access = options.Extensions[options_pb2.access]
    policy = MethodPolicy(
        anonymous=access.anonymous,
        authenticated=access.authenticated,
        roles=frozenset(access.roles),
        owner_field=tuple(access.owner_field.split(".")) if access.owner_field else (),
        services=frozenset(access.services),
        read_only=options.idempotency_level == pb_descriptor_pb2.MethodOptions.NO_SIDE_EFFECTS,
    )
    if not (
        policy.anonymous or policy.authenticated or policy.roles or policy.owner_field or policy.services
    ):
        raise ContractError(f"{method.full_name} has an empty access policy (nobody could call it)")
    if policy.owner_field:
        if method.client_streaming:
            raise ContractError(f"{method.full_name}: owner_field is not supported on client streams")
        _check_owner_field(method, policy.owner_field)
    return policy


def _check_owner_field(method: pb_descriptor.MethodDescriptor, path: tuple[str, ...]) -> None:
    message = method.input_type
    for i, name in enumerate(path):
        field = message.fields_by_name.get(name)
        if field is None:
            raise ContractError(f"{method.full_name}: owner_field {'.'.join(path)!r} is not a request field")
        if i < len(path) - 1:
            message = field.message_type
            if message is None:
                raise ContractError(f"{method.full_name}: owner_field {'.'.join(path)!r} is not a path")
        elif field.type != field.TYPE_STRING:
            raise ContractError(f"{method.full_name}: owner_field {'.'.join(path)!r} must be a string")


def full_method_name(method: pb_descriptor.MethodDescriptor) -> str:
    """The gRPC path of a method: `/package.Service/Method`."""
    return f"/{method.containing_service.full_name}/{method.name}"


def load_policies(services: Iterable[pb_descriptor.ServiceDescriptor]) -> dict[str, MethodPolicy]:
    """Policies of every method of `services`, keyed by gRPC path. Raises
    ContractError naming every method without a valid policy."""
    policies: dict[str, MethodPolicy] = {}
    problems: list[str] = []
    for service in services:
        for method in service.methods:
            try:
                policies[full_method_name(method)] = policy_for(method)
            except ContractError as exc:
                problems.append(str(exc))
    if problems:
        raise ContractError("; ".join(problems))
    return policies
