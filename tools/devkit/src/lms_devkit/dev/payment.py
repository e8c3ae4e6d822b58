"""Payments in the embedded default: Stripe in clearly marked test mode (the stand-in, a
process of its own), unless the runner's environment has real Stripe keys."""

from __future__ import annotations

import http.client
import os

from lms_devkit.dev import DevChild, DevContext, DevSetup
from lms_devkit.standins.stripe import StripeStandIn


def prepare(ctx: DevContext) -> DevSetup:
    if os.environ.get("LMS_STRIPE_API_KEY"):  # real (or the developer's own) keys win
        return DevSetup()
    port = ctx.free_port()
    base = f"http://127.0.0.1:{port}"
    child = DevChild(
        name="stripe-test-mode",
        argv=[
            ctx.python,
            "-m",
            "lms_devkit.standins.stripe_checkout",
            "--port",
            str(port),
            "--webhook-url",
            f"{ctx.rest_url}/v1/webhooks/stripe",
        ],
        ready=lambda: _answers(port),
    )
    (ctx.data_dir / "stripe-test-mode.txt").write_text(
        f"Stripe test mode: {base}\nComplete a payment: POST {base}/test/checkout/<payment intent id> "
        '{"card": "4242424242424242"}\n'
    )
    return DevSetup(
        env={
            "LMS_STRIPE_API_KEY": StripeStandIn.api_key,
            "LMS_STRIPE_WEBHOOK_SECRET": StripeStandIn.webhook_secret,
            "LMS_STRIPE_API_BASE": base,
            "LMS_TEST_MODE_CHECKOUT_URL": f"{base}/test/checkout/",
        },
        children=[child],
    )


def _answers(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1.0)
    try:
        connection.request("GET", "/v1/payment_intents/none")
        return connection.getresponse().status in (401, 404)
    except OSError:
        return False
    finally:
        connection.close()
