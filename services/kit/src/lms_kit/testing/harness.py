"""Start a service in-process on port 0 with the real pipeline, and mint tokens.

mint = TokenMint.create(tmp_path)
async with serve_app(app, settings_for(mint, "course")) as server:
    stub = CourseServiceStub(server.channel)
    await stub.GetCourse(request, metadata=mint.bearer("user-1", roles=["teacher"]))
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import grpc
from google.rpc import status_pb2

from lms_kit.auth.tokens import TokenSigner, new_ed25519_signer
from lms_kit.interceptors import STATUS_DETAILS_KEY
from lms_kit.server import App, RunningServer, start_server
from lms_kit.settings import KitSettings

ISSUER = "lms.user"
AUDIENCE = "lms"


@dataclass
class TokenMint:
    """A signing key whose public half is published as a JWKS file."""

    signer: TokenSigner
    jwks_path: Path

    @classmethod
    def create(cls, directory: Path, *, kid: str = "test-key-1") -> TokenMint:
        signer = new_ed25519_signer(kid=kid, issuer=ISSUER, audience=AUDIENCE)
        path = Path(directory) / "jwks.json"
        mint = cls(signer, path)
        mint.publish([signer])
        return mint

    @property
    def jwks_url(self) -> str:
        return self.jwks_path.resolve().as_uri()

    def publish(self, signers: Iterable[TokenSigner]) -> None:
        self.jwks_path.write_text(json.dumps({"keys": [s.public_jwk() for s in signers]}))

    def token(
        self, subject: str, *, roles: Iterable[str] = (), email_verified: bool = True, **kwargs: object
    ) -> str:
        """A user's access token; the user has verified their email unless told otherwise."""
        extra = dict(kwargs.pop("extra", None) or {})  # type: ignore[call-overload]
        extra.setdefault("email_verified", email_verified)
        return self.signer.sign(subject, roles=roles, extra=extra, **kwargs)  # type: ignore[arg-type]

    def bearer(
        self, subject: str, *, roles: Iterable[str] = (), email_verified: bool = True, **kwargs: object
    ) -> tuple[tuple[str, str]]:
        token = self.token(subject, roles=roles, email_verified=email_verified, **kwargs)
        return (("authorization", f"Bearer {token}"),)

    def service_bearer(self, service: str) -> tuple[tuple[str, str]]:
        return (("authorization", f"Bearer {self.signer.sign_service(service)}"),)


def settings_for(mint: TokenMint, service_name: str, cls: type[KitSettings] = KitSettings, **extra: object):
    values: dict[str, object] = {
        "service_name": service_name,
        "grpc_host": "127.0.0.1",
        "grpc_port": 0,
        "jwks_url": mint.jwks_url,
        "jwt_issuer": ISSUER,
        "jwt_audience": AUDIENCE,
    }
    return cls(**{**values, **extra})  # type: ignore[arg-type]


@dataclass
class TestServer:
    running: RunningServer
    channel: grpc.aio.Channel

    @property
    def port(self) -> int:
        return self.running.port

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.running.port}"


@asynccontextmanager
async def serve_app(app: App, settings: KitSettings, **kwargs: object) -> AsyncIterator[TestServer]:
    running = await start_server(app, settings, **kwargs)  # type: ignore[arg-type]
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{running.port}")
    try:
        yield TestServer(running, channel)
    finally:
        await channel.close()
        await running.stop(0)


def rich_status(error: grpc.aio.AioRpcError) -> status_pb2.Status:
    """The google.rpc.Status a failed call carried (empty if none)."""
    for key, value in error.trailing_metadata() or ():
        if key == STATUS_DETAILS_KEY:
            return status_pb2.Status.FromString(value)
    return status_pb2.Status()


def error_reason(error: grpc.aio.AioRpcError) -> str:
    from google.rpc import error_details_pb2

    for detail in rich_status(error).details:
        info = error_details_pb2.ErrorInfo()
        if detail.Unpack(info):
            return info.reason
    return ""


def error_metadata(error: grpc.aio.AioRpcError) -> dict[str, str]:
    """The ErrorInfo metadata of a failed call ({} without an ErrorInfo)."""
    from google.rpc import error_details_pb2

    for detail in rich_status(error).details:
        info = error_details_pb2.ErrorInfo()
        if detail.Unpack(info):
            return dict(info.metadata)
    return {}


def field_violations(error: grpc.aio.AioRpcError) -> dict[str, str]:
    from google.rpc import error_details_pb2

    for detail in rich_status(error).details:
        bad = error_details_pb2.BadRequest()
        if detail.Unpack(bad):
            return {v.field: v.reason for v in bad.field_violations}
    return {}
