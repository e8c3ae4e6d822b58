"""Stripe in test mode for the dev mesh: the stand-in as a process of its own, plus the
step a learner's browser would do on Stripe's payment page.

    python -m lms_devkit.standins.stripe_checkout --port 4242 --webhook-url http://127.0.0.1:8080/v1/webhooks/stripe

`POST /test/checkout/<payment intent id>` with `{"card": "4242424242424242"}` completes the
payment as Stripe's test card would and sends the signed `payment_intent.succeeded`
webhook to the gateway; Stripe's decline test card `4000000000000002` fails it and sends
`payment_intent.payment_failed`. Everything else is the stand-in's Stripe API (with its
key checks). It is a development tool: test mode, never a real payment.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from typing import Any

from lms_devkit.standins.http import JsonApiServer
from lms_devkit.standins.stripe import StripeStandIn

CHECKOUT_PREFIX = "/test/checkout/"
SUCCEEDS = "4242424242424242"
DECLINES = "4000000000000002"


class TestModeStripe:
    def __init__(self, standin: StripeStandIn, webhook_url: str) -> None:
        self.standin = standin
        self.webhook_url = webhook_url

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any, dict]:
        if path.startswith(CHECKOUT_PREFIX):
            return self._checkout(method, path.removeprefix(CHECKOUT_PREFIX), body)
        status, reply, extra = self.standin._handle(method, path, headers, body.decode())
        return status, reply, extra

    def _checkout(self, method: str, intent_id: str, body: bytes) -> tuple[int, Any, dict]:
        if method != "POST":
            return 405, {"error": "POST the test card to complete the payment"}, {}
        if intent_id not in self.standin.intents:
            return 404, {"error": f"no payment intent {intent_id}"}, {}
        try:
            card = str(json.loads(body or b"{}").get("card", "")).replace(" ", "")
        except (ValueError, AttributeError):
            return 400, {"error": 'send {"card": "4242424242424242"}'}, {}
        if card == SUCCEEDS:
            payload = self.standin.pay(intent_id)
        elif card == DECLINES:
            payload = self.standin.decline(intent_id)
        else:
            return (
                400,
                {"error": f"test mode takes the test cards {SUCCEEDS} (pays) or {DECLINES} (declines)"},
                {},
            )
        status, _body = self.standin.deliver(self.webhook_url, payload)
        outcome = self.standin.intents[intent_id]["status"]
        return 200, {"payment_intent": intent_id, "status": outcome, "webhook_status": status}, {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--webhook-url", required=True, help="where the signed webhooks go (the gateway)")
    args = parser.parse_args(argv)
    test_mode = TestModeStripe(StripeStandIn(), args.webhook_url)
    server = JsonApiServer(test_mode.handle, port=args.port).start()
    print(f"stripe test mode on {server.base_url}", flush=True)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    stop.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
