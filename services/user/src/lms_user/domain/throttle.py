"""Login throttling rules: after some free failures, each further failure locks the
key (an account's email, or a client address) for twice as long as the last,
up to a cap. A key's failure count is forgotten after `window` without failures;
a successful sign-in clears the account's count (not the address's).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ThrottleRule:
    free_failures: int
    base_lock_s: float
    max_lock_s: float
    window_s: float

    def lock_after(self, failures: int) -> float:
        """Seconds to lock after the `failures`-th failure in a row (0: not locked)."""
        if failures < self.free_failures:
            return 0.0
        return min(self.base_lock_s * 2 ** (failures - self.free_failures), self.max_lock_s)


# An account: 5 free failures, then 5 s, 10 s, 20 s, ... up to 15 minutes.
ACCOUNT_RULE = ThrottleRule(free_failures=5, base_lock_s=5.0, max_lock_s=900.0, window_s=3600.0)
# An address: generous, because a school or a mobile carrier puts many users behind one.
ADDRESS_RULE = ThrottleRule(free_failures=50, base_lock_s=2.0, max_lock_s=900.0, window_s=3600.0)


def account_key(email: str) -> str:
    """Throttle key of an email (hashed: no addresses in the limiter's store). The
    same for existing and unknown accounts."""
    return "acct:" + hashlib.sha256(email.encode("utf-8")).hexdigest()[:32]


def address_key(ip: str) -> str:
    return "ip:" + hashlib.sha256(ip.encode("utf-8")).hexdigest()[:32]
