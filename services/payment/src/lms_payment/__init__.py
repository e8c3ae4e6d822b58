"""The LMS payment service."""
