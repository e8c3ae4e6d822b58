"""A purchase through the real Envoy, as the apps and the providers make it: a learner orders
a paid course over REST (a coupon applied), Stripe (the stand-in, reached by the official SDK
inside the payment service) confirms the payment and posts its signed webhook to
`/v1/webhooks/stripe` through the gateway, the saga enrols the learner, the order is
fulfilled; a tampered webhook is a 400 that changes nothing; then a learner refund ends the
enrolment. The same for Razorpay with its checkout signature. Stand-ins run in this process;
the services reach them over loopback."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from lms_devkit.standins.razorpay import RazorpayStandIn
from lms_devkit.standins.stripe import StripeStandIn

from .test_course_through_gateway import PASSWORD, admin_bearer, log_in, ok, sign_up
from .test_identity_flows import mailed_link

if TYPE_CHECKING:
    from conftest import RunningMesh

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def providers() -> Iterator[tuple[StripeStandIn, RazorpayStandIn]]:
    stripe, razorpay = StripeStandIn().start(), RazorpayStandIn().start()
    yield stripe, razorpay
    stripe.stop()
    razorpay.stop()


@pytest.fixture(scope="module")
def paying_mesh(start_mesh, tmp_path_factory, providers) -> Iterator[RunningMesh]:
    stripe, razorpay = providers
    mesh = start_mesh(
        tmp_path_factory.mktemp("payments") / "data",
        env={
            "LMS_STRIPE_API_KEY": stripe.api_key,
            "LMS_STRIPE_WEBHOOK_SECRET": stripe.webhook_secret,
            "LMS_STRIPE_API_BASE": stripe.api_base,
            "LMS_RAZORPAY_KEY_ID": razorpay.key_id,
            "LMS_RAZORPAY_KEY_SECRET": razorpay.key_secret,
            "LMS_RAZORPAY_WEBHOOK_SECRET": razorpay.webhook_secret,
            "LMS_RAZORPAY_API_BASE": razorpay.api_base,
            "LMS_ENROLMENT_BACKOFF_S": "[0.2]",
        },
    )
    yield mesh
    mesh.terminate()


@pytest.fixture(scope="module")
def client(paying_mesh) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=paying_mesh.rest, timeout=15.0, trust_env=False) as http:
        yield http


def published_paid_course(rest: httpx.Client, mesh, price: int) -> tuple[str, dict]:
    teacher_name, email = sign_up(rest, "teacher")
    ok(
        rest.post(
            f"/v1/{teacher_name}:setRoles", json={"roles": ["ROLE_TEACHER"]}, headers=admin_bearer(mesh)
        )
    )
    teacher = log_in(rest, email)
    course = ok(
        rest.post(
            "/v1/courses",
            json={"title": "Paid astronomy", "price": {"currencyCode": "USD", "amountMinor": str(price)}},
            headers=teacher,
        )
    )
    chapter = ok(rest.post(f"/v1/{course['name']}/chapters", json={"title": "One"}, headers=teacher))
    ok(
        rest.post(
            f"/v1/{chapter['name']}/lectures",
            json={"title": "L1", "video": {"asset": "videos/abc", "durationSeconds": 60}},
            headers=teacher,
        )
    )
    ok(rest.post(f"/v1/{course['name']}:publish", json={}, headers=teacher))
    return course["name"], teacher


def wait_for(rest: httpx.Client, name: str, headers: dict, state: str, within_s: float = 20.0) -> dict:
    deadline = time.monotonic() + within_s
    while True:
        order = ok(rest.get(f"/v1/{name}", headers=headers))
        if order["state"] == state or time.monotonic() > deadline:
            return order
        time.sleep(0.1)


def test_a_learner_buys_a_course_with_a_coupon_through_stripe_and_is_enrolled(
    paying_mesh, client, providers
) -> None:
    stripe, _ = providers
    course, teacher = published_paid_course(client, paying_mesh, 5_000)
    code = f"E2E{uuid.uuid4().hex[:6].upper()}"
    ok(
        client.post(
            "/v1/coupons",
            json={"name": f"coupons/{code}", "percentOff": 20},
            headers=admin_bearer(paying_mesh),
        )
    )
    learner_name, email = sign_up(client, "learner", paying_mesh)
    learner = log_in(client, email)

    order = ok(
        client.post(
            "/v1/orders",
            json={"course": course, "requestId": uuid.uuid4().hex, "couponCode": code.lower()},
            headers=learner,
        )
    )
    assert order["state"] == "ORDER_STATE_PENDING"
    assert (order["amount"]["amountMinor"], order["discount"]["amountMinor"]) == ("4000", "1000")
    assert order["clientSecret"].startswith(order["providerPaymentId"])

    payload = stripe.pay(order["providerPaymentId"])
    tampered = payload.replace(b'"amount_received":4000', b'"amount_received":1')
    status, body = stripe.deliver(f"{paying_mesh.rest}/v1/webhooks/stripe", tampered, stripe.sign(payload))
    assert status == 400 and b"WEBHOOK_SIGNATURE_INVALID" in body
    assert ok(client.get(f"/v1/{order['name']}", headers=learner))["state"] == "ORDER_STATE_PENDING"

    status, body = stripe.deliver(f"{paying_mesh.rest}/v1/webhooks/stripe", payload)
    assert status == 200, body
    status, _ = stripe.deliver(f"{paying_mesh.rest}/v1/webhooks/stripe", payload)  # Stripe retries
    assert status == 200

    done = wait_for(client, order["name"], learner, "ORDER_STATE_FULFILLED")
    assert done["state"] == "ORDER_STATE_FULFILLED"
    enrolment = ok(client.get(f"/v1/{course}/enrollments/{learner_name.split('/')[1]}", headers=learner))
    assert enrolment["state"] == "ENROLLMENT_STATE_ACTIVE"
    receipt = ok(client.get(f"/v1/{order['name']}/receipt", headers=learner))
    assert receipt["amountPaid"]["amountMinor"] == "4000"

    refund = ok(
        client.post(f"/v1/{order['name']}:refund", json={"requestId": uuid.uuid4().hex}, headers=learner)
    )
    assert refund["state"] == "REFUND_STATE_SUCCEEDED"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        state = ok(client.get(f"/v1/{course}/enrollments/{learner_name.split('/')[1]}", headers=teacher))[
            "state"
        ]
        if state == "ENROLLMENT_STATE_REVOKED":
            break
        time.sleep(0.1)
    assert state == "ENROLLMENT_STATE_REVOKED"
    balance = ok(client.get("/v1/ledger:balance", headers=admin_bearer(paying_mesh)))
    assert {t.get("amountMinor", "0") for t in balance["totals"]} == {"0"}


def test_a_learner_pays_with_razorpay_checkout_and_the_signature_is_checked(
    paying_mesh, client, providers
) -> None:
    _, razorpay = providers
    course, _ = published_paid_course(client, paying_mesh, 49_900)
    _, email = sign_up(client, "learner", paying_mesh)
    learner = log_in(client, email)
    order = ok(
        client.post(
            "/v1/orders",
            json={"course": course, "requestId": uuid.uuid4().hex, "provider": "PAYMENT_PROVIDER_RAZORPAY"},
            headers=learner,
        )
    )
    assert order["providerKeyId"] == razorpay.key_id
    payment_id, signature = razorpay.pay(order["providerPaymentId"])

    forged = client.post(
        f"/v1/{order['name']}:confirmRazorpayPayment",
        json={"razorpayPaymentId": payment_id, "razorpaySignature": "0" * 64},
        headers=learner,
    )
    assert forged.status_code == 400 and "CHECKOUT_SIGNATURE_INVALID" in forged.text
    confirmed = ok(
        client.post(
            f"/v1/{order['name']}:confirmRazorpayPayment",
            json={"razorpayPaymentId": payment_id, "razorpaySignature": signature},
            headers=learner,
        )
    )
    assert confirmed["state"] in ("ORDER_STATE_PAID", "ORDER_STATE_FULFILLED")
    # Razorpay's webhook through the gateway: its signature checked, a no-op now.
    status, _ = razorpay.deliver(
        f"{paying_mesh.rest}/v1/webhooks/razorpay", razorpay.event("payment.captured", payment_id)
    )
    assert status == 200
    assert (
        wait_for(client, order["name"], learner, "ORDER_STATE_FULFILLED")["state"] == "ORDER_STATE_FULFILLED"
    )


def test_an_unverified_learner_cannot_buy_until_the_email_is_verified_and_the_token_refreshed(
    paying_mesh, client
) -> None:
    course, _ = published_paid_course(client, paying_mesh, 2_500)
    _, email = sign_up(client, "unverified")
    signed_in = client.post("/v1/auth:login", json={"email": email, "password": PASSWORD}).json()["tokens"]
    stale = {"authorization": f"Bearer {signed_in['accessToken']}"}
    refused = client.post("/v1/orders", json={"course": course, "requestId": uuid.uuid4().hex}, headers=stale)
    assert refused.status_code == 400, refused.text  # FAILED_PRECONDITION
    (info,) = [d for d in refused.json()["details"] if d["@type"].endswith("ErrorInfo")]
    assert info["reason"] == "EMAIL_NOT_VERIFIED" and "refresh" in refused.json()["message"]

    token = parse_qs(urlparse(mailed_link(paying_mesh, email)).query)["token"][0]
    assert client.post("/v1/auth:verifyEmail", json={"token": token}).status_code == 200
    refreshed = ok(client.post("/v1/auth:refresh", json={"refreshToken": signed_in["refreshToken"]}))
    fresh = {"authorization": f"Bearer {refreshed['tokens']['accessToken']}"}
    order = ok(
        client.post("/v1/orders", json={"course": course, "requestId": uuid.uuid4().hex}, headers=fresh)
    )
    assert order["state"] == "ORDER_STATE_PENDING"
