"""Mux through its official SDK (`mux_python`): an asset from a presigned URL of the
uploaded object, signed playback. The SDK blocks, so calls run in a worker thread."""

from __future__ import annotations

import asyncio
import base64
import logging
from datetime import datetime

import jwt
import mux_python
import urllib3
from mux_python.rest import ApiException

from lms_file.domain.errors import StorageUnavailable

log = logging.getLogger("lms_file")


class MuxAssets:
    def __init__(self, *, token_id: str, token_secret: str, api_base: str = "") -> None:
        configuration = mux_python.Configuration()
        configuration.username = token_id
        configuration.password = token_secret
        if api_base:  # the local stand-in in tests and the dev runner
            configuration.host = api_base
        self._assets = mux_python.AssetsApi(mux_python.ApiClient(configuration))

    async def create_asset(self, input_url: str, passthrough: str) -> str:
        request = mux_python.CreateAssetRequest(
            inputs=[mux_python.InputSettings(url=input_url)],
            playback_policies=[mux_python.PlaybackPolicy.SIGNED],
            passthrough=passthrough,
        )
        try:
            reply = await asyncio.to_thread(self._assets.create_asset, request)
        except ApiException as error:
            log.warning("mux_create_asset_failed status=%s", error.status)
            if error.status is None or error.status >= 500 or error.status == 429:
                raise StorageUnavailable("Mux") from error
            raise
        except (OSError, urllib3.exceptions.HTTPError) as error:  # connection refused, timeouts
            raise StorageUnavailable("Mux") from error
        return str(reply.data.id)


class MuxPlaybackSigner:
    """Signed playback: an RS256 JWT with the Mux signing key (`aud` "v" for video)."""

    def __init__(self, *, key_id: str, private_key: str, stream_base: str = "https://stream.mux.com") -> None:
        self._key_id = key_id
        # Mux hands out the PEM base64-encoded; a plain PEM works too.
        self._key = private_key if "BEGIN" in private_key else base64.b64decode(private_key).decode()
        self._stream_base = stream_base.rstrip("/")

    def playback_url(self, playback_id: str, expires_at: datetime) -> str:
        claims = {"sub": playback_id, "aud": "v", "exp": int(expires_at.timestamp()), "kid": self._key_id}
        token = jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self._key_id})
        return f"{self._stream_base}/{playback_id}.m3u8?token={token}"
