"""What the gRPC tests share: the settings of an in-process user service and calls as
the gateway makes them."""

from __future__ import annotations

import uuid

import grpc
import pytest
from cryptography.fernet import Fernet

from lms.user.v1 import user_pb2
from lms_kit.net import GATEWAY_HEADER

# What the gateway sends in x-lms-gateway here: only calls carrying it have their
# X-Forwarded-For believed (lms_kit.net).
GATEWAY_SECRET = "test-gateway-secret"
PASSWORD = "violet rocket tundra 42"

Metadata = tuple[tuple[str, str], ...]


def user_settings(**overrides: object) -> dict[str, object]:
    """Settings of an in-process user service: its own encryption key, keys that sign at
    once, a small hashing pool, and the gateway's secret. Tokens the tests mint for ids
    with no account (an administrator, a stranger) may write, as in a dev mesh; the
    account-status tests turn that off."""
    return {
        "trust_unknown_users": True,
        "signing_key_encryption_keys": Fernet.generate_key().decode(),
        "signing_key_publish_ahead_s": 0,
        "password_hash_threads": 2,
        "gateway_secret": GATEWAY_SECRET,
        **overrides,
    }


def via_gateway(client_address: str) -> Metadata:
    """A call as the gateway forwards it from `client_address` (vouched for, so the kit
    believes its X-Forwarded-For)."""
    return ((GATEWAY_HEADER, GATEWAY_SECRET), ("x-forwarded-for", client_address))


def from_ip() -> Metadata:
    """A client address of the test's own, so that tests never share an address throttle."""
    octets = [uuid.uuid4().int % 250 for _ in range(3)]
    return via_gateway("10.{}.{}.{}".format(*octets))


def bearer(tokens: user_pb2.AuthTokens) -> Metadata:
    return (("authorization", f"Bearer {tokens.access_token}"),)


def user_id(user: user_pb2.User) -> str:
    return user.name.removeprefix("users/")


async def fails(call) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value
