"""Email normalisation and the password policy."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import idna

from lms_user.domain.errors import InvalidEmail, PasswordProblem, PasswordRejected

EMAIL_MAX = 320
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}")
# Digits and symbols people pad a common word with ("password2024!").
_PADDING = "0123456789!@#$%^&*()-_=+.?~ "


def normalise_email(raw: str) -> str:
    """One spelling per mailbox: NFKC (a full-width letter is its ASCII letter),
    trimmed and lower-cased, the domain in the canonical Unicode form of IDNA 2008 (so
    `xn--bcher-kva.de` and `bücher.de` are one address, and `straße.de` stays itself);
    raises InvalidEmail if it is not an email."""
    email = unicodedata.normalize("NFKC", raw).strip().lower()
    local, at, domain = email.rpartition("@")
    if at:
        email = f"{local}@{_canonical_domain(domain)}"
    if len(email) > EMAIL_MAX or not _EMAIL.fullmatch(email):
        raise InvalidEmail()
    return email


def _canonical_domain(domain: str) -> str:
    # ToASCII then ToUnicode with UTS 46 mapping (IDNA 2008). Not the stdlib "idna" codec:
    # it is IDNA 2003, which maps `straße.de` to `strasse.de`, another registrable domain.
    try:
        return idna.decode(idna.encode(domain, uts46=True))
    except UnicodeError:  # idna.IDNAError, and empty or over-long labels
        raise InvalidEmail() from None


@dataclass(frozen=True)
class PasswordPolicy:
    """Length bounds (OWASP ASVS 2.1: at least 12, allow long passphrases) and a
    list of common passwords, matched case-insensitively, also once the usual
    digit/symbol padding is stripped off both ends."""

    common: frozenset[str]
    min_length: int = 12
    max_length: int = 1024

    @classmethod
    def with_common(cls, passwords: Iterable[str], **kwargs: int) -> PasswordPolicy:
        return cls(frozenset(p.strip().lower() for p in passwords if p.strip()), **kwargs)

    def problems(self, password: str, *, email: str = "") -> list[PasswordProblem]:
        """Every rule `password` breaks (empty when it is acceptable)."""
        password = unicodedata.normalize("NFC", password)
        found: list[PasswordProblem] = []
        if len(password) < self.min_length:
            found.append(
                PasswordProblem("PASSWORD_TOO_SHORT", f"must be at least {self.min_length} characters")
            )
        if len(password) > self.max_length:
            found.append(
                PasswordProblem("PASSWORD_TOO_LONG", f"must be at most {self.max_length} characters")
            )
        if self.is_common(password):
            found.append(PasswordProblem("PASSWORD_TOO_COMMON", "is too common; choose another"))
        local = email.split("@", 1)[0].lower()
        if len(local) >= 3 and local in password.lower():
            found.append(PasswordProblem("PASSWORD_CONTAINS_EMAIL", "must not contain the email address"))
        return found

    def check(self, password: str, *, email: str = "", field: str = "password") -> None:
        """Raise PasswordRejected listing every problem, on the request's `field`."""
        found = self.problems(password, email=email)
        if found:
            raise PasswordRejected(found, field=field)

    def is_common(self, password: str) -> bool:
        lowered = password.lower()
        if lowered in self.common:
            return True
        stripped = lowered.strip(_PADDING)
        if len(stripped) >= 4 and stripped in self.common:
            return True
        # A short unit or a common password repeated ("abcabcabcabc", "qwertyqwerty").
        for size in range(1, len(lowered) // 2 + 1):
            unit = lowered[:size]
            repeated = len(lowered) % size == 0 and lowered == unit * (len(lowered) // size)
            if repeated and (size <= 4 or unit in self.common):
                return True
        return False
