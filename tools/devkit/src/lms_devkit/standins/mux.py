"""A local stand-in for Mux Video's asset API, answering the official `mux_python` SDK
(set its Configuration.host to `api_base`). It checks what it is sent (Basic auth with
the token id and secret, a fetchable http(s) input URL, playback policies) and, when a
test finishes an asset, fetches the input as Mux would and signs the webhook as Mux
does: `Mux-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any

from lms_devkit.standins.http import JsonApiServer, Reply

POLICIES = {"public", "signed", "drm"}


def mux_signature(body: bytes, secret: str, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def _error(status: int, kind: str, *messages: str) -> Reply:
    return status, {"error": {"type": kind, "messages": list(messages)}}, {}


def _duration_of(data: bytes) -> float:
    """What Mux would report, measured with ffprobe when it is installed."""
    with tempfile.NamedTemporaryFile(suffix=".media") as media:
        media.write(data)
        media.flush()
        try:
            out = subprocess.run(
                ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", media.name],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            return float(out.strip() or 0.0)
        except (OSError, subprocess.CalledProcessError, ValueError):
            return 0.0


@dataclass
class MuxStandIn:
    token_id: str = "mux-test-token-id"
    token_secret: str = "mux-test-token-secret"
    webhook_secret: str = "mux-test-webhook-secret"
    assets: dict[str, dict[str, Any]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)  # why requests were refused, for tests
    _server: JsonApiServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def api_base(self) -> str:
        assert self._server is not None, "start() first"
        return self._server.base_url

    def start(self) -> MuxStandIn:
        self._server = JsonApiServer(self._handle).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()

    def _authorized(self, headers: dict[str, str]) -> bool:
        given = {k.lower(): v for k, v in headers.items()}.get("authorization", "")
        expected = base64.b64encode(f"{self.token_id}:{self.token_secret}".encode()).decode()
        return hmac.compare_digest(given, f"Basic {expected}")

    def _handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply:
        if not self._authorized(headers):
            self.refused.append("unauthorized")
            return _error(401, "unauthorized", "Unauthorized request")
        if method == "POST" and path == "/video/v1/assets":
            return self._create(body)
        if method == "GET" and path.startswith("/video/v1/assets/"):
            asset = self.assets.get(path.rsplit("/", 1)[1])
            return (
                (200, {"data": self._public(asset)}, {}) if asset else _error(404, "not_found", "Not found")
            )
        return _error(404, "not_found", f"no route {method} {path}")

    def _create(self, body: bytes) -> Reply:
        try:
            request = json.loads(body)
        except ValueError:
            self.refused.append("body is not JSON")
            return _error(400, "invalid_parameters", "body is not JSON")
        inputs = request.get("inputs") or request.get("input") or []
        urls = [i.get("url", "") for i in inputs if isinstance(i, dict)]
        policies = request.get("playback_policies") or request.get("playback_policy") or []
        problems = []
        if len(urls) != 1 or not urls[0].startswith(("http://", "https://")):
            problems.append("inputs must hold one http(s) url")
        if not policies or not set(policies) <= POLICIES:
            problems.append(f"playback_policies must be some of {sorted(POLICIES)}")
        if len(str(request.get("passthrough", ""))) > 255:
            problems.append("passthrough is at most 255 characters")
        if problems:
            self.refused.extend(problems)
            return _error(400, "invalid_parameters", *problems)
        asset_id = uuid.uuid4().hex
        asset = {
            "id": asset_id,
            "status": "preparing",
            "created_at": str(int(time.time())),
            "passthrough": request.get("passthrough", ""),
            "playback_ids": [{"id": uuid.uuid4().hex, "policy": p} for p in policies],
            "input_url": urls[0],
        }
        with self._lock:
            self.assets[asset_id] = asset
        return 201, {"data": self._public(asset)}, {}

    @staticmethod
    def _public(asset: dict[str, Any] | None) -> dict[str, Any]:
        return {k: v for k, v in (asset or {}).items() if k != "input_url"}

    def finish(self, asset_id: str, *, error: str = "") -> tuple[bytes, dict[str, str]]:
        """Process the asset as Mux does (fetching its input URL) and return the webhook
        delivery (body, headers): `video.asset.ready`, or `video.asset.errored`."""
        asset = self.assets[asset_id]
        with urllib.request.urlopen(asset["input_url"], timeout=30) as fetched:
            data = fetched.read()
        if error:
            asset.update(status="errored", errors={"type": "invalid_input", "messages": [error]})
            kind = "video.asset.errored"
        else:
            asset.update(status="ready", duration=_duration_of(data), max_stored_resolution="SD")
            kind = "video.asset.ready"
        event = {
            "type": kind,
            "id": str(uuid.uuid4()),
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime()),
            "object": {"type": "asset", "id": asset_id},
            "environment": {"name": "Test", "id": "test-env"},
            "data": self._public(asset),
        }
        body = json.dumps(event).encode()
        return body, {
            "Mux-Signature": mux_signature(body, self.webhook_secret),
            "Content-Type": "application/json",
        }

    def deliver(self, webhook_url: str, body: bytes, headers: dict[str, str]) -> int:
        """POST a delivery to the service's webhook endpoint; the HTTP status."""
        request = urllib.request.Request(webhook_url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as refused:
            return int(refused.code)
