"""The account pages the gateway serves itself: the targets of the links the user
service mails (`{LMS_WEB_URL}/verify-email?token=...`, `/reset-password?token=...`), for
deployments without a web app of their own (the embedded default).

A GET only shows a form: the token is spent by the POST that the page's script sends
to the JSON API when the person presses the button, so a mail scanner that follows
links changes nothing. The pages carry no external resource; their Content-Security-
Policy admits exactly their own inline script and style (by SHA-256), they are never
cached, and `referrer-policy: no-referrer` keeps the token out of Referer headers.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parent / "account_pages"
PAGES = {"/verify-email": "verify-email.html", "/reset-password": "reset-password.html"}
TRANSCODER_FILTER = "envoy.filters.http.grpc_json_transcoder"
_T_FILTER_CONFIG = "type.googleapis.com/envoy.config.route.v3.FilterConfig"


def _hashes(html: str, tag: str) -> list[str]:
    bodies = re.findall(rf"<{tag}>(.*?)</{tag}>", html, flags=re.DOTALL)
    return [f"'sha256-{base64.b64encode(hashlib.sha256(b.encode()).digest()).decode()}'" for b in bodies]


def content_security_policy(html: str) -> str:
    return "; ".join(
        [
            "default-src 'none'",
            "script-src " + " ".join(_hashes(html, "script")),
            "style-src " + " ".join(_hashes(html, "style")),
            "connect-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]
    )


def page_routes(pages_dir: Path = PAGES_DIR) -> list[dict]:
    """One GET route per page, answered by Envoy itself (direct_response)."""
    routes = []
    for path, filename in sorted(PAGES.items()):
        html = (pages_dir / filename).read_text()
        headers = {
            "content-type": "text/html; charset=utf-8",
            "cache-control": "no-store",
            "referrer-policy": "no-referrer",
            "x-content-type-options": "nosniff",
            "content-security-policy": content_security_policy(html),
        }
        routes.append(
            {
                "match": {"path": path, "headers": [{"name": ":method", "string_match": {"exact": "GET"}}]},
                "direct_response": {"status": 200, "body": {"inline_string": html}},
                "response_headers_to_add": [
                    {"header": {"key": k, "value": v}, "append_action": "OVERWRITE_IF_EXISTS_OR_ADD"}
                    for k, v in headers.items()
                ],
                # Not a gRPC method: the transcoder must not turn it away as unknown.
                "typed_per_filter_config": {TRANSCODER_FILTER: {"@type": _T_FILTER_CONFIG, "disabled": True}},
            }
        )
    return routes
