"""Mux through its official SDK (`mux_python`): an asset from a presigned URL of the
uploaded object, signed playback. The SDK blocks, so calls run in a worker thread."""

from __future__ import annotations

import asyncio
import logging

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
