"""Use cases of the notification service: plain values in, domain objects out."""
