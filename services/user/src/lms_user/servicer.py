"""lms.user.v1.UserService: one short method per RPC (proto -> handler -> proto).

The kit's pipeline has already authenticated the caller, enforced the RPC's access
policy and checked the field rules of the contract before a method runs.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import grpc

from lms.user.v1 import user_pb2, user_pb2_grpc
from lms_kit.auth import current_principal
from lms_user import mappers
from lms_user.adapters.keys import KeyRing
from lms_user.domain.audit import ClientInfo
from lms_user.domain.errors import NotAllowed, UserDomainError
from lms_user.domain.model import PROFILE_FIELDS, ProfileChanges
from lms_user.handlers import UserHandlers

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


def _domain_errors(method: F) -> F:
    """Turn domain errors into the kit's errors (and so into rich statuses)."""

    @functools.wraps(method)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return await method(*args, **kwargs)
        except UserDomainError as error:
            raise mappers.to_rpc_error(error) from None

    return wrapper  # type: ignore[return-value]


def client_info(context: grpc.aio.ServicerContext) -> ClientInfo:
    """The caller's address (first X-Forwarded-For hop set by the gateway, else the
    peer) and user agent, for the audit log."""
    metadata = dict(context.invocation_metadata() or ())
    forwarded = str(metadata.get("x-forwarded-for", "")).split(",")[0].strip()
    ip = forwarded or (context.peer() or "")
    return ClientInfo(ip=ip[:64], user_agent=str(metadata.get("user-agent", ""))[:512])


class UserServicer(user_pb2_grpc.UserServiceServicer):
    def __init__(self, handlers: UserHandlers, keyring: KeyRing) -> None:
        self._handlers = handlers
        self._keyring = keyring

    @_domain_errors
    async def Register(self, request, context):
        user = await self._handlers.register(
            email=request.email,
            password=request.password,
            display_name=request.display_name,
            request_id=request.request_id,
            client=client_info(context),
        )
        return user_pb2.RegisterResponse(user=mappers.user_to_proto(user))

    @_domain_errors
    async def Login(self, request, context):
        signed_in = await self._handlers.login(
            email=request.email, password=request.password, client=client_info(context)
        )
        return user_pb2.LoginResponse(tokens=mappers.tokens_to_proto(signed_in))

    @_domain_errors
    async def RefreshToken(self, request, context):
        signed_in = await self._handlers.refresh(request.refresh_token, client=client_info(context))
        return user_pb2.RefreshTokenResponse(tokens=mappers.tokens_to_proto(signed_in))

    @_domain_errors
    async def Logout(self, request, context):
        await self._handlers.logout(request.refresh_token, client=client_info(context))
        return user_pb2.LogoutResponse()

    @_domain_errors
    async def LogoutAll(self, request, context):
        user_id = current_principal().user_id
        if not user_id:
            raise NotAllowed("only an end user can sign out everywhere")
        count = await self._handlers.logout_all(user_id, client=client_info(context))
        return user_pb2.LogoutAllResponse(revoked_session_count=count)

    async def GetJwks(self, request, context):
        return mappers.jwks_to_proto(await self._keyring.jwks())

    @_domain_errors
    async def GetUser(self, request, context):
        user = await self._handlers.get_user(mappers.user_id_from_name(request.name))
        return mappers.user_to_proto(user)

    @_domain_errors
    async def UpdateUser(self, request, context):
        user = request.user
        if request.HasField("update_mask"):
            paths = set(request.update_mask.paths)
            if "*" in paths:
                paths = (paths - {"*"}) | set(PROFILE_FIELDS)
        else:  # AIP-134: no mask means the fields that are set
            paths = {f for f in PROFILE_FIELDS if getattr(user, f)}
        changes = ProfileChanges(
            frozenset(paths), display_name=user.display_name, bio=user.bio, avatar=user.avatar
        )
        updated = await self._handlers.update_profile(
            mappers.user_id_from_name(user.name),
            changes,
            actor_id=current_principal().user_id or current_principal().subject,
            client=client_info(context),
        )
        return mappers.user_to_proto(updated)

    @_domain_errors
    async def GetPublicProfile(self, request, context):
        user = await self._handlers.get_user(mappers.user_id_from_name(request.name, suffix="/publicProfile"))
        return mappers.public_profile_to_proto(user)

    @_domain_errors
    async def SetUserRoles(self, request, context):
        user = await self._handlers.set_roles(
            mappers.user_id_from_name(request.name),
            mappers.roles_from_proto(request.roles),
            actor_id=current_principal().user_id,
            reason=request.reason,
            client=client_info(context),
        )
        return mappers.user_to_proto(user)

    @_domain_errors
    async def GetUserInternal(self, request, context):
        return mappers.user_to_proto(await self._handlers.get_user(mappers.user_id_from_name(request.name)))

    @_domain_errors
    async def BatchGetUsers(self, request, context):
        users = await self._handlers.batch_get_users([mappers.user_id_from_name(n) for n in request.names])
        return user_pb2.BatchGetUsersResponse(users=[mappers.user_to_proto(u) for u in users])
