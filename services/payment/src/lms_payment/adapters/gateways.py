"""The payment providers this deployment has keys for; the same adapters run against the
vendors and against the local stand-ins (only the API base differs)."""

from __future__ import annotations

from lms_payment.adapters.razorpay_gateway import RazorpayGateway
from lms_payment.adapters.stripe_gateway import StripeGateway
from lms_payment.domain.model import Provider
from lms_payment.domain.providers import PaymentGateway
from lms_payment.settings import PaymentSettings


def configured_gateways(settings: PaymentSettings) -> dict[Provider, PaymentGateway]:
    """Stripe when LMS_STRIPE_API_KEY is set, Razorpay when LMS_RAZORPAY_KEY_ID is."""
    found: dict[Provider, PaymentGateway] = {}
    if settings.stripe_api_key:
        found[Provider.STRIPE] = StripeGateway(
            api_key=settings.stripe_api_key,
            webhook_secret=settings.stripe_webhook_secret,
            api_base=settings.stripe_api_base,
            tolerance_s=settings.stripe_webhook_tolerance_s,
        )
    if settings.razorpay_key_id:
        found[Provider.RAZORPAY] = RazorpayGateway(
            key_id=settings.razorpay_key_id,
            key_secret=settings.razorpay_key_secret,
            webhook_secret=settings.razorpay_webhook_secret,
            api_base=settings.razorpay_api_base,
        )
    return found
