"""Money: an integer amount in minor units and an ISO 4217 currency, never a float."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lms_kit.domain.errors import Invalid

# The currencies the platform takes unless a deployment configures its own list
# (LMS_SUPPORTED_CURRENCIES). Each is an ISO 4217 code that Stripe and Razorpay accept.
DEFAULT_CURRENCIES = frozenset({"USD", "EUR", "GBP", "INR", "JPY", "AUD", "CAD", "SGD", "BRL", "CHF"})
# ISO 4217 currencies without minor units among the supported ones.
ZERO_DECIMAL = frozenset({"JPY", "KRW", "VND", "CLP", "ISK", "UGX"})


@dataclass(frozen=True, slots=True)
class Money:
    amount_minor: int
    currency: str

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @property
    def is_zero(self) -> bool:
        return self.amount_minor == 0

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount_minor + other.amount_minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount_minor - other.amount_minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount_minor, self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} and {other.currency}")


def check_currency(code: str, field: str, supported: Iterable[str] = DEFAULT_CURRENCIES) -> str:
    """`code` if it is one of the supported ISO 4217 codes (exactly, upper case); else
    Invalid naming `field` (CURRENCY_UNSUPPORTED)."""
    allowed = frozenset(supported)
    if code not in allowed:
        raise Invalid.field(
            field,
            "CURRENCY_UNSUPPORTED",
            f"{code!r} is not a supported ISO 4217 currency code (one of {', '.join(sorted(allowed))})",
        )
    return code
