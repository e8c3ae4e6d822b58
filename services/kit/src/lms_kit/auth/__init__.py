"""Caller identity: verified access tokens, service tokens and the current principal."""

from lms_kit.auth.principal import ANONYMOUS, Principal, current_principal
from lms_kit.auth.tokens import TokenVerifier

__all__ = ["ANONYMOUS", "Principal", "TokenVerifier", "current_principal"]
