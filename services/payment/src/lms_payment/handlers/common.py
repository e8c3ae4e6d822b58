"""What every use case shares: the platform's commercial terms and the dependencies (the
unit of work, the course service, the providers, the clock)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from lms_kit.domain import Clock, utc_now
from lms_kit.domain.money import DEFAULT_CURRENCIES
from lms_payment.domain.errors import ProviderNotConfigured
from lms_payment.domain.model import Provider
from lms_payment.domain.providers import CheckoutVerifier, PaymentGateway, SubscriptionGateway
from lms_payment.handlers.ports import Catalog, PaymentUnitOfWork

log = logging.getLogger("lms_payment")


@dataclass(frozen=True, slots=True)
class Terms:
    """The platform's commercial settings, frozen on each order when it is placed."""

    platform_fee_bps: int = 3_000
    referral_commission_bps: int = 1_000
    default_refund_window_days: int = 14
    order_expiry: timedelta = timedelta(hours=24)
    reconcile_after: timedelta = timedelta(minutes=15)
    # The ISO 4217 codes money is taken in (LMS_SUPPORTED_CURRENCIES).
    currencies: frozenset[str] = DEFAULT_CURRENCIES
    # Orders and subscriptions need a verified email (LMS_VERIFIED_EMAIL_REQUIRED).
    verified_email_required: bool = False


# The setting that turns each provider on.
_KEY_SETTING = {Provider.STRIPE: "LMS_STRIPE_API_KEY", Provider.RAZORPAY: "LMS_RAZORPAY_KEY_ID"}


@dataclass
class Deps:
    uow: Callable[[], PaymentUnitOfWork]
    catalog: Catalog
    gateways: Mapping[Provider, PaymentGateway]
    terms: Terms = field(default_factory=Terms)
    clock: Clock = utc_now

    def gateway(self, provider: Provider) -> PaymentGateway:
        gateway = self.gateways.get(provider)
        if gateway is None:
            setting = _KEY_SETTING.get(provider, "")
            raise ProviderNotConfigured(
                f"payment provider {provider} is not configured: set {setting}, or run the dev mesh "
                "(scripts/up), whose Stripe is in test mode",
                setting=setting,
            )
        return gateway

    def checkout_verifier(self, provider: Provider) -> CheckoutVerifier:
        """The provider as the checker of its checkout signatures (Razorpay)."""
        gateway = self.gateway(provider)
        if not isinstance(gateway, CheckoutVerifier):
            raise ProviderNotConfigured(f"payment provider {provider} has no checkout to confirm")
        return gateway

    def subscription_gateway(self, provider: Provider) -> SubscriptionGateway:
        """The provider as the biller of plans (Stripe)."""
        gateway = self.gateway(provider)
        if not isinstance(gateway, SubscriptionGateway):
            raise ProviderNotConfigured(f"payment provider {provider} bills no subscriptions")
        return gateway
