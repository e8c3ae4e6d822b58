"""Storage and the other services, behind the handlers' ports."""
